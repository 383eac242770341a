// DefaultMQProducerImpl (RocketMQ 4.9.x): how a producer sends, behind DefaultMQProducer's API
// (default-mq-producer.ts); one attempt on the wire is mq-client-api-impl.ts, the latency fault
// strategy latency-fault-tolerance.ts.
// Java's `send(msg)` blocks its thread until the result; the event model cannot block, so here a
// send calls back exactly when the Java call would return or throw: with the SendResult, or with
// the exception Java would throw. Errors found before anything goes on the network (not started,
// invalid message) are called back at once, before send returns.
// Sync send (sendDefaultImpl, SYNC): the UNIQ_KEY is set once (MessageClientIDSetter) and kept by
// every attempt; up to 1 + retryTimesWhenSendFailed attempts, all within sendMsgTimeout counted
// from the call (route lookup included): each attempt gets what is left, and once nothing is left
// the send fails with RemotingTooMuchRequestException "call timeout". A retry avoids the broker of
// the failed attempt. Network errors and the broker codes TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE,
// SYSTEM_ERROR, NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT are retried; other codes fail the
// send with MQBrokerException. A stored-but-not-OK status (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT,
// SLAVE_NOT_AVAILABLE) is returned, not retried, unless retryAnotherBrokerWhenNotStoreOK, which
// sends it again (a duplicate by design). A timeout spends the whole budget, so it ends the send
// with "call timeout" even though the broker may have stored the message; a connection that
// breaks after the broker stored the message is retried, and the broker stores it twice.
// Async send: one attempt and its retries of network failures (MQClientAPIImpl); a broker error
// code goes straight to onException. Oneway: one attempt, no response, no retry. Ordered send
// (sendSelectImpl): the selector picks from the writable queues, one attempt, no retry.
// Every send and its outcome is traced (producer.send, producer.send-result) with the UNIQ_KEY, so
// a history can be built.
// Simplifications: an attempt is not made once the budget is exactly spent (Java makes one more
// with 0 ms left when its clock reads exactly the deadline); no body compression
// (compressMsgBodyOverHowmuch is not applied), no batch, no transactions or request-reply, no send
// hooks, no namespace.
import type { Env } from '../env.ts';
import { MessageConst, MessageSysFlag, type Message } from '../message/message.ts';
import { UniqKeyGenerator } from '../message/message-id.ts';
import { propertiesToString } from '../message/properties.ts';
import type { RemotingCommand } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { topicProblem } from '../protocol/topic-validator.ts';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/mix-all.ts';
import type { ClientConfig } from './client-config.ts';
import {
  ClientErrorCode,
  describeError,
  MQBrokerException,
  MQClientException,
  RemotingConnectException,
  RemotingException,
  RemotingTimeoutException,
  RemotingTooMuchRequestException,
} from './exceptions.ts';
import { MQFaultStrategy } from './latency-fault-tolerance.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MessageQueueSelector } from './message-queue-selector.ts';
import {
  MQClientAPIImpl,
  sendMessageRequestV2,
  type CommunicationMode,
  type SendContext,
  type SendMessageRequestHeaderV2,
} from './mq-client-api-impl.ts';
import {
  MQClientManager,
  processId,
  type MQClientInstance,
  type MQProducerInner,
} from './mq-client-instance.ts';
import type { SendResult } from './send-result.ts';
import { TopicPublishInfo } from './topic-publish-info.ts';

/** MixAll.DEFAULT_PRODUCER_GROUP, which a producer may not use. */
export const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';

/** The broker codes a sync send retries on another attempt. */
export const RETRIED_RESPONSE_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
]);

/** Called when Java's synchronous send would return (sendResult) or throw (error). */
export type SendCallbackFn = (error: Error | undefined, sendResult: SendResult | undefined) => void;

/** Java's SendCallback, for async sends. */
export interface SendCallback {
  onSuccess(sendResult: SendResult): void;
  onException(e: Error): void;
}

type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

/** What sending reads of its DefaultMQProducer (the Java impl calls its producer's getters). */
export interface ProducerSettings {
  readonly producerGroup: string;
  getRetryTimesWhenSendFailed(): number;
  getRetryTimesWhenSendAsyncFailed(): number;
  isRetryAnotherBrokerWhenNotStoreOK(): boolean;
  getCreateTopicKey(): string;
  getDefaultTopicQueueNums(): number;
  getMaxMessageSize(): number;
}

export class DefaultMQProducerImpl implements MQProducerInner {
  readonly mqFaultStrategy: MQFaultStrategy;
  private readonly topicPublishInfoTable = new Map<string, TopicPublishInfo>();
  private readonly uniqKeys: UniqKeyGenerator;
  private mQClientFactory: MQClientInstance | undefined;
  private api: MQClientAPIImpl | undefined;
  private serviceState: ServiceState = 'CREATE_JUST';

  constructor(
    private readonly producer: ProducerSettings,
    private readonly env: Env,
    clientIP: string,
  ) {
    this.mqFaultStrategy = new MQFaultStrategy(env);
    // The class-loader hash of MessageClientIDSetter: one per process, like the pid.
    this.uniqKeys = new UniqKeyGenerator(clientIP, processId(env), processId(env) * 31, () => env.now());
  }

  /** Registers with the process's client instance and starts it; throws MQClientException as Java does. */
  start(clientConfig: ClientConfig): MQClientInstance {
    if (this.serviceState !== 'CREATE_JUST') {
      throw new MQClientException(
        `The producer service state not OK, maybe started once, ${this.serviceState}`,
      );
    }
    this.checkConfig();
    const group = this.producer.producerGroup;
    const factory = MQClientManager.getOrCreateMQClientInstance(this.env, clientConfig);
    if (!factory.registerProducer(group, this)) {
      throw new MQClientException(
        `The producer group[${group}] has been created before, specify another name please.`,
      );
    }
    this.mQClientFactory = factory;
    this.api = new MQClientAPIImpl({
      env: this.env,
      factory,
      mqFaultStrategy: this.mqFaultStrategy,
      retryTimesWhenSendAsyncFailed: () => this.producer.getRetryTimesWhenSendAsyncFailed(),
    });
    this.topicPublishInfoTable.set(this.producer.getCreateTopicKey(), this.emptyPublishInfo());
    factory.start();
    this.serviceState = 'RUNNING';
    this.env.trace('producer.start', { group, clientId: factory.clientId });
    factory.sendHeartbeatToAllBroker();
    return factory;
  }

  /** Unregisters from the brokers (UNREGISTER_CLIENT), then stops the client instance; `done` after. */
  shutdown(done: () => void): void {
    const factory = this.mQClientFactory;
    if (this.serviceState !== 'RUNNING' || factory === undefined) return done();
    this.serviceState = 'SHUTDOWN_ALREADY';
    factory.unregisterProducer(this.producer.producerGroup, () => {
      factory.shutdown();
      this.env.trace('producer.shutdown', { group: this.producer.producerGroup });
      done();
    });
  }

  // ---- MQProducerInner ----

  getPublishTopicList(): string[] {
    return [...this.topicPublishInfoTable.keys()];
  }

  isPublishTopicNeedUpdate(topic: string): boolean {
    const info = this.topicPublishInfoTable.get(topic);
    return info === undefined || !info.ok();
  }

  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void {
    this.topicPublishInfoTable.set(topic, info);
  }

  /** The publish info a send would use now, for tests and reports. */
  getTopicPublishInfo(topic: string): TopicPublishInfo | undefined {
    return this.topicPublishInfoTable.get(topic);
  }

  // ---- sending ----

  private checkConfig(): void {
    const problem =
      this.producer.producerGroup.length === 0 ? 'blank' : topicProblem(this.producer.producerGroup);
    if (problem !== undefined)
      throw new MQClientException(`producerGroup ${this.producer.producerGroup}: ${problem}`);
    if (this.producer.producerGroup === DEFAULT_PRODUCER_GROUP) {
      throw new MQClientException(
        `producerGroup can not equal ${DEFAULT_PRODUCER_GROUP}, please specify another one.`,
      );
    }
  }

  private emptyPublishInfo(): TopicPublishInfo {
    return new TopicPublishInfo([], undefined, this.env.rng);
  }

  /** makeSureStateOK and Validators.checkMessage: the client's refusal, or undefined. */
  private refusal(msg: Message): MQClientException | undefined {
    if (this.serviceState !== 'RUNNING' || this.mQClientFactory === undefined) {
      return new MQClientException(`The producer service state not OK, ${this.serviceState}`);
    }
    const illegal = (text: string) => new MQClientException(text, undefined, ResponseCode.MESSAGE_ILLEGAL);
    const topic = topicProblem(msg.topic);
    if (topic !== undefined) return illegal(topic);
    if (msg.body.length === 0) return illegal('the message body length is zero');
    if (msg.body.length > this.producer.getMaxMessageSize()) {
      return illegal(`the message body size over max value, MAX: ${this.producer.getMaxMessageSize()}`);
    }
    return undefined;
  }

  /** The cached publish info of `topic` when a send can use it as it is (tryToFindTopicPublishInfo's first test). */
  private readyPublishInfo(topic: string): TopicPublishInfo | undefined {
    const cached = this.topicPublishInfoTable.get(topic);
    return cached !== undefined && cached.ok() ? cached : undefined;
  }

  /** tryToFindTopicPublishInfo: the cached info, else the topic's route, else the default topic's. */
  private tryToFindTopicPublishInfo(topic: string, done: (info: TopicPublishInfo | undefined) => void): void {
    const factory = this.mQClientFactory!;
    const afterTopicRoute = () => {
      const info = this.topicPublishInfoTable.get(topic);
      if (info !== undefined && (info.haveTopicRouterInfo || info.ok())) return done(info);
      factory.updateTopicRouteInfoFromNameServer(topic, () => done(this.topicPublishInfoTable.get(topic)), {
        createTopicKey: this.producer.getCreateTopicKey(),
        defaultTopicQueueNums: this.producer.getDefaultTopicQueueNums(),
      });
    };
    const cached = this.topicPublishInfoTable.get(topic);
    if (cached !== undefined && cached.ok()) return afterTopicRoute();
    if (cached === undefined) this.topicPublishInfoTable.set(topic, this.emptyPublishInfo());
    factory.updateTopicRouteInfoFromNameServer(topic, afterTopicRoute);
  }

  /** `shardingKey`: an ordered send's selector argument, traced so order can be checked per key. */
  private begin(
    msg: Message,
    mode: CommunicationMode,
    timeout: number,
    done: SendCallbackFn,
    selected: boolean,
    shardingKey?: unknown,
  ): SendOperation {
    let uniqKey = msg.getUniqKey();
    if (uniqKey === undefined) msg.setUniqKey((uniqKey = this.uniqKeys.next()));
    // Optional fields are added in place, in this order: no object spread per send.
    const fields: Record<string, unknown> = {
      group: this.producer.producerGroup,
      mode,
      topic: msg.topic,
      uniqKey,
    };
    const tags = msg.getTags();
    if (tags !== undefined) fields.tags = tags;
    const keys = msg.getKeys();
    if (keys !== undefined) fields.keys = keys;
    if (shardingKey !== undefined) fields.shardingKey = String(shardingKey);
    this.env.trace('producer.send', fields);
    return new SendOperation(this, msg, mode, uniqKey, timeout, this.env.now(), selected, done);
  }

  private finish(op: SendOperation, error: Error | undefined, result?: SendResult): void {
    this.env.trace('producer.send-result', this.sendResultFields(op, error, result));
    op.done(error, result);
  }

  /**
   * The send-result record's fields: one literal for each outcome (an error, a result, or neither
   * for a one-way send; never both, as SendContext.attempted says), in this order: fields added
   * to a made object would go to a property array of their own.
   */
  private sendResultFields(
    op: SendOperation,
    error: Error | undefined,
    result: SendResult | undefined,
  ): Record<string, unknown> {
    const { mode, uniqKey, attempts } = op;
    const group = this.producer.producerGroup;
    if (error !== undefined) return { group, mode, uniqKey, attempts, error: describeError(error) };
    if (result === undefined) return { group, mode, uniqKey, attempts };
    const { sendStatus, offsetMsgId, queueOffset, messageQueue } = result;
    const { brokerName, queueId } = messageQueue;
    return { group, mode, uniqKey, attempts, sendStatus, offsetMsgId, brokerName, queueId, queueOffset };
  }

  sendDefaultImpl(msg: Message, mode: CommunicationMode, timeout: number, done: SendCallbackFn): void {
    const refused = this.refusal(msg);
    if (refused !== undefined) return done(refused, undefined);
    const op = this.begin(msg, mode, timeout, done, false);
    const ready = this.readyPublishInfo(msg.topic);
    if (ready !== undefined) this.sendWithRoute(op, ready);
    else this.findRouteAndSend(op);
  }

  /**
   * The route lookup's closure, made here and not in sendDefaultImpl: what a closure captures
   * lives in a context made on every entry to its function, so every send would pay for it.
   */
  private findRouteAndSend(op: SendOperation): void {
    this.tryToFindTopicPublishInfo(op.msg.topic, (info) => this.sendWithRoute(op, info));
  }

  /** sendDefaultImpl once the route is known: its loop of up to timesTotal attempts. */
  private sendWithRoute(op: SendOperation, info: TopicPublishInfo | undefined): void {
    if (info === undefined || !info.ok()) return this.finish(op, this.noRouteError(op.msg.topic));
    op.info = info;
    op.timesTotal = op.mode === 'SYNC' ? 1 + this.producer.getRetryTimesWhenSendFailed() : 1;
    this.attempt(op);
  }

  /** One turn of sendDefaultImpl's loop: attempt number `op.times`. */
  private attempt(op: SendOperation): void {
    if (op.times >= op.timesTotal) return this.failed(op, false);
    const lastBrokerName = op.mq?.brokerName;
    const mq = this.mqFaultStrategy.selectOneMessageQueue(op.info!, lastBrokerName);
    op.mq = mq;
    if (lastBrokerName !== undefined && mq.brokerName !== lastBrokerName) {
      this.env.probe('client.send-retry-other-broker');
    } else if (lastBrokerName !== undefined) this.env.probe('client.send-retry-same-broker');
    op.brokersSent = op.brokersSentCount++ === 0 ? mq.brokerName : `${op.brokersSent}, ${mq.brokerName}`;
    op.beginTimestampPrev = this.env.now();
    const costTime = op.beginTimestampPrev - op.beginTimestampFirst;
    // Java's test is `timeout < costTime`; on the simulated clock a timeout lands exactly on
    // the budget's end, where Java's real clock is always a little past it: spent is spent.
    if (op.timeout <= costTime) {
      this.env.probe('client.send-timeout-spent');
      return this.failed(op, true);
    }
    this.sendKernelImpl(op, mq, op.timeout - costTime, op.info);
  }

  /**
   * The outcome of `op`'s attempt (sendKernelImpl's), called through op.attempted: an ordered send
   * ends with it; sendDefaultImpl's loop returns, retries, or ends.
   */
  attempted(op: SendOperation, error: Error | undefined, sendResult: SendResult | undefined): void {
    if (op.selected) return this.finish(op, error, sendResult);
    const mode = op.mode;
    const latency = this.env.now() - op.beginTimestampPrev;
    const brokerName = op.mq!.brokerName;
    // ASYNC: sendMessageAsync has updated the fault table with the real latency already.
    if (mode !== 'ASYNC') this.mqFaultStrategy.updateFaultItem(brokerName, latency, error !== undefined);
    if (error === undefined) {
      if (mode !== 'SYNC') return this.finish(op, undefined, sendResult);
      op.sendResult = sendResult!;
      if (sendResult!.sendStatus !== 'SEND_OK' && this.producer.isRetryAnotherBrokerWhenNotStoreOK()) {
        op.times++;
        return this.attempt(op);
      }
      return this.finish(op, undefined, sendResult);
    }
    op.exception = error;
    if (error instanceof MQBrokerException && !RETRIED_RESPONSE_CODES.has(error.responseCode)) {
      return op.sendResult !== undefined ? this.finish(op, undefined, op.sendResult) : this.finish(op, error);
    }
    // ASYNC: what came back from the broker or the network is final (onExceptionImpl retried it).
    const fromAsyncCall = error instanceof RemotingException || error instanceof MQBrokerException;
    if (mode === 'ASYNC' && fromAsyncCall) return this.finish(op, error);
    op.times++;
    this.attempt(op);
  }

  /** sendDefaultImpl's loop ended without an answer to return: the last result, or why not. */
  private failed(op: SendOperation, callTimeout: boolean): void {
    if (op.sendResult !== undefined) return this.finish(op, undefined, op.sendResult);
    if (callTimeout)
      return this.finish(op, new RemotingTooMuchRequestException('sendDefaultImpl call timeout'));
    const cost = this.env.now() - op.beginTimestampFirst;
    const info = `Send [${op.brokersSentCount}] times, still failed, cost [${cost}]ms, Topic: ${op.msg.topic}, BrokersSent: [${op.brokersSent}]`;
    this.finish(op, new MQClientException(info, op.exception, clientErrorCodeOf(op.exception)));
  }

  /** Why a send found no route: no NameServer to ask, or none knows the topic. */
  private noRouteError(topic: string): MQClientException {
    this.env.probe('client.send-no-route');
    if (this.mQClientFactory!.nameServerAddressList.length === 0) {
      const code = ClientErrorCode.NO_NAME_SERVER_EXCEPTION;
      return new MQClientException('No name server address, please set it.', undefined, code);
    }
    const code = ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION;
    return new MQClientException(`No route info of this topic: ${topic}`, undefined, code);
  }

  sendSelectImpl(
    msg: Message,
    selector: MessageQueueSelector,
    arg: unknown,
    timeout: number,
    done: SendCallbackFn,
  ): void {
    const refused = this.refusal(msg);
    if (refused !== undefined) return done(refused, undefined);
    const op = this.begin(msg, 'SYNC', timeout, done, true, arg);
    const ready = this.readyPublishInfo(msg.topic);
    if (ready !== undefined) this.sendSelected(op, selector, arg, ready);
    else this.findRouteAndSendSelected(op, selector, arg);
  }

  /** sendSelectImpl's route lookup (its closure made apart, as findRouteAndSend's). */
  private findRouteAndSendSelected(op: SendOperation, selector: MessageQueueSelector, arg: unknown): void {
    this.tryToFindTopicPublishInfo(op.msg.topic, (info) => this.sendSelected(op, selector, arg, info));
  }

  /** sendSelectImpl once the route is known: the selector's queue, one attempt. */
  private sendSelected(
    op: SendOperation,
    selector: MessageQueueSelector,
    arg: unknown,
    info: TopicPublishInfo | undefined,
  ): void {
    const msg = op.msg;
    if (info === undefined || !info.ok()) {
      return this.finish(op, new MQClientException(`No route info for this topic, ${msg.topic}`));
    }
    let mq: MessageQueue | undefined;
    try {
      mq = selector.select(info.messageQueueList, msg, arg);
    } catch (e) {
      const cause = e instanceof Error ? e : new Error(String(e));
      return this.finish(op, new MQClientException('select message queue threw exception.', cause));
    }
    const costTime = this.env.now() - op.beginTimestampFirst;
    if (op.timeout < costTime) {
      return this.finish(op, new RemotingTooMuchRequestException('sendSelectImpl call timeout'));
    }
    if (mq === undefined) return this.finish(op, new MQClientException('select message queue return null.'));
    op.mq = mq;
    this.sendKernelImpl(op, mq, op.timeout - costTime, undefined);
  }

  /** One attempt to `mq` (sendKernelImpl); the wire half is MQClientAPIImpl.sendMessage. */
  private sendKernelImpl(
    op: SendOperation,
    mq: MessageQueue,
    timeout: number,
    info: TopicPublishInfo | undefined,
  ): void {
    const beginStartTime = this.env.now();
    const addr = this.mQClientFactory!.findBrokerAddressInPublish(mq.brokerName);
    if (addr !== undefined) this.sendToBroker(op, mq, addr, timeout, info, beginStartTime);
    else this.findBrokerAndSend(op, mq, timeout, info, beginStartTime);
  }

  /** sendKernelImpl with no address for the group: the route again (its closure made apart). */
  private findBrokerAndSend(
    op: SendOperation,
    mq: MessageQueue,
    timeout: number,
    info: TopicPublishInfo | undefined,
    beginStartTime: number,
  ): void {
    this.tryToFindTopicPublishInfo(mq.topic, () => {
      const addr = this.mQClientFactory!.findBrokerAddressInPublish(mq.brokerName);
      this.sendToBroker(op, mq, addr, timeout, info, beginStartTime);
    });
  }

  /** sendKernelImpl once the broker's address is looked up: the request, if time is left. */
  private sendToBroker(
    op: SendOperation,
    mq: MessageQueue,
    brokerAddr: string | undefined,
    timeout: number,
    info: TopicPublishInfo | undefined,
    beginStartTime: number,
  ): void {
    if (brokerAddr === undefined) {
      return op.attempted(new MQClientException(`The broker[${mq.brokerName}] not exist`), undefined);
    }
    let command: RemotingCommand;
    try {
      command = sendMessageRequestV2(this.sendMessageRequestHeader(op.msg, mq), op.msg.body);
    } catch (e) {
      const cause = e instanceof Error ? e : new Error(String(e));
      return op.attempted(new MQClientException('cannot encode the message', cause), undefined);
    }
    const cost = this.env.now() - beginStartTime;
    if (timeout < cost) {
      return op.attempted(new RemotingTooMuchRequestException('sendKernelImpl call timeout'), undefined);
    }
    this.api!.sendMessage(op, mq, brokerAddr, command, timeout - cost, info, beginStartTime);
  }

  /**
   * sendKernelImpl's SendMessageRequestHeader for `msg` to `mq`, made at once under V2's names
   * (createSendMessageRequestHeaderV2), its fields in the order Java sets them.
   */
  private sendMessageRequestHeader(msg: Message, mq: MessageQueue): SendMessageRequestHeaderV2 {
    let sysFlag = 0;
    if ((msg.getProperty(MessageConst.TRAN_MSG) ?? '').toLowerCase() === 'true') {
      sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    }
    let j = 0; // reconsumeTimes
    let l: number | undefined; // maxReconsumeTimes
    if (msg.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      const reconsumeTimes = msg.getProperty(MessageConst.RECONSUME_TIME);
      if (reconsumeTimes !== undefined) {
        j = Number(reconsumeTimes);
        msg.clearProperty(MessageConst.RECONSUME_TIME);
      }
      const maxReconsumeTimes = msg.getProperty(MessageConst.MAX_RECONSUME_TIMES);
      if (maxReconsumeTimes !== undefined) {
        l = Number(maxReconsumeTimes);
        msg.clearProperty(MessageConst.MAX_RECONSUME_TIMES);
      }
    }
    // One literal of all its fields (fields added to a made object would go to a property array
    // of their own), in Java's order: the properties last, once the two above left them.
    const a = this.producer.producerGroup;
    const b = msg.topic;
    const c = this.producer.getCreateTopicKey();
    const d = this.producer.getDefaultTopicQueueNums();
    const e = mq.queueId;
    const g = this.env.now(); // bornTimestamp
    const h = msg.flag;
    const i = propertiesToString(msg.properties);
    // k: unitMode, m: batch.
    return l === undefined
      ? { a, b, c, d, e, f: sysFlag, g, h, j, k: false, m: false, i }
      : { a, b, c, d, e, f: sysFlag, g, h, j, k: false, m: false, l, i };
  }
}

/**
 * One send in progress: sendDefaultImpl's (or sendSelectImpl's) locals in one object, which
 * MQClientAPIImpl calls back with each attempt's outcome, instead of a closure per stage.
 */
class SendOperation implements SendContext {
  attempts = 0;
  /** sendDefaultImpl's loop: the attempt number and how many it may make. */
  times = 0;
  timesTotal = 1;
  info: TopicPublishInfo | undefined;
  /** The queue of the latest attempt. */
  mq: MessageQueue | undefined;
  /** Java's brokersSent list, as its message prints it: the names joined by ", ". */
  brokersSent = '';
  brokersSentCount = 0;
  beginTimestampPrev = 0;
  sendResult: SendResult | undefined;
  exception: Error | undefined;

  constructor(
    private readonly impl: DefaultMQProducerImpl,
    readonly msg: Message,
    readonly mode: CommunicationMode,
    readonly uniqKey: string,
    readonly timeout: number,
    readonly beginTimestampFirst: number,
    /** sendSelectImpl's: one attempt, whose outcome ends the send. */
    readonly selected: boolean,
    readonly done: SendCallbackFn,
  ) {}

  attempted(error: Error | undefined, sendResult: SendResult | undefined): void {
    this.impl.attempted(this, error, sendResult);
  }
}

/** The responseCode sendDefaultImpl gives its final MQClientException. */
function clientErrorCodeOf(exception: Error | undefined): number {
  if (exception instanceof MQBrokerException) return exception.responseCode;
  if (exception instanceof RemotingConnectException) return ClientErrorCode.CONNECT_BROKER_EXCEPTION;
  if (exception instanceof RemotingTimeoutException) return ClientErrorCode.ACCESS_BROKER_TIMEOUT;
  if (exception instanceof MQClientException) return ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION;
  return -1;
}
