// DefaultMQPushConsumer (RocketMQ 4.9.x's DefaultMQPushConsumer, DefaultMQPushConsumerImpl and
// PullMessageService; the pull itself is pull-api-wrapper.ts), clustering with concurrent
// consumption, so application code reads as in Java: new DefaultMQPushConsumer(group, env),
// setNamesrvAddr, subscribe(topic, expression), registerMessageListener({ consumeMessage(msgs,
// context) }), start().
// - start: registers with the process's client instance (one per clientId), auto-subscribes the
//   group's %RETRY% topic, fetches the subscribed topics' routes, sends a heartbeat and
//   rebalances; then rebalances every 20 s and at once on NOTIFY_CONSUMER_IDS_CHANGED, and
//   persists offsets every 5 s (first after 10 s); a concurrent consumer sends back messages in
//   its listener for longer than consumeTimeout (15 min) every consumeTimeout minutes.
// - The pull loop, per assigned queue: flow control first (more than pullThresholdForQueue
//   cached messages, pullThresholdSizeForQueue MiB, or a span over consumeConcurrentlyMaxSpan:
//   again after 50 ms); then PULL_MESSAGE to the broker the last answer suggested (master by
//   default) with suspend (15 s long polling, 30 s timeout) and the in-memory offset as
//   commitOffset (when > 0, and not to a slave). FOUND: client-side tag check, messages cached
//   and handed to the consume service, next pull at nextBeginOffset at once; NO_NEW_MSG and
//   NO_MATCHED_MSG: next pull at nextBeginOffset at once (the offset follows it when nothing is
//   cached); OFFSET_ILLEGAL: the queue is dropped and 10 s later its offset is set to
//   nextBeginOffset, persisted, and the queue forgotten (the next rebalance takes it again);
//   any other answer or a network error: again after 3 s.
// - shutdown: stops consuming, persists offsets (one-way), UNREGISTER_CLIENT, stops the instance
//   when nothing else uses it.
// - Orderly (a MessageListenerOrderly, marked `orderly: true`): see consume-message-orderly-
//   service.ts and rebalance.ts; a queue is pulled only while its ProcessQueue is locked (else
//   again after 3 s), without the span check; maxReconsumeTimes -1 means Integer.MAX_VALUE.
// - RESET_CONSUMER_CLIENT_OFFSET (MQClientInstance.resetOffset): the consumer suspends (pulls wait
//   1 s, rebalance is skipped), marks the topic's listed process queues dropped and clears them,
//   10 s later sets each listed queue's offset (not increase-only), persists it and removes the
//   queue (unlocking it if orderly), then resumes, which rebalances at once.
// BROADCASTING: every consumer takes every queue, offsets in a local file (LocalFileOffsetStore),
// failed messages dropped. Simplifications: no orderly broadcasting, TAG expressions only, no
// pull interval, no consume hooks, no namespace or unit mode; the subscription version is not
// bumped when the queue set changes; an orderly pull request does not recompute its offset on
// its first locked pull (Java's previouslyLocked).
import type { Env, Process } from '../env.ts';
import type { MessageExt } from '../message/message.ts';
import {
  AllocateMessageQueueAveragely,
  type AllocateMessageQueueStrategy,
} from './allocate-message-queue.ts';
import {
  ConsumeMessageConcurrentlyService,
  DEFAULT_CONSUME_TIMEOUT_MINUTES,
  type ConsumeServiceTime,
  type MessageListenerConcurrently,
} from './consume-message-concurrently-service.ts';
import {
  ConsumeMessageOrderlyService,
  INTEGER_MAX,
  type MessageListenerOrderly,
} from './consume-message-orderly-service.ts';
import { MQClientException } from './exceptions.ts';
import { MQClientManager, type MQClientInstance } from './mq-client-instance.ts';
import type { MessageQueue } from './message-queue.ts';
import type { PullArgs, PullCallback, PullResult } from './pull-api-wrapper.ts';
import { RebalancePushImpl, type PullRequest } from './rebalance.ts';
import { RebalancingConsumer, type MessageModel } from './rebalancing-consumer.ts';
import { LocalFileOffsetStore } from './local-file-offset-store.ts';
import type { OffsetStore } from './offset-store.ts';
import { RemoteBrokerOffsetStore } from './remote-broker-offset-store.ts';
import { buildSubscriptionData, type SubscriptionData } from '../protocol/heartbeat-data.ts';
import { PullSysFlag } from '../protocol/pull-message-header.ts';
import { retryTopic } from '../protocol/mix-all.ts';

export type {
  ConsumeConcurrentlyContext,
  ConsumeConcurrentlyStatus,
  MessageListenerConcurrently,
} from './consume-message-concurrently-service.ts';
export type {
  ConsumeOrderlyContext,
  ConsumeOrderlyStatus,
  MessageListenerOrderly,
} from './consume-message-orderly-service.ts';
export type { ConsumeFromWhere } from './rebalance.ts';
export type { MessageModel } from './rebalancing-consumer.ts';

/** DefaultMQPushConsumerImpl's delays (ms). */
export const PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION = 3_000;
export const PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50;
export const PULL_TIME_DELAY_MILLS_WHEN_SUSPEND = 1_000;
/** An orderly queue not locked is pulled again this much later. */
export const PULL_TIME_DELAY_MILLS_WHEN_NOT_LOCKED = 3_000;
/** MQClientInstance.resetOffset's pause between dropping the queues and setting the offsets. */
export const RESET_OFFSET_PAUSE = 10_000;
export const OFFSET_MOVED_DELAY = 10_000;
export const BROKER_SUSPEND_MAX_TIME_MILLIS = 15_000;
export const CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND = 30_000;
/** RebalanceService's period and the offset persistence schedule (ms). */
export const REBALANCE_INTERVAL = 20_000;
export const PERSIST_CONSUMER_OFFSET_INITIAL_DELAY = 10_000;
export const PERSIST_CONSUMER_OFFSET_INTERVAL = 5_000;

export class DefaultMQPushConsumer extends RebalancingConsumer implements Process {
  protected readonly consumeType = 'CONSUME_PASSIVELY';
  private consumeTimestamp: number;
  private allocateMessageQueueStrategy: AllocateMessageQueueStrategy = new AllocateMessageQueueAveragely();
  private consumeThreadMin = 20;
  private consumeThreadMax = 20;
  private consumeConcurrentlyMaxSpan = 2000;
  private pullBatchSize = 32;
  private consumeMessageBatchMaxSize = 1;
  private maxReconsumeTimes = -1;
  private suspendCurrentQueueTimeMillis = 1_000;
  private consumeTimeout = DEFAULT_CONSUME_TIMEOUT_MINUTES;
  private pause = false;
  private serviceTime: ConsumeServiceTime = 0;
  private readonly subscriptions = new Map<string, string>();
  private listener: MessageListenerConcurrently | MessageListenerOrderly | undefined;
  private consumeService: ConsumeMessageConcurrentlyService | undefined;
  private orderlyService: ConsumeMessageOrderlyService | undefined;

  constructor(consumerGroup: string, env: Env) {
    super(consumerGroup, env);
    this.consumeTimestamp = env.now() - 30 * 60_000;
  }

  // ---- configuration (the Java setters) ----

  setMessageModel(model: MessageModel): void {
    this.messageModel = model;
  }
  /** CONSUME_FROM_TIMESTAMP's time in ms (Java takes yyyyMMddHHmmss; default now − 30 min). */
  setConsumeTimestamp(ms: number): void {
    this.consumeTimestamp = ms;
  }
  setAllocateMessageQueueStrategy(strategy: AllocateMessageQueueStrategy): void {
    this.allocateMessageQueueStrategy = strategy;
  }
  setConsumeThreadMin(n: number): void {
    this.consumeThreadMin = n;
  }
  setConsumeThreadMax(n: number): void {
    this.consumeThreadMax = n;
  }
  setConsumeConcurrentlyMaxSpan(n: number): void {
    this.consumeConcurrentlyMaxSpan = n;
  }
  setPullBatchSize(n: number): void {
    this.pullBatchSize = n;
  }
  setConsumeMessageBatchMaxSize(n: number): void {
    this.consumeMessageBatchMaxSize = n;
  }
  setMaxReconsumeTimes(n: number): void {
    this.maxReconsumeTimes = n;
  }
  setSuspendCurrentQueueTimeMillis(ms: number): void {
    this.suspendCurrentQueueTimeMillis = ms;
  }
  /** Minutes a concurrent consumer's message may be in its listener before it is sent back (15). */
  setConsumeTimeout(minutes: number): void {
    this.consumeTimeout = minutes;
  }
  /** Stops pulling (each pull waits 1 s) and rebalancing until resume. */
  suspend(): void {
    this.pause = true;
  }
  resume(): void {
    this.pause = false;
    this.doRebalance();
  }
  isPause(): boolean {
    return this.pause;
  }
  isConsumeOrderly(): boolean {
    return this.listener !== undefined && 'orderly' in this.listener && this.listener.orderly === true;
  }
  /** The simulated handling time of each consume request (ms), fixed or per request. */
  setConsumeServiceTime(time: ConsumeServiceTime): void {
    this.serviceTime = time;
  }
  /** The queues this consumer currently pulls, sorted keys. */
  assignedQueues(): string[] {
    return [...(this.rebalanceImpl?.processQueueTable.keys() ?? [])].sort();
  }

  subscribe(topic: string, subExpression: string): void {
    this.subscriptions.set(topic, subExpression);
    if (this.rebalanceImpl !== undefined) {
      this.rebalanceImpl.subscriptionInner.set(
        topic,
        buildSubscriptionData(topic, subExpression, this.env.now()),
      );
      this.factory?.sendHeartbeatToAllBroker();
    }
  }

  registerMessageListener(listener: MessageListenerConcurrently | MessageListenerOrderly): void {
    this.listener = listener;
  }

  // ---- lifecycle ----

  start(): void {
    if (this.serviceState !== 'CREATE_JUST') {
      throw new MQClientException(
        `The PushConsumer service state not OK, maybe started once, ${this.serviceState}`,
      );
    }
    this.checkConfig();
    const listener = this.listener!;
    const factory = MQClientManager.getOrCreateMQClientInstance(this.env, this.clientConfig);
    const group = this.consumerGroup;
    const broadcasting = this.messageModel === 'BROADCASTING';
    // Broadcasting keeps offsets in a local file of the consumer; clustering, at the broker.
    const offsetStore: OffsetStore = broadcasting
      ? new LocalFileOffsetStore(factory, group)
      : new RemoteBrokerOffsetStore(factory, group);
    offsetStore.load();
    const env = this.env;
    const rebalance = new RebalancePushImpl({
      broadcasting: () => broadcasting,
      env,
      consumerGroup: group,
      factory,
      offsetStore,
      consumeFromWhere: () => this.consumeFromWhere,
      consumeTimestamp: () => this.consumeTimestamp,
      allocateStrategy: () => this.allocateMessageQueueStrategy,
      isRunning: () => this.serviceState === 'RUNNING',
      consumeOrderly: () => this.isConsumeOrderly(),
      dispatchPullRequest: (prs) =>
        prs.forEach((pr) => this.executePullRequestLater(new PullLoop(pr, this.pullLoopHost), 0)),
    });
    // copySubscription: the user's topics, plus the retry topic in clustering.
    const now = env.now();
    for (const [topic, expr] of this.subscriptions)
      rebalance.subscriptionInner.set(topic, buildSubscriptionData(topic, expr, now));
    if (!broadcasting) {
      rebalance.subscriptionInner.set(retryTopic(group), buildSubscriptionData(retryTopic(group), '*', now));
    }
    this.createConsumeService(listener, factory, offsetStore, rebalance);
    if (!factory.registerConsumer(group, this)) {
      this.serviceState = 'CREATE_JUST';
      throw new MQClientException(
        `The consumer group[${group}] has been created before, specify another name please.`,
      );
    }
    this.startWith(factory, offsetStore, rebalance);
    this.consumeService?.start();
    this.orderlyService?.start();
    env.trace('consumer.start', { group, clientId: factory.clientId });
    // updateTopicSubscribeInfoWhenSubscriptionChanged, then heartbeat and rebalanceImmediately.
    this.fetchRoutesThenRebalance(factory, rebalance);
    this.scheduled.scheduleAtFixedRate(REBALANCE_INTERVAL, REBALANCE_INTERVAL, () => this.doRebalance());
    this.scheduled.scheduleAtFixedRate(
      PERSIST_CONSUMER_OFFSET_INITIAL_DELAY,
      PERSIST_CONSUMER_OFFSET_INTERVAL,
      () => this.persistConsumerOffset(),
    );
  }

  /** The listener's consume service: orderly for a MessageListenerOrderly, else concurrent. */
  private createConsumeService(
    listener: MessageListenerConcurrently | MessageListenerOrderly,
    factory: MQClientInstance,
    offsetStore: OffsetStore,
    rebalance: RebalancePushImpl,
  ): void {
    const common = {
      env: this.env,
      consumerGroup: this.consumerGroup,
      factory,
      offsetStore,
      retryTopic: retryTopic(this.consumerGroup),
      consumeThreads: () => this.consumeThreadMin,
      consumeMessageBatchMaxSize: () => this.consumeMessageBatchMaxSize,
      serviceTime: (msgs: readonly MessageExt[]) =>
        typeof this.serviceTime === 'number' ? this.serviceTime : this.serviceTime(msgs),
    };
    if ('orderly' in listener && listener.orderly === true) {
      const maxReconsumeTimes = () => (this.maxReconsumeTimes === -1 ? INTEGER_MAX : this.maxReconsumeTimes);
      const host = {
        ...common,
        rebalance,
        maxReconsumeTimes,
        suspendCurrentQueueTimeMillis: () => this.suspendCurrentQueueTimeMillis,
      };
      this.orderlyService = new ConsumeMessageOrderlyService(host, listener);
      return;
    }
    const host = {
      ...common,
      broadcasting: () => this.messageModel === 'BROADCASTING',
      maxReconsumeTimes: () => (this.maxReconsumeTimes === -1 ? 16 : this.maxReconsumeTimes),
      consumeTimeout: () => this.consumeTimeout,
      processQueues: () => rebalance.processQueueTable.values(),
    };
    this.consumeService = new ConsumeMessageConcurrentlyService(
      host,
      listener as MessageListenerConcurrently,
    );
  }

  /** A clean stop; `done` once the brokers have been told (the Process hook). */
  shutdown(done: () => void = () => {}): void {
    const factory = this.factory;
    if (this.serviceState !== 'RUNNING' || factory === undefined) return done();
    this.serviceState = 'SHUTDOWN_ALREADY';
    this.scheduled.shutdown();
    this.consumeService?.shutdown();
    this.orderlyService?.shutdown();
    this.persistConsumerOffset();
    this.leave(factory, 'consumer.shutdown', done);
  }

  doRebalance(): void {
    if (this.serviceState === 'RUNNING' && !this.pause) this.rebalanceImpl?.doRebalance();
  }

  /**
   * MQClientInstance.resetOffset for this consumer: suspend, drop and clear the topic's listed
   * queues, and 10 s later set and persist their offsets, forget the queues, and resume.
   */
  resetOffset(topic: string, offsetTable: ReadonlyMap<string, number>): void {
    const rebalance = this.rebalanceImpl;
    if (rebalance === undefined || this.serviceState !== 'RUNNING') return;
    this.suspend();
    for (const [key, { mq, pq }] of rebalance.processQueueTable) {
      if (mq.topic !== topic || !offsetTable.has(key)) continue;
      pq.dropped = true;
      pq.clear();
    }
    this.scheduled.schedule(RESET_OFFSET_PAUSE, () => {
      for (const [key, { mq, pq }] of [...rebalance.processQueueTable]) {
        const offset = offsetTable.get(key);
        if (mq.topic !== topic || offset === undefined) continue;
        this.offsetStore!.updateOffset(mq, offset, false);
        rebalance.removeUnnecessaryMessageQueue(mq, pq);
        rebalance.processQueueTable.delete(key);
        this.env.trace('consumer.offset-reset', { group: this.consumerGroup, mq: key, offset });
      }
      this.resume();
    });
  }

  persistConsumerOffset(): void {
    const rebalance = this.rebalanceImpl;
    if (rebalance === undefined) return;
    this.offsetStore?.persistAll(rebalance.processQueueTable);
  }

  // ---- pulling ----

  /** What each queue's PullLoop calls back: made once per consumer. */
  private readonly pullLoopHost: PullLoopHost = {
    pullMessage: (loop) => this.pullMessage(loop),
    stillWanted: (pr) => this.serviceState === 'RUNNING' && !pr.processQueue.dropped,
    onPullResult: (loop, result) => {
      if (this.serviceState === 'RUNNING') this.onPullResult(loop, result);
    },
    onPullException: (loop, error) => {
      if (this.serviceState === 'RUNNING') this.onPullException(loop, error);
    },
  };

  private executePullRequestLater(loop: PullLoop, delay: number): void {
    this.scheduled.schedule(delay, loop.run);
  }

  private pullMessage(loop: PullLoop): void {
    const pr = loop.pr;
    const pq = pr.processQueue;
    const mq = pr.messageQueue;
    if (pq.dropped) return;
    if (this.serviceState !== 'RUNNING') return;
    pq.lastPullTimestamp = this.env.now();
    if (this.pause) return this.executePullRequestLater(loop, PULL_TIME_DELAY_MILLS_WHEN_SUSPEND);
    let flowControl: string | undefined;
    if (pq.msgCount > this.pullThresholdForQueue) flowControl = 'count';
    else if (pq.msgSize / (1024 * 1024) > this.pullThresholdSizeForQueue) flowControl = 'size';
    else if (this.orderlyService === undefined) {
      if (pq.getMaxSpan() > this.consumeConcurrentlyMaxSpan) flowControl = 'span';
    } else if (!pq.locked) {
      return this.executePullRequestLater(loop, PULL_TIME_DELAY_MILLS_WHEN_NOT_LOCKED);
    }
    if (flowControl !== undefined) {
      this.env.probe('client.pull-flow-control');
      this.env.trace('consumer.flow-control', { group: this.consumerGroup, mq: mq.key, reason: flowControl });
      return this.executePullRequestLater(loop, PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL);
    }
    const sub = this.rebalanceImpl!.subscriptionInner.get(mq.topic);
    if (sub === undefined) return this.executePullRequestLater(loop, PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
    const commitOffsetValue = this.offsetStore!.readOffsetFromMemory(mq);
    this.pullKernelImpl(loop, sub, commitOffsetValue > 0, commitOffsetValue);
  }

  private pullKernelImpl(loop: PullLoop, sub: SubscriptionData, commit: boolean, commitOffset: number): void {
    // Broadcasting offsets stay on the consumer; only clustering commits at the broker.
    const commitBit = commit && this.messageModel === 'CLUSTERING' ? PullSysFlag.COMMIT_OFFSET : 0;
    loop.subscription = sub;
    loop.subVersion = sub.subVersion;
    loop.offset = loop.pr.nextOffset;
    loop.maxNums = this.pullBatchSize;
    loop.sysFlag = PullSysFlag.SUSPEND | commitBit;
    loop.commitOffset = commitOffset;
    this.pullAPIWrapper!.pullKernelImpl(loop, loop);
  }

  /** DefaultMQPushConsumerImpl's PullCallback. */
  private onPullResult(loop: PullLoop, result: PullResult): void {
    const pr = loop.pr;
    const mq = pr.messageQueue;
    const pq = pr.processQueue;
    switch (result.pullStatus) {
      case 'FOUND': {
        const msgs = result.msgFoundList;
        pr.nextOffset = result.nextBeginOffset;
        if (msgs.length > 0 && !pq.dropped) {
          const dispatchToConsume = pq.putMessage(msgs);
          if (this.orderlyService !== undefined)
            this.orderlyService.submitConsumeRequest(pq, mq, dispatchToConsume);
          else this.consumeService!.submitConsumeRequest(msgs, pq, mq);
        }
        return this.executePullRequestLater(loop, 0);
      }
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        pr.nextOffset = result.nextBeginOffset;
        // correctTagsOffset: with nothing cached, the offset follows the pull position.
        if (pq.msgCount === 0) this.offsetStore!.updateOffset(mq, pr.nextOffset, true);
        return this.executePullRequestLater(loop, 0);
      case 'OFFSET_ILLEGAL':
        this.env.probe('client.pull-offset-illegal');
        this.env.trace('consumer.offset-illegal', {
          group: this.consumerGroup,
          mq: mq.key,
          requestOffset: pr.nextOffset,
          nextBeginOffset: result.nextBeginOffset,
        });
        pr.nextOffset = result.nextBeginOffset;
        pq.dropped = true;
        this.scheduled.schedule(OFFSET_MOVED_DELAY, () => {
          this.offsetStore!.updateOffset(mq, pr.nextOffset, false);
          this.offsetStore!.persist(mq);
          this.rebalanceImpl!.removeProcessQueue(mq);
        });
        return;
    }
  }

  private onPullException(loop: PullLoop, error: string): void {
    this.env.probe('client.pull-failed');
    this.env.trace('consumer.pull-failed', {
      group: this.consumerGroup,
      mq: loop.pr.messageQueue.key,
      error,
    });
    this.executePullRequestLater(loop, PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
  }

  // ---- helpers ----

  private checkConfig(): void {
    if (this.listener === undefined) throw new MQClientException('messageListener is null');
    if (this.messageModel === 'BROADCASTING' && 'orderly' in this.listener && this.listener.orderly === true)
      throw new MQClientException('orderly consumption in BROADCASTING is not modelled');
    if (this.consumerGroup.length === 0) throw new MQClientException('consumerGroup is null');
    if (this.consumeThreadMin < 1 || this.consumeThreadMin > 1000)
      throw new MQClientException('consumeThreadMin Out of range [1, 1000]');
    if (this.consumeThreadMax < 1 || this.consumeThreadMax > 1000)
      throw new MQClientException('consumeThreadMax Out of range [1, 1000]');
    if (this.consumeThreadMin > this.consumeThreadMax)
      throw new MQClientException(
        `consumeThreadMin (${this.consumeThreadMin}) is larger than consumeThreadMax (${this.consumeThreadMax})`,
      );
    if (this.consumeMessageBatchMaxSize < 1 || this.consumeMessageBatchMaxSize > 1024)
      throw new MQClientException('consumeMessageBatchMaxSize Out of range [1, 1024]');
    if (this.pullBatchSize < 1 || this.pullBatchSize > 1024)
      throw new MQClientException('pullBatchSize Out of range [1, 1024]');
    // Java's cleaner is scheduled at a fixed rate of consumeTimeout minutes, which must be positive.
    if (!Number.isInteger(this.consumeTimeout) || this.consumeTimeout < 1)
      throw new MQClientException(
        `consumeTimeout must be a whole number of minutes >= 1, got ${this.consumeTimeout}`,
      );
  }
}

/** What a PullLoop calls back in its consumer. */
interface PullLoopHost {
  pullMessage(loop: PullLoop): void;
  stillWanted(pr: PullRequest): boolean;
  onPullResult(loop: PullLoop, result: PullResult): void;
  onPullException(loop: PullLoop, error: string): void;
}

/**
 * One dispatched PullRequest's pulls (PullMessageService with DefaultMQPushConsumerImpl's
 * PullCallback): made once per queue, it is every pull's arguments (rewritten before each; one
 * pull of a queue is in flight at a time), its callback and its timer task, so a pull makes no
 * closure or argument object.
 */
class PullLoop implements PullArgs, PullCallback {
  readonly mq: MessageQueue;
  /** Set by pullKernelImpl before each pull. */
  subscription!: SubscriptionData;
  subVersion = 0;
  offset = 0;
  maxNums = 0;
  sysFlag = 0;
  commitOffset = 0;
  readonly brokerSuspendMaxTimeMillis = BROKER_SUSPEND_MAX_TIME_MILLIS;
  readonly timeoutMillis = CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND;
  /** executePullRequestLater's task. */
  readonly run = (): void => this.host.pullMessage(this);

  constructor(
    readonly pr: PullRequest,
    private readonly host: PullLoopHost,
  ) {
    this.mq = pr.messageQueue;
  }

  stillWanted(): boolean {
    return this.host.stillWanted(this.pr);
  }

  onSuccess(pullResult: PullResult): void {
    this.host.onPullResult(this, pullResult);
  }

  onException(error: string): void {
    this.host.onPullException(this, error);
  }
}
