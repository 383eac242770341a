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
import type { SendMessageRequestHeader } from '../protocol/send-message-header.ts';
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
  type Attempted,
  type CommunicationMode,
  type SendContext,
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
  private begin(msg: Message, mode: CommunicationMode, shardingKey?: unknown): SendContext {
    let uniqKey = msg.getUniqKey();
    if (uniqKey === undefined) msg.setUniqKey((uniqKey = this.uniqKeys.next()));
    this.env.trace('producer.send', {
      group: this.producer.producerGroup,
      mode,
      topic: msg.topic,
      uniqKey,
      ...(msg.getTags() === undefined ? {} : { tags: msg.getTags() }),
      ...(msg.getKeys() === undefined ? {} : { keys: msg.getKeys() }),
      ...(shardingKey === undefined ? {} : { shardingKey: String(shardingKey) }),
    });
    return { msg, mode, uniqKey, attempts: 0 };
  }

  private finish(
    ctx: SendContext,
    done: SendCallbackFn,
    error: Error | undefined,
    result?: SendResult,
  ): void {
    this.env.trace('producer.send-result', {
      group: this.producer.producerGroup,
      mode: ctx.mode,
      uniqKey: ctx.uniqKey,
      attempts: ctx.attempts,
      ...(error === undefined ? {} : { error: describeError(error) }),
      ...(result === undefined
        ? {}
        : {
            sendStatus: result.sendStatus,
            offsetMsgId: result.offsetMsgId,
            brokerName: result.messageQueue.brokerName,
            queueId: result.messageQueue.queueId,
            queueOffset: result.queueOffset,
          }),
    });
    done(error, result);
  }

  sendDefaultImpl(msg: Message, mode: CommunicationMode, timeout: number, done: SendCallbackFn): void {
    const refused = this.refusal(msg);
    if (refused !== undefined) return done(refused, undefined);
    const ctx = this.begin(msg, mode);
    const beginTimestampFirst = this.env.now();
    this.tryToFindTopicPublishInfo(msg.topic, (info) => {
      if (info === undefined || !info.ok()) return this.finish(ctx, done, this.noRouteError(msg.topic));
      const timesTotal = mode === 'SYNC' ? 1 + this.producer.getRetryTimesWhenSendFailed() : 1;
      const brokersSent: string[] = [];
      let sendResult: SendResult | undefined;
      let exception: Error | undefined;
      let mq: MessageQueue | undefined;
      const failed = (callTimeout: boolean) => {
        if (sendResult !== undefined) return this.finish(ctx, done, undefined, sendResult);
        if (callTimeout)
          return this.finish(ctx, done, new RemotingTooMuchRequestException('sendDefaultImpl call timeout'));
        const info = `Send [${brokersSent.length}] times, still failed, cost [${this.env.now() - beginTimestampFirst}]ms, Topic: ${msg.topic}, BrokersSent: [${brokersSent.join(', ')}]`;
        const error = new MQClientException(info, exception, clientErrorCodeOf(exception));
        this.finish(ctx, done, error);
      };
      const attempt = (times: number): void => {
        if (times >= timesTotal) return failed(false);
        const lastBrokerName = mq?.brokerName;
        mq = this.mqFaultStrategy.selectOneMessageQueue(info, lastBrokerName);
        if (lastBrokerName !== undefined && mq.brokerName !== lastBrokerName) {
          this.env.probe('client.send-retry-other-broker');
        } else if (lastBrokerName !== undefined) this.env.probe('client.send-retry-same-broker');
        brokersSent.push(mq.brokerName);
        const beginTimestampPrev = this.env.now();
        const costTime = beginTimestampPrev - beginTimestampFirst;
        // Java's test is `timeout < costTime`; on the simulated clock a timeout lands exactly on
        // the budget's end, where Java's real clock is always a little past it: spent is spent.
        if (timeout <= costTime) {
          this.env.probe('client.send-timeout-spent');
          return failed(true);
        }
        const chosen = mq;
        this.sendKernelImpl(ctx, chosen, timeout - costTime, info, (outcome) => {
          const latency = this.env.now() - beginTimestampPrev;
          // ASYNC: sendMessageAsync has updated the fault table with the real latency already.
          const updateFaultItem = (isolation: boolean) =>
            mode === 'ASYNC' || this.mqFaultStrategy.updateFaultItem(chosen.brokerName, latency, isolation);
          if (outcome.ok) {
            updateFaultItem(false);
            if (mode !== 'SYNC') return this.finish(ctx, done, undefined, outcome.sendResult);
            sendResult = outcome.sendResult!;
            if (sendResult.sendStatus !== 'SEND_OK' && this.producer.isRetryAnotherBrokerWhenNotStoreOK()) {
              return attempt(times + 1);
            }
            return this.finish(ctx, done, undefined, sendResult);
          }
          const error = outcome.error;
          updateFaultItem(true);
          exception = error;
          if (error instanceof MQBrokerException && !RETRIED_RESPONSE_CODES.has(error.responseCode)) {
            return sendResult !== undefined
              ? this.finish(ctx, done, undefined, sendResult)
              : this.finish(ctx, done, error);
          }
          // ASYNC: what came back from the broker or the network is final (onExceptionImpl retried it).
          const fromAsyncCall = error instanceof RemotingException || error instanceof MQBrokerException;
          if (mode === 'ASYNC' && fromAsyncCall) return this.finish(ctx, done, error);
          attempt(times + 1);
        });
      };
      attempt(0);
    });
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
    const ctx = this.begin(msg, 'SYNC', arg);
    const beginStartTime = this.env.now();
    this.tryToFindTopicPublishInfo(msg.topic, (info) => {
      if (info === undefined || !info.ok()) {
        return this.finish(ctx, done, new MQClientException(`No route info for this topic, ${msg.topic}`));
      }
      let mq: MessageQueue | undefined;
      try {
        mq = selector.select(info.messageQueueList, msg, arg);
      } catch (e) {
        const cause = e instanceof Error ? e : new Error(String(e));
        return this.finish(ctx, done, new MQClientException('select message queue threw exception.', cause));
      }
      const costTime = this.env.now() - beginStartTime;
      if (timeout < costTime) {
        return this.finish(ctx, done, new RemotingTooMuchRequestException('sendSelectImpl call timeout'));
      }
      if (mq === undefined)
        return this.finish(ctx, done, new MQClientException('select message queue return null.'));
      this.sendKernelImpl(ctx, mq, timeout - costTime, undefined, (outcome) =>
        outcome.ok
          ? this.finish(ctx, done, undefined, outcome.sendResult)
          : this.finish(ctx, done, outcome.error),
      );
    });
  }

  /** One attempt to `mq` (sendKernelImpl); the wire half is MQClientAPIImpl.sendMessage. */
  private sendKernelImpl(
    ctx: SendContext,
    mq: MessageQueue,
    timeout: number,
    info: TopicPublishInfo | undefined,
    done: (outcome: Attempted) => void,
  ): void {
    const beginStartTime = this.env.now();
    const factory = this.mQClientFactory!;
    const withAddr = (brokerAddr: string | undefined) => {
      if (brokerAddr === undefined) {
        return done({ ok: false, error: new MQClientException(`The broker[${mq.brokerName}] not exist`) });
      }
      let command: RemotingCommand;
      try {
        command = sendMessageRequestV2(this.sendMessageRequestHeader(ctx.msg, mq), ctx.msg.body);
      } catch (e) {
        const cause = e instanceof Error ? e : new Error(String(e));
        return done({ ok: false, error: new MQClientException('cannot encode the message', cause) });
      }
      const cost = this.env.now() - beginStartTime;
      if (timeout < cost) {
        return done({ ok: false, error: new RemotingTooMuchRequestException('sendKernelImpl call timeout') });
      }
      this.api!.sendMessage(ctx, mq, brokerAddr, command, timeout - cost, info, beginStartTime, done);
    };
    const addr = factory.findBrokerAddressInPublish(mq.brokerName);
    if (addr !== undefined) return withAddr(addr);
    this.tryToFindTopicPublishInfo(mq.topic, () =>
      withAddr(factory.findBrokerAddressInPublish(mq.brokerName)),
    );
  }

  /** sendKernelImpl's SendMessageRequestHeader for `msg` to `mq`. */
  private sendMessageRequestHeader(msg: Message, mq: MessageQueue): SendMessageRequestHeader {
    let sysFlag = 0;
    if ((msg.getProperty(MessageConst.TRAN_MSG) ?? '').toLowerCase() === 'true') {
      sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    }
    const header: SendMessageRequestHeader = {
      producerGroup: this.producer.producerGroup,
      topic: msg.topic,
      defaultTopic: this.producer.getCreateTopicKey(),
      defaultTopicQueueNums: this.producer.getDefaultTopicQueueNums(),
      queueId: mq.queueId,
      sysFlag,
      bornTimestamp: this.env.now(),
      flag: msg.flag,
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
    };
    if (msg.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      const reconsumeTimes = msg.getProperty(MessageConst.RECONSUME_TIME);
      if (reconsumeTimes !== undefined) {
        header.reconsumeTimes = Number(reconsumeTimes);
        msg.clearProperty(MessageConst.RECONSUME_TIME);
      }
      const maxReconsumeTimes = msg.getProperty(MessageConst.MAX_RECONSUME_TIMES);
      if (maxReconsumeTimes !== undefined) {
        header.maxReconsumeTimes = Number(maxReconsumeTimes);
        msg.clearProperty(MessageConst.MAX_RECONSUME_TIMES);
      }
    }
    header.properties = propertiesToString(msg.properties);
    return header;
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
