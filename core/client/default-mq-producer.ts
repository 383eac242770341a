// DefaultMQProducer: RocketMQ 4.9.x's producer (DefaultMQProducer with DefaultMQProducerImpl and
// the send half of MQClientAPIImpl), with the Java API's names.
// Java's `send(msg)` blocks its thread until the result; the event model cannot block, so here
// `send(msg, (error, sendResult) => ...)` calls back exactly when the Java call would return or
// throw: with the SendResult, or with the exception Java would throw. Errors found before anything
// goes on the network (not started, invalid message) are called back at once, before send returns.
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
// Async send (sendAsync, or send(msg, {onSuccess, onException})): one attempt, then up to
// retryTimesWhenSendAsyncFailed retries of network failures only (MQClientAPIImpl.onExceptionImpl:
// the same request, queueId included, goes to the broker a new selection names, with the time
// the failed attempt left); a broker error code goes straight to onException.
// Oneway: one attempt, no response, no retry. Ordered send (send(msg, selector, arg, callback),
// sendSelectImpl): the selector picks from the writable queues, one attempt, no retry.
// The latency fault strategy (sendLatencyFaultEnable) is in latency-fault-tolerance.ts.
// Every send, attempt and outcome is traced (producer.send, producer.attempt,
// producer.attempt-result, producer.send-result) with the UNIQ_KEY, so a history can be built.
// Simplifications: an attempt is not made once the budget is exactly spent (Java makes one more
// with 0 ms left when its clock reads exactly the deadline); no body compression (compressMsgBodyOverHowmuch is not applied), no batch, no
// transactions or request-reply, no send hooks, no namespace, no async sender executor (an async
// send starts at once), SEND_MESSAGE_V2 always (sendSmartMsg's default).
import type { Env } from '../env.ts';
import { MessageConst, MessageSysFlag, type Message } from '../message/message.ts';
import { UniqKeyGenerator } from '../message/message-id.ts';
import { propertiesToString } from '../message/properties.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { AUTO_CREATE_TOPIC_KEY_TOPIC } from '../protocol/topic-config.ts';
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
import { MessageQueue } from './message-queue.ts';
import type { MessageQueueSelector } from './message-queue-selector.ts';
import {
  defaultClientConfig,
  MQClientManager,
  processId,
  type ClientConfig,
  type MQClientInstance,
  type MQProducerInner,
} from './mq-client-instance.ts';
import { SendResult } from './send-result.ts';
import { TopicPublishInfo } from './topic-publish-info.ts';
import {
  sendStatusOf,
  type SendMessageRequestHeader,
  SEND_HEADER_V2_NAMES,
} from '../protocol/send-message-header.ts';
import { topicProblem } from '../protocol/topic-validator.ts';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/mix-all.ts';

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

export type CommunicationMode = 'SYNC' | 'ASYNC' | 'ONEWAY';
type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

/** The outcome of one attempt (sendKernelImpl). */
type Attempted = { ok: true; sendResult: SendResult | undefined } | { ok: false; error: Error };

/** One send in progress, for traces. */
interface SendContext {
  readonly msg: Message;
  readonly mode: CommunicationMode;
  readonly uniqKey: string;
  attempts: number;
}

export class DefaultMQProducer implements MQProducerInner {
  private readonly clientConfig: ClientConfig;
  private sendMsgTimeout = 3_000;
  private retryTimesWhenSendFailed = 2;
  private retryTimesWhenSendAsyncFailed = 2;
  private retryAnotherBrokerWhenNotStoreOK = false;
  private createTopicKey = AUTO_CREATE_TOPIC_KEY_TOPIC;
  private defaultTopicQueueNums = 4;
  private maxMessageSize = 4 * 1024 * 1024;
  private readonly mqFaultStrategy: MQFaultStrategy;
  private readonly topicPublishInfoTable = new Map<string, TopicPublishInfo>();
  private readonly uniqKeys: UniqKeyGenerator;
  private mQClientFactory: MQClientInstance | undefined;
  private serviceState: ServiceState = 'CREATE_JUST';

  constructor(
    readonly producerGroup: string,
    private readonly env: Env,
  ) {
    this.clientConfig = defaultClientConfig(env);
    this.mqFaultStrategy = new MQFaultStrategy(env);
    // The class-loader hash of MessageClientIDSetter: one per process, like the pid.
    this.uniqKeys = new UniqKeyGenerator(
      this.clientConfig.clientIP,
      processId(env),
      processId(env) * 31,
      () => env.now(),
    );
  }

  // ---- configuration (the Java setters and getters) ----

  setNamesrvAddr(namesrvAddr: string): void {
    this.clientConfig.namesrvAddr = namesrvAddr;
    this.mQClientFactory?.updateNameServerAddressList(namesrvAddr);
  }
  getNamesrvAddr(): string | undefined {
    return this.clientConfig.namesrvAddr;
  }
  setInstanceName(instanceName: string): void {
    this.clientConfig.instanceName = instanceName;
  }
  setPollNameServerInterval(ms: number): void {
    this.clientConfig.pollNameServerInterval = ms;
  }
  setHeartbeatBrokerInterval(ms: number): void {
    this.clientConfig.heartbeatBrokerInterval = ms;
  }
  setSendMsgTimeout(ms: number): void {
    this.sendMsgTimeout = ms;
  }
  getSendMsgTimeout(): number {
    return this.sendMsgTimeout;
  }
  setRetryTimesWhenSendFailed(times: number): void {
    this.retryTimesWhenSendFailed = times;
  }
  getRetryTimesWhenSendFailed(): number {
    return this.retryTimesWhenSendFailed;
  }
  setRetryTimesWhenSendAsyncFailed(times: number): void {
    this.retryTimesWhenSendAsyncFailed = times;
  }
  getRetryTimesWhenSendAsyncFailed(): number {
    return this.retryTimesWhenSendAsyncFailed;
  }
  setRetryAnotherBrokerWhenNotStoreOK(retry: boolean): void {
    this.retryAnotherBrokerWhenNotStoreOK = retry;
  }
  isRetryAnotherBrokerWhenNotStoreOK(): boolean {
    return this.retryAnotherBrokerWhenNotStoreOK;
  }
  setSendLatencyFaultEnable(enable: boolean): void {
    this.mqFaultStrategy.sendLatencyFaultEnable = enable;
  }
  isSendLatencyFaultEnable(): boolean {
    return this.mqFaultStrategy.sendLatencyFaultEnable;
  }
  setCreateTopicKey(topic: string): void {
    this.createTopicKey = topic;
  }
  setDefaultTopicQueueNums(n: number): void {
    this.defaultTopicQueueNums = n;
  }
  setMaxMessageSize(bytes: number): void {
    this.maxMessageSize = bytes;
  }
  /** The strategy itself, to inspect the fault table in tests and reports. */
  getMQFaultStrategy(): MQFaultStrategy {
    return this.mqFaultStrategy;
  }
  getMQClientInstance(): MQClientInstance | undefined {
    return this.mQClientFactory;
  }

  // ---- lifecycle ----

  /** Registers with the process's client instance and starts it; throws MQClientException as Java does. */
  start(): void {
    if (this.serviceState !== 'CREATE_JUST') {
      throw new MQClientException(
        `The producer service state not OK, maybe started once, ${this.serviceState}`,
      );
    }
    this.checkConfig();
    const factory = MQClientManager.getOrCreateMQClientInstance(this.env, this.clientConfig);
    if (!factory.registerProducer(this.producerGroup, this)) {
      throw new MQClientException(
        `The producer group[${this.producerGroup}] has been created before, specify another name please.`,
      );
    }
    this.mQClientFactory = factory;
    this.topicPublishInfoTable.set(this.createTopicKey, this.emptyPublishInfo());
    factory.start();
    this.serviceState = 'RUNNING';
    this.env.trace('producer.start', { group: this.producerGroup, clientId: factory.clientId });
    factory.sendHeartbeatToAllBroker();
  }

  /** Unregisters from the brokers (UNREGISTER_CLIENT), then stops the client instance; `done` after. */
  shutdown(done: () => void = () => {}): void {
    const factory = this.mQClientFactory;
    if (this.serviceState !== 'RUNNING' || factory === undefined) return done();
    this.serviceState = 'SHUTDOWN_ALREADY';
    factory.unregisterProducer(this.producerGroup, () => {
      factory.shutdown();
      this.env.trace('producer.shutdown', { group: this.producerGroup });
      done();
    });
  }

  // ---- sending ----

  /** Sync send: `callback(error, sendResult)` when Java's send(msg) would return or throw. */
  send(msg: Message, callback: SendCallbackFn): void;
  /** Async send, as Java's send(msg, SendCallback). */
  send(msg: Message, sendCallback: SendCallback): void;
  /** Ordered sync send: `selector` picks the queue from `arg`; one attempt, no retry. */
  send(msg: Message, selector: MessageQueueSelector, arg: unknown, callback: SendCallbackFn): void;
  send(
    msg: Message,
    a: SendCallbackFn | SendCallback | MessageQueueSelector,
    arg?: unknown,
    callback?: SendCallbackFn,
  ): void {
    if (typeof a === 'function') return this.sendDefaultImpl(msg, 'SYNC', this.sendMsgTimeout, a);
    if ('select' in a) {
      if (callback === undefined) throw new TypeError('send(msg, selector, arg, callback): no callback');
      return this.sendSelectImpl(msg, a, arg, this.sendMsgTimeout, callback);
    }
    this.sendAsync(msg, a);
  }

  sendAsync(msg: Message, sendCallback: SendCallback): void {
    this.sendDefaultImpl(msg, 'ASYNC', this.sendMsgTimeout, (error, result) => {
      if (error !== undefined) sendCallback.onException(error);
      else sendCallback.onSuccess(result!);
    });
  }

  /** One attempt, no answer awaited, no retry; `done(error)` once handed to the network (or refused). */
  sendOneway(msg: Message, done: (error?: Error) => void = () => {}): void {
    this.sendDefaultImpl(msg, 'ONEWAY', this.sendMsgTimeout, (error) => done(error));
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

  // ---- internals ----

  private checkConfig(): void {
    const problem = this.producerGroup.length === 0 ? 'blank' : topicProblem(this.producerGroup);
    if (problem !== undefined) throw new MQClientException(`producerGroup ${this.producerGroup}: ${problem}`);
    if (this.producerGroup === DEFAULT_PRODUCER_GROUP) {
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
    if (msg.body.length > this.maxMessageSize) {
      return illegal(`the message body size over max value, MAX: ${this.maxMessageSize}`);
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
        createTopicKey: this.createTopicKey,
        defaultTopicQueueNums: this.defaultTopicQueueNums,
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
      group: this.producerGroup,
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
      group: this.producerGroup,
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

  private sendDefaultImpl(
    msg: Message,
    mode: CommunicationMode,
    timeout: number,
    done: SendCallbackFn,
  ): void {
    const refused = this.refusal(msg);
    if (refused !== undefined) return done(refused, undefined);
    const ctx = this.begin(msg, mode);
    const beginTimestampFirst = this.env.now();
    this.tryToFindTopicPublishInfo(msg.topic, (info) => {
      if (info === undefined || !info.ok()) {
        const noNamesrv = this.mQClientFactory!.nameServerAddressList.length === 0;
        const error = noNamesrv
          ? new MQClientException(
              'No name server address, please set it.',
              undefined,
              ClientErrorCode.NO_NAME_SERVER_EXCEPTION,
            )
          : new MQClientException(
              `No route info of this topic: ${msg.topic}`,
              undefined,
              ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION,
            );
        return this.finish(ctx, done, error);
      }
      const timesTotal = mode === 'SYNC' ? 1 + this.retryTimesWhenSendFailed : 1;
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
        mq = this.mqFaultStrategy.selectOneMessageQueue(info, mq?.brokerName);
        brokersSent.push(mq.brokerName);
        const beginTimestampPrev = this.env.now();
        const costTime = beginTimestampPrev - beginTimestampFirst;
        // Java's test is `timeout < costTime`; on the simulated clock a timeout lands exactly on
        // the budget's end, where Java's real clock is always a little past it: spent is spent.
        if (timeout <= costTime) return failed(true);
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
            if (sendResult.sendStatus !== 'SEND_OK' && this.retryAnotherBrokerWhenNotStoreOK) {
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

  private sendSelectImpl(
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

  /** One attempt to `mq` (sendKernelImpl and MQClientAPIImpl.sendMessage). */
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
        command = this.sendRequest(ctx.msg, mq);
      } catch (e) {
        const cause = e instanceof Error ? e : new Error(String(e));
        return done({ ok: false, error: new MQClientException('cannot encode the message', cause) });
      }
      const cost = this.env.now() - beginStartTime;
      if (timeout < cost) {
        return done({ ok: false, error: new RemotingTooMuchRequestException('sendKernelImpl call timeout') });
      }
      if (ctx.mode === 'ASYNC') {
        const times = { value: 0 };
        return this.sendMessageAsync(
          ctx,
          brokerAddr,
          mq.brokerName,
          command,
          timeout - cost,
          info,
          times,
          done,
        );
      }
      ctx.attempts++;
      this.traceAttempt(ctx, mq.brokerName, brokerAddr, mq.queueId, timeout - cost);
      if (ctx.mode === 'ONEWAY') {
        factory.invokeOneway(brokerAddr, command);
        this.traceAttemptResult(ctx, mq.brokerName, { ok: true, sendResult: undefined }, 0);
        return done({ ok: true, sendResult: undefined });
      }
      factory.invoke(brokerAddr, command, timeout - cost, (result) => {
        const outcome = result.ok
          ? this.processSendResponse(mq.brokerName, ctx.msg, result.response, brokerAddr)
          : { ok: false as const, error: result.error };
        this.traceAttemptResult(ctx, mq.brokerName, outcome, this.env.now() - beginStartTime);
        done(outcome);
      });
    };
    const addr = factory.findBrokerAddressInPublish(mq.brokerName);
    if (addr !== undefined) return withAddr(addr);
    this.tryToFindTopicPublishInfo(mq.topic, () =>
      withAddr(factory.findBrokerAddressInPublish(mq.brokerName)),
    );
  }

  /** An async attempt and its retries of network failures (sendMessageAsync and onExceptionImpl). */
  private sendMessageAsync(
    ctx: SendContext,
    brokerAddr: string | undefined,
    brokerName: string,
    command: RemotingCommand,
    timeoutMillis: number,
    info: TopicPublishInfo | undefined,
    times: { value: number },
    done: (outcome: Attempted) => void,
  ): void {
    const factory = this.mQClientFactory!;
    const beginStartTime = this.env.now();
    const onException = (error: Error, needRetry: boolean, remaining: number) => {
      times.value++;
      if (!needRetry || times.value > this.retryTimesWhenSendAsyncFailed) return done({ ok: false, error });
      const retryBrokerName = info
        ? this.mqFaultStrategy.selectOneMessageQueue(info, brokerName).brokerName
        : brokerName;
      const addr = factory.findBrokerAddressInPublish(retryBrokerName);
      this.env.trace('producer.async-retry', {
        uniqKey: ctx.uniqKey,
        retry: times.value,
        broker: retryBrokerName,
      });
      this.sendMessageAsync(ctx, addr, retryBrokerName, command, remaining, info, times, done);
    };
    ctx.attempts++;
    const queueId = Number(command.extFields?.[SEND_HEADER_V2_NAMES.queueId]);
    this.traceAttempt(ctx, brokerName, brokerAddr ?? '', queueId, timeoutMillis);
    // NettyRemotingClient.invokeAsync refuses at once: no address, or no time left.
    const early =
      brokerAddr === undefined
        ? new RemotingConnectException(`connect to <null> failed (broker ${brokerName} not found)`)
        : timeoutMillis < 0
          ? new RemotingTooMuchRequestException('invokeAsync call timeout')
          : undefined;
    if (early !== undefined) {
      this.traceAttemptResult(ctx, brokerName, { ok: false, error: early }, 0);
      this.mqFaultStrategy.updateFaultItem(brokerName, 0, true);
      return onException(early, true, timeoutMillis);
    }
    factory.invoke(brokerAddr!, command, timeoutMillis, (result) => {
      const cost = this.env.now() - beginStartTime;
      const outcome = result.ok
        ? this.processSendResponse(brokerName, ctx.msg, result.response, brokerAddr!)
        : { ok: false as const, error: result.error };
      this.traceAttemptResult(ctx, brokerName, outcome, cost);
      this.mqFaultStrategy.updateFaultItem(brokerName, cost, !outcome.ok);
      if (outcome.ok) return done(outcome);
      // A broker's error answer is not retried; a missing answer is, with the time left.
      onException(outcome.error, !result.ok, timeoutMillis - cost);
    });
  }

  /** The SEND_MESSAGE_V2 request for `msg` to `mq`. */
  private sendRequest(msg: Message, mq: MessageQueue): RemotingCommand {
    let sysFlag = 0;
    if ((msg.getProperty(MessageConst.TRAN_MSG) ?? '').toLowerCase() === 'true') {
      sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    }
    const header: SendMessageRequestHeader = {
      producerGroup: this.producerGroup,
      topic: msg.topic,
      defaultTopic: this.createTopicKey,
      defaultTopicQueueNums: this.defaultTopicQueueNums,
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
    const ext: Record<string, string | number | boolean> = {};
    for (const [name, value] of Object.entries(header)) {
      if (value !== undefined) ext[SEND_HEADER_V2_NAMES[name as keyof SendMessageRequestHeader]] = value;
    }
    return request(RequestCode.SEND_MESSAGE_V2, ext, msg.body);
  }

  /** MQClientAPIImpl.processSendResponse: a SendResult for a stored message, else MQBrokerException. */
  private processSendResponse(
    brokerName: string,
    msg: Message,
    response: RemotingCommand,
    addr: string,
  ): Attempted {
    const status = sendStatusOf(response.code);
    if (status === undefined) {
      return {
        ok: false,
        error: new MQBrokerException(response.code, response.remark ?? responseCodeName(response.code), addr),
      };
    }
    const ext = response.extFields ?? {};
    const queue = new MessageQueue(msg.topic, brokerName, Number(ext.queueId));
    const result = new SendResult(
      status,
      msg.getUniqKey()!,
      String(ext.msgId),
      queue,
      Number(ext.queueOffset),
    );
    return { ok: true, sendResult: result };
  }

  private traceAttempt(
    ctx: SendContext,
    broker: string,
    brokerAddr: string,
    queueId: number,
    timeoutMs: number,
  ): void {
    this.env.trace('producer.attempt', {
      mode: ctx.mode,
      uniqKey: ctx.uniqKey,
      attempt: ctx.attempts,
      broker,
      brokerAddr,
      queueId,
      timeoutMs,
    });
  }

  private traceAttemptResult(ctx: SendContext, broker: string, outcome: Attempted, latencyMs: number): void {
    const r = outcome.ok ? outcome.sendResult : undefined;
    this.env.trace('producer.attempt-result', {
      mode: ctx.mode,
      uniqKey: ctx.uniqKey,
      attempt: ctx.attempts,
      broker,
      latencyMs,
      ...(outcome.ok
        ? r === undefined
          ? { result: 'SENT_ONEWAY' }
          : {
              result: r.sendStatus,
              offsetMsgId: r.offsetMsgId,
              queueId: r.messageQueue.queueId,
              queueOffset: r.queueOffset,
            }
        : { error: describeError(outcome.error) }),
    });
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
