// The send side's protocol: SendMessageRequestHeader (SEND_MESSAGE's field names) and its V2 twin
// (SEND_MESSAGE_V2's one-letter names, a..m), ConsumerSendMsgBackRequestHeader, and SendStatus,
// the producer's reading of a send's response code (MQClientAPIImpl.processSendResponse).
import { RequestCode } from './request-code.ts';
import { ResponseCode } from './response-code.ts';
import { HeaderReader } from './header-reader.ts';
import type { RemotingCommand } from './remoting-command.ts';

/** What the producer makes of the answer (SendStatus); the last three mean "stored, but". */
export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

/** MQClientAPIImpl.processSendResponse: the SendStatus of a response code, undefined for an error. */
export function sendStatusOf(code: number): SendStatus | undefined {
  switch (code) {
    case ResponseCode.SUCCESS:
      return 'SEND_OK';
    case ResponseCode.FLUSH_DISK_TIMEOUT:
      return 'FLUSH_DISK_TIMEOUT';
    case ResponseCode.FLUSH_SLAVE_TIMEOUT:
      return 'FLUSH_SLAVE_TIMEOUT';
    case ResponseCode.SLAVE_NOT_AVAILABLE:
      return 'SLAVE_NOT_AVAILABLE';
    default:
      return undefined;
  }
}

export interface SendMessageRequestHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties?: string;
  reconsumeTimes?: number;
  unitMode?: boolean;
  maxReconsumeTimes?: number;
  batch?: boolean;
}

/** SendMessageRequestHeaderV2's one-letter names, in field order (a = producerGroup ... m = batch). */
export const SEND_HEADER_V2_NAMES = {
  producerGroup: 'a',
  topic: 'b',
  defaultTopic: 'c',
  defaultTopicQueueNums: 'd',
  queueId: 'e',
  sysFlag: 'f',
  bornTimestamp: 'g',
  flag: 'h',
  properties: 'i',
  reconsumeTimes: 'j',
  unitMode: 'k',
  maxReconsumeTimes: 'l',
  batch: 'm',
} as const satisfies Record<keyof SendMessageRequestHeader, string>;

/** parseRequestHeader: a V1 or V2 header as the V1 fields; throws HeaderError. */
export function parseSendMessageHeader(request: RemotingCommand): SendMessageRequestHeader {
  const h = new HeaderReader(request.extFields);
  const v2 = request.code === RequestCode.SEND_MESSAGE_V2;
  const n = (field: keyof SendMessageRequestHeader) => (v2 ? SEND_HEADER_V2_NAMES[field] : field);
  return {
    producerGroup: h.required(n('producerGroup'), h.string),
    topic: h.required(n('topic'), h.string),
    defaultTopic: h.required(n('defaultTopic'), h.string),
    defaultTopicQueueNums: h.required(n('defaultTopicQueueNums'), h.int),
    queueId: h.required(n('queueId'), h.int),
    sysFlag: h.required(n('sysFlag'), h.int),
    bornTimestamp: h.required(n('bornTimestamp'), h.long),
    flag: h.required(n('flag'), h.int),
    properties: h.string(n('properties')),
    reconsumeTimes: h.int(n('reconsumeTimes')),
    unitMode: h.boolean(n('unitMode')),
    maxReconsumeTimes: h.int(n('maxReconsumeTimes')),
    batch: h.boolean(n('batch')),
  };
}

export interface ConsumerSendMsgBackRequestHeader {
  /** CommitLog offset of the message that failed. */
  offset: number;
  group: string;
  delayLevel: number;
  originMsgId?: string;
  originTopic?: string;
  unitMode?: boolean;
  maxReconsumeTimes?: number;
}

export function parseSendMsgBackHeader(request: RemotingCommand): ConsumerSendMsgBackRequestHeader {
  const h = new HeaderReader(request.extFields);
  return {
    offset: h.required('offset', h.long),
    group: h.required('group', h.string),
    delayLevel: h.required('delayLevel', h.int),
    originMsgId: h.string('originMsgId'),
    originTopic: h.string('originTopic'),
    unitMode: h.boolean('unitMode'),
    maxReconsumeTimes: h.int('maxReconsumeTimes'),
  };
}
