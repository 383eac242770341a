// DefaultMQProducer (RocketMQ 4.9.x): the producer's settings and API with Java's names; how it
// sends is DefaultMQProducerImpl (default-mq-producer-impl.ts).
// Java's `send(msg)` blocks its thread until the result; the event model cannot block, so here
// `send(msg, (error, sendResult) => ...)` calls back exactly when the Java call would return or
// throw. `send(msg, {onSuccess, onException})` and `sendAsync` are Java's async send,
// `sendOneway` its one-way send, `send(msg, selector, arg, callback)` its ordered send.
import type { Env } from '../env.ts';
import type { Message } from '../message/message.ts';
import { AUTO_CREATE_TOPIC_KEY_TOPIC } from '../protocol/topic-config.ts';
import { ClientConfigurable } from './client-config.ts';
import {
  DefaultMQProducerImpl,
  type ProducerSettings,
  type SendCallback,
  type SendCallbackFn,
} from './default-mq-producer-impl.ts';
import type { MQFaultStrategy } from './latency-fault-tolerance.ts';
import type { MessageQueueSelector } from './message-queue-selector.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import type { TopicPublishInfo } from './topic-publish-info.ts';

export type { SendCallback, SendCallbackFn } from './default-mq-producer-impl.ts';

export class DefaultMQProducer extends ClientConfigurable<MQClientInstance> implements ProducerSettings {
  private sendMsgTimeout = 3_000;
  private retryTimesWhenSendFailed = 2;
  private retryTimesWhenSendAsyncFailed = 2;
  private retryAnotherBrokerWhenNotStoreOK = false;
  private createTopicKey = AUTO_CREATE_TOPIC_KEY_TOPIC;
  private defaultTopicQueueNums = 4;
  private maxMessageSize = 4 * 1024 * 1024;
  private readonly defaultMQProducerImpl: DefaultMQProducerImpl;

  constructor(
    readonly producerGroup: string,
    env: Env,
  ) {
    super(env);
    this.defaultMQProducerImpl = new DefaultMQProducerImpl(this, env, this.clientConfig.clientIP);
  }

  // ---- settings (the Java setters and getters) ----

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
    this.defaultMQProducerImpl.mqFaultStrategy.sendLatencyFaultEnable = enable;
  }
  isSendLatencyFaultEnable(): boolean {
    return this.defaultMQProducerImpl.mqFaultStrategy.sendLatencyFaultEnable;
  }
  setCreateTopicKey(topic: string): void {
    this.createTopicKey = topic;
  }
  getCreateTopicKey(): string {
    return this.createTopicKey;
  }
  setDefaultTopicQueueNums(n: number): void {
    this.defaultTopicQueueNums = n;
  }
  getDefaultTopicQueueNums(): number {
    return this.defaultTopicQueueNums;
  }
  setMaxMessageSize(bytes: number): void {
    this.maxMessageSize = bytes;
  }
  getMaxMessageSize(): number {
    return this.maxMessageSize;
  }
  /** The strategy itself, to inspect the fault table in tests and reports. */
  getMQFaultStrategy(): MQFaultStrategy {
    return this.defaultMQProducerImpl.mqFaultStrategy;
  }
  getDefaultMQProducerImpl(): DefaultMQProducerImpl {
    return this.defaultMQProducerImpl;
  }

  // ---- lifecycle ----

  /** Registers with the process's client instance and starts it; throws MQClientException as Java does. */
  start(): void {
    this.factory = this.defaultMQProducerImpl.start(this.clientConfig);
  }

  /** Unregisters from the brokers (UNREGISTER_CLIENT), then stops the client instance; `done` after. */
  shutdown(done: () => void = () => {}): void {
    this.defaultMQProducerImpl.shutdown(done);
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
    const impl = this.defaultMQProducerImpl;
    if (typeof a === 'function') return impl.sendDefaultImpl(msg, 'SYNC', this.sendMsgTimeout, a);
    if ('select' in a) {
      if (callback === undefined) throw new TypeError('send(msg, selector, arg, callback): no callback');
      return impl.sendSelectImpl(msg, a, arg, this.sendMsgTimeout, callback);
    }
    this.sendAsync(msg, a);
  }

  sendAsync(msg: Message, sendCallback: SendCallback): void {
    this.defaultMQProducerImpl.sendDefaultImpl(msg, 'ASYNC', this.sendMsgTimeout, (error, result) => {
      if (error !== undefined) sendCallback.onException(error);
      else sendCallback.onSuccess(result!);
    });
  }

  /** One attempt, no answer awaited, no retry; `done(error)` once handed to the network (or refused). */
  sendOneway(msg: Message, done: (error?: Error) => void = () => {}): void {
    this.defaultMQProducerImpl.sendDefaultImpl(msg, 'ONEWAY', this.sendMsgTimeout, (error) => done(error));
  }

  /** The publish info a send would use now, for tests and reports. */
  getTopicPublishInfo(topic: string): TopicPublishInfo | undefined {
    return this.defaultMQProducerImpl.getTopicPublishInfo(topic);
  }
}
