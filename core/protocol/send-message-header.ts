// The send side's protocol: SendMessageRequestHeader (SEND_MESSAGE's field names) and its V2 twin
// (SEND_MESSAGE_V2's one-letter names, a..m), ConsumerSendMsgBackRequestHeader, and SendStatus,
// the producer's reading of a send's response code (MQClientAPIImpl.processSendResponse).
import { RequestCode } from './request-code.ts';
import { ResponseCode } from './response-code.ts';
import { booleanField, intField, longField, NO_FIELDS, required, stringField } from './header-reader.ts';
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

/** SendMessageRequestHeader's own names, for a V1 request (SEND_MESSAGE). */
const SEND_HEADER_V1_NAMES = {
  producerGroup: 'producerGroup',
  topic: 'topic',
  defaultTopic: 'defaultTopic',
  defaultTopicQueueNums: 'defaultTopicQueueNums',
  queueId: 'queueId',
  sysFlag: 'sysFlag',
  bornTimestamp: 'bornTimestamp',
  flag: 'flag',
  properties: 'properties',
  reconsumeTimes: 'reconsumeTimes',
  unitMode: 'unitMode',
  maxReconsumeTimes: 'maxReconsumeTimes',
  batch: 'batch',
} as const satisfies Record<keyof SendMessageRequestHeader, string>;

/** parseRequestHeader: a V1 or V2 header as the V1 fields; throws HeaderError. */
export function parseSendMessageHeader(request: RemotingCommand): SendMessageRequestHeader {
  const e = request.extFields ?? NO_FIELDS;
  const n: Record<keyof SendMessageRequestHeader, string> =
    request.code === RequestCode.SEND_MESSAGE_V2 ? SEND_HEADER_V2_NAMES : SEND_HEADER_V1_NAMES;
  return {
    producerGroup: required(e, n.producerGroup, stringField),
    topic: required(e, n.topic, stringField),
    defaultTopic: required(e, n.defaultTopic, stringField),
    defaultTopicQueueNums: required(e, n.defaultTopicQueueNums, intField),
    queueId: required(e, n.queueId, intField),
    sysFlag: required(e, n.sysFlag, intField),
    bornTimestamp: required(e, n.bornTimestamp, longField),
    flag: required(e, n.flag, intField),
    properties: stringField(e, n.properties),
    reconsumeTimes: intField(e, n.reconsumeTimes),
    unitMode: booleanField(e, n.unitMode),
    maxReconsumeTimes: intField(e, n.maxReconsumeTimes),
    batch: booleanField(e, n.batch),
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
  const e = request.extFields ?? NO_FIELDS;
  return {
    offset: required(e, 'offset', longField),
    group: required(e, 'group', stringField),
    delayLevel: required(e, 'delayLevel', intField),
    originMsgId: stringField(e, 'originMsgId'),
    originTopic: stringField(e, 'originTopic'),
    unitMode: booleanField(e, 'unitMode'),
    maxReconsumeTimes: intField(e, 'maxReconsumeTimes'),
  };
}
