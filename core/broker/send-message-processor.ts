// SendMessageProcessor: SEND_MESSAGE, SEND_MESSAGE_V2 and CONSUMER_SEND_MSG_BACK, as RocketMQ
// 4.9.x's SendMessageProcessor and AbstractSendMessageProcessor handle them.
// Send: the header (V1 names, or V2's a..m) is checked as msgCheck does: a broker without write
// permission refuses only order topics (NO_PERMISSION); a topic that is blank, has characters
// outside [%|a-zA-Z0-9_-] or is longer than 127 is a SYSTEM_ERROR; SCHEDULE_TOPIC_XXXX and the
// other not-allowed-send topics are NO_PERMISSION; an unknown topic is created from the default
// topic (TBW102), or for a %RETRY% topic with 1 queue, else TOPIC_NOT_EXIST; a queueId >=
// max(write, read queue count) is a SYSTEM_ERROR, a negative one picks a random write queue. A
// send to %RETRY%<group> whose header reconsumeTimes >= maxReconsumeTimes (the header's, else the
// group's retryMaxTimes) goes to %DLQ%<group> queue 0. The message gets the peer as bornHost and
// CLUSTER = brokerClusterName, is put, passes the AfterPut step (a SYNC_MASTER's wait for its
// slave; skipped when WAIT=false, as CommitLog.handleHA skips it) and is answered with the
// PutMessageStatus mapped to a ResponseCode, and msgId (offsetMsgId), queueId, queueOffset when
// it was stored. A slave's store answers SERVICE_NOT_AVAILABLE, which the producer retries.
// Send-back (the retry path): the stored original is looked up by its CommitLog offset and put
// again to %RETRY%<group> with DELAY = the header's level, or 3 + reconsumeTimes for level 0, or
// to %DLQ%<group> (1 queue, READ|WRITE as 4.9.7 creates it; 4.9.0 made it WRITE only) when its
// reconsumeTimes >= maxReconsumeTimes or the level is negative. The copy keeps body, flag,
// sysFlag, born time and host and properties (UNIQ_KEY included), gains RETRY_TOPIC (the first
// time only), ORIGIN_MESSAGE_ID (the first offsetMsgId) and WAIT=false, and reconsumeTimes + 1.
// So with retryMaxTimes 16 the 17th send-back of a message (its 17th failed delivery: the first
// and 16 retries) is the one that lands in the DLQ.
// Simplifications: no batch (SEND_BATCH_MESSAGE or a batch header is a SYSTEM_ERROR), no send or
// consume hooks, no unit mode, no MULTI_TAG filter type, no startAcceptSendRequestTimeStamp;
// WAIT stays in the stored properties (4.9.7 strips WAIT=true from the stored string only); a
// header that cannot be read is a SYSTEM_ERROR, as the remoting layer answers a decode exception.
// As in 4.9.7, a DLQ-bound send keeps the DELAY its properties carry (the level 0 that
// handleRetryAndDLQ sets is overwritten by the header's properties), so it may go to the DLQ via
// SCHEDULE_TOPIC_XXXX.
import { parseHost } from '../message/host.ts';
import { MessageConst, SCHEDULE_TOPIC } from '../message/message.ts';
import { stringToProperties } from '../message/properties.ts';
import { isWriteable, PermName } from '../protocol/perm-name.ts';
import { response, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { TopicConfig } from '../protocol/topic-config.ts';
import type { PutMessageRequest } from '../store/commit-log.ts';
import { isStored, type PutMessageResult, type PutMessageStatus } from '../store/put-message-result.ts';
import type { Reply } from '../env.ts';
import type { AfterPut, BrokerContext, RequestProcessor } from './broker-context.ts';
import type { SubscriptionGroupManager } from './subscription-group-manager.ts';
import { SystemTopic, type TopicConfigManager } from './topic-config-manager.ts';
import { RETRY_GROUP_TOPIC_PREFIX, retryTopic, dlqTopic } from '../protocol/mix-all.ts';
import { HeaderError } from '../protocol/header-reader.ts';
import {
  parseSendMessageHeader,
  parseSendMsgBackHeader,
  type SendMessageRequestHeader,
} from '../protocol/send-message-header.ts';
import { topicProblem } from '../protocol/topic-validator.ts';

/** AbstractSendMessageProcessor.DLQ_NUMS_PER_GROUP. */
export const DLQ_NUMS_PER_GROUP = 1;
/** TopicValidator's NOT_ALLOWED_SEND_TOPIC_SET (4.9.x after 4.9.3). */
const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  SCHEDULE_TOPIC,
  SystemTopic.TRANS_HALF,
  SystemTopic.TRANS_OP_HALF,
  SystemTopic.TRANS_CHECK_MAX_TIME,
  SystemTopic.SELF_TEST,
  SystemTopic.OFFSET_MOVED_EVENT,
]);
const READ_WRITE = PermName.PERM_READ | PermName.PERM_WRITE;

/** handlePutMessageResult's mapping of a PutMessageStatus to the response code. */
export const RESPONSE_CODE_OF_PUT_STATUS: Readonly<Record<PutMessageStatus, number>> = {
  PUT_OK: ResponseCode.SUCCESS,
  FLUSH_DISK_TIMEOUT: ResponseCode.FLUSH_DISK_TIMEOUT,
  FLUSH_SLAVE_TIMEOUT: ResponseCode.FLUSH_SLAVE_TIMEOUT,
  SLAVE_NOT_AVAILABLE: ResponseCode.SLAVE_NOT_AVAILABLE,
  CREATE_MAPEDFILE_FAILED: ResponseCode.SYSTEM_ERROR,
  MESSAGE_ILLEGAL: ResponseCode.MESSAGE_ILLEGAL,
  PROPERTIES_SIZE_EXCEEDED: ResponseCode.MESSAGE_ILLEGAL,
  SERVICE_NOT_AVAILABLE: ResponseCode.SERVICE_NOT_AVAILABLE,
  OS_PAGECACHE_BUSY: ResponseCode.SYSTEM_ERROR,
  UNKNOWN_ERROR: ResponseCode.SYSTEM_ERROR,
};

/** Runs a handler; a header it cannot read is answered SYSTEM_ERROR, as the remoting layer does. */
export function guarded(handle: RequestProcessor): RequestProcessor {
  return (request, reply, from, channel) => {
    try {
      handle(request, reply, from, channel);
    } catch (error) {
      if (!(error instanceof HeaderError)) throw error;
      reply?.answer(response(ResponseCode.SYSTEM_ERROR, error.message));
    }
  };
}

// ---- the processor ----

export interface SendMessageProcessorOptions {
  readonly ctx: BrokerContext;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  /** Between the store's answer and the producer's (a SYNC_MASTER's wait); identity by default. */
  readonly afterPut?: AfterPut;
  /** Stores a prepared transactional message (TRAN_MSG=true) as a half message; absent: put as is. */
  readonly prepareMessage?: (request: PutMessageRequest, done: (result: PutMessageResult) => void) => void;
}

/** The processors of SEND_MESSAGE, SEND_MESSAGE_V2 and CONSUMER_SEND_MSG_BACK. */
export function sendMessageProcessors(options: SendMessageProcessorOptions): Map<number, RequestProcessor> {
  const processor = new SendMessageProcessor(options);
  const send = guarded((request, reply, from) => processor.sendMessage(request, reply, from));
  return new Map([
    [RequestCode.SEND_MESSAGE, send],
    [RequestCode.SEND_MESSAGE_V2, send],
    [
      RequestCode.CONSUMER_SEND_MSG_BACK,
      guarded((request, reply) => processor.consumerSendMsgBack(request, reply)),
    ],
  ]);
}

export class SendMessageProcessor {
  private readonly ctx: BrokerContext;
  private readonly afterPut: AfterPut;

  constructor(private readonly options: SendMessageProcessorOptions) {
    this.ctx = options.ctx;
    this.afterPut = options.afterPut ?? ((result, done) => done(result));
  }

  sendMessage(request: RemotingCommand, reply: Reply | undefined, from: string): void {
    const header = parseSendMessageHeader(request);
    if (request.code === RequestCode.SEND_BATCH_MESSAGE || header.batch === true) {
      return reply?.answer(response(ResponseCode.SYSTEM_ERROR, 'batch messages are not modelled'));
    }
    const topicConfig = this.msgCheck(header, from, reply);
    if (topicConfig === undefined) return;
    const { writeQueueNums } = topicConfig;
    if (header.queueId < 0 && writeQueueNums <= 0) {
      return reply?.answer(response(ResponseCode.SYSTEM_ERROR, `topic[${header.topic}] has no write queue`));
    }
    const queueId = header.queueId < 0 ? this.randomQueueId(writeQueueNums) : header.queueId;
    const properties = stringToProperties(header.properties ?? '');
    properties.set(MessageConst.CLUSTER, this.ctx.conf.broker.brokerClusterName);
    const put: PutMessageRequest = {
      topic: header.topic,
      queueId,
      flag: header.flag,
      body: request.body instanceof Uint8Array ? request.body : new Uint8Array(0),
      properties,
      sysFlag: header.sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: parseHost(from),
      reconsumeTimes: header.reconsumeTimes ?? 0,
      preparedTransactionOffset: 0,
    };
    if (!this.handleRetryAndDLQ(header, put, reply)) return;
    const answer = (result: PutMessageResult) => reply?.answer(sendResponse(result, queueId));
    if ((properties.get(MessageConst.TRAN_MSG) ?? '').toLowerCase() !== 'true') return this.put(put, answer);
    if (this.ctx.conf.broker.rejectTransactionMessage) {
      return reply?.answer(
        response(
          ResponseCode.NO_PERMISSION,
          `the broker[${this.ctx.brokerAddr}] refuses transaction messages`,
        ),
      );
    }
    if (this.options.prepareMessage === undefined) return this.put(put, answer);
    this.options.prepareMessage(put, (result) => this.withAfterPut(put, result, answer));
  }

  consumerSendMsgBack(request: RemotingCommand, reply: Reply | undefined): void {
    const header = parseSendMsgBackHeader(request);
    const answer = (code: number, remark?: string) => reply?.answer(response(code, remark));
    const group = this.options.groups.findSubscriptionGroupConfig(header.group);
    if (group === undefined)
      return answer(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group not exist, ${header.group}`,
      );
    if (!isWriteable(this.ctx.conf.broker.brokerPermission)) {
      return answer(
        ResponseCode.NO_PERMISSION,
        `the broker[${this.ctx.brokerAddr}] sending message is forbidden`,
      );
    }
    if (group.retryQueueNums <= 0) return answer(ResponseCode.SUCCESS);
    let topic = retryTopic(header.group);
    let queueId = this.randomQueueId(group.retryQueueNums);
    const retryConfig = this.options.topics.createTopicInSendMessageBackMethod(
      topic,
      group.retryQueueNums,
      READ_WRITE,
      0,
    );
    if (!isWriteable(retryConfig.perm))
      return answer(ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
    const original = this.ctx.store.lookMessageByOffset(header.offset);
    if (original === undefined) {
      this.ctx.env.probe('broker.send-back-lookup-failed');
      return answer(ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.offset}`);
    }
    const properties = new Map(original.properties);
    if (!properties.has(MessageConst.RETRY_TOPIC)) properties.set(MessageConst.RETRY_TOPIC, original.topic);
    properties.set(MessageConst.WAIT, 'false');
    const maxReconsumeTimes = header.maxReconsumeTimes ?? group.retryMaxTimes;
    if (original.reconsumeTimes >= maxReconsumeTimes || header.delayLevel < 0) {
      this.ctx.env.probe('broker.send-back-to-dlq');
      topic = dlqTopic(header.group);
      queueId = this.randomQueueId(DLQ_NUMS_PER_GROUP);
      this.options.topics.createTopicInSendMessageBackMethod(topic, DLQ_NUMS_PER_GROUP, READ_WRITE, 0);
      properties.set(MessageConst.DELAY, '0');
    } else {
      const level = header.delayLevel === 0 ? 3 + original.reconsumeTimes : header.delayLevel;
      properties.set(MessageConst.DELAY, String(level));
    }
    const originMsgId = properties.get(MessageConst.ORIGIN_MESSAGE_ID)?.trim();
    properties.set(MessageConst.ORIGIN_MESSAGE_ID, originMsgId ? originMsgId : original.msgId);
    const put: PutMessageRequest = {
      topic,
      queueId,
      flag: original.flag,
      body: original.body,
      properties,
      sysFlag: original.sysFlag,
      bornTimestamp: original.bornTimestamp,
      bornHost: original.bornHost,
      reconsumeTimes: original.reconsumeTimes + 1,
      preparedTransactionOffset: 0,
    };
    this.ctx.env.trace('broker.send-back', {
      group: header.group,
      topic,
      offset: header.offset,
      reconsumeTimes: put.reconsumeTimes,
      delay: properties.get(MessageConst.DELAY),
    });
    this.put(put, ({ status }) => {
      if (status === 'PUT_OK') return answer(ResponseCode.SUCCESS);
      this.ctx.env.probe('broker.send-back-put-failed');
      answer(ResponseCode.SYSTEM_ERROR, status);
    });
  }

  /**
   * AbstractSendMessageProcessor.msgCheck: the topic's config, created if it may be; undefined
   * once the refusal is answered (no result object or closure a send).
   */
  private msgCheck(
    header: SendMessageRequestHeader,
    from: string,
    reply: Reply | undefined,
  ): TopicConfig | undefined {
    const { topic } = header;
    const topics = this.options.topics;
    if (!isWriteable(this.ctx.conf.broker.brokerPermission) && topics.isOrderTopic(topic)) {
      return refuse(
        reply,
        ResponseCode.NO_PERMISSION,
        `the broker[${this.ctx.brokerAddr}] sending message is forbidden`,
      );
    }
    const invalid = topicProblem(topic);
    if (invalid !== undefined) return refuse(reply, ResponseCode.SYSTEM_ERROR, invalid);
    if (NOT_ALLOWED_SEND_TOPICS.has(topic)) {
      return refuse(reply, ResponseCode.NO_PERMISSION, `Sending message to topic[${topic}] is forbidden.`);
    }
    let topicConfig = topics.selectTopicConfig(topic);
    if (topicConfig === undefined) {
      topicConfig = topics.createTopicInSendMessageMethod(
        topic,
        header.defaultTopic,
        from,
        header.defaultTopicQueueNums,
        0,
      );
      if (topicConfig === undefined && topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
        topicConfig = topics.createTopicInSendMessageBackMethod(topic, 1, READ_WRITE, 0);
      }
      if (topicConfig === undefined) {
        return refuse(reply, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist, apply first please!`);
      }
    }
    if (header.queueId >= Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums)) {
      return refuse(
        reply,
        ResponseCode.SYSTEM_ERROR,
        `request queueId[${header.queueId}] is illegal, topic ${topic}, producer: ${from}`,
      );
    }
    return topicConfig;
  }

  /**
   * A send to %RETRY%<group> past its reconsume budget goes to %DLQ%<group> instead: `put` is
   * moved there. False once the refusal is answered.
   */
  private handleRetryAndDLQ(
    header: SendMessageRequestHeader,
    put: PutMessageRequest,
    reply: Reply | undefined,
  ): boolean {
    if (!header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return true;
    const groupName = header.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const group = this.options.groups.findSubscriptionGroupConfig(groupName);
    if (group === undefined) {
      refuse(reply, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${groupName}`);
      return false;
    }
    const max = header.maxReconsumeTimes ?? group.retryMaxTimes;
    if ((header.reconsumeTimes ?? 0) < max) return true;
    put.topic = dlqTopic(groupName);
    this.options.topics.createTopicInSendMessageBackMethod(put.topic, DLQ_NUMS_PER_GROUP, READ_WRITE, 0);
    put.queueId = this.randomQueueId(DLQ_NUMS_PER_GROUP);
    return true;
  }

  private put(request: PutMessageRequest, done: (result: PutMessageResult) => void): void {
    this.ctx.store.putMessage(request, (result) => this.withAfterPut(request, result, done));
  }

  /** The AfterPut step, skipped for a message that does not wait (WAIT=false), as handleHA does. */
  private withAfterPut(
    request: PutMessageRequest,
    result: PutMessageResult,
    done: (r: PutMessageResult) => void,
  ): void {
    const wait = request.properties.get(MessageConst.WAIT)?.toLowerCase() !== 'false';
    if (wait && isStored(result.status)) this.afterPut(result, done);
    else done(result);
  }

  /** ThreadLocalRandom.nextInt(99999999) % n. */
  private randomQueueId(n: number): number {
    return this.ctx.env.rng.int(99_999_999) % n;
  }
}

/** Answers a refused send; undefined, for a check's caller to return. */
function refuse(reply: Reply | undefined, code: number, remark: string): undefined {
  reply?.answer(response(code, remark));
  return undefined;
}

/** handlePutMessageResult: the answer to a send, with where the message went if it was stored. */
export function sendResponse(result: PutMessageResult, queueId: number): RemotingCommand {
  const code = RESPONSE_CODE_OF_PUT_STATUS[result.status];
  const stored = isStored(result.status) ? result.appendResult : undefined;
  if (stored === undefined) return response(code, result.detail ?? result.status);
  return response(code, undefined, { msgId: stored.msgId, queueId, queueOffset: stored.logicsOffset });
}
