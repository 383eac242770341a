// DefaultLitePullConsumer (RocketMQ 4.9.x's DefaultLitePullConsumer and DefaultLitePullConsumerImpl),
// CLUSTERING only, for scenarios that consume step by step: new DefaultLitePullConsumer(group,
// env), setNamesrvAddr, subscribe(topic, expr) or assign(mqs) (mutually exclusive), start(),
// poll(timeoutMs, callback), commitSync(), seek(mq, offset, done), shutdown().
// - A pull task per assigned queue: flow control (cached requests × pullBatchSize over
//   pullThresholdForAll, a queue's cached count or MiB, its offset span over consumeMaxSpan: again
//   after 50 ms), then PULL_MESSAGE (pull-api-wrapper.ts: to the broker the last answer suggested)
//   with the suspend, subscription and lite-pull bits and no
//   commit bit (suspend 20 s, timeout 30 s), pullBatchSize (10) messages from the next pull
//   offset: the seek offset if one is pending, else the last nextBeginOffset, else
//   computePullFromWhere. FOUND (after the client's tag check) caches the batch as one consume
//   request unless a seek is pending; every answer moves the pull offset to nextBeginOffset
//   (OFFSET_ILLEGAL included) unless a seek is pending; an error retries after 1 s.
// - poll hands out one cached batch (skipping dropped queues'), waiting up to the timeout; the
//   queue's consume offset becomes ProcessQueue.removeMessage's answer. With autoCommit (default),
//   a poll first commits when autoCommitIntervalMillis (5 s) has passed since the last commit.
// - commitSync (commitAll) copies the consume offsets of the assigned, undropped queues into the
//   offset store's memory; the store reaches the broker through persistConsumerOffset, every 5 s
//   (first after 10 s, MQClientInstance's schedule) and at shutdown.
// - seek checks the queue is assigned and min ≤ offset ≤ max (GET_MIN/MAX_OFFSET), then sets the
//   store's offset, drops the queue's cached batches and restarts its pull task at `offset`.
// - subscribe: RebalancePushImpl's allocation (every 20 s and on NOTIFY_CONSUMER_IDS_CHANGED);
//   no %RETRY% topic (a lite consumer never sends messages back).
// Simplifications: no BROADCASTING, pause/resume, topic-metadata listeners or namespace; poll is
// a callback (at once when a batch is cached, else when one arrives or at the timeout) and only
// one poll may wait at a time.
import type { Env, Process, TimerId } from '../env.ts';
import type { MessageExt } from '../message/message.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { AllocateMessageQueueAveragely } from './allocate-message-queue.ts';
import { MQClientException } from './exceptions.ts';
import type { MessageQueue } from './message-queue.ts';
import { MQClientManager } from './mq-client-instance.ts';
import { queryQueueOffset } from './mq-admin-impl.ts';
import { ProcessQueue } from './process-queue.ts';
import type { PullResult } from './pull-api-wrapper.ts';
import { RebalancePushImpl, type PullRequest } from './rebalance.ts';
import { RebalancingConsumer } from './rebalancing-consumer.ts';
import { RemoteBrokerOffsetStore } from './remote-broker-offset-store.ts';
import { buildSubscriptionData, type SubscriptionData } from '../protocol/heartbeat-data.ts';
import { PullSysFlag } from '../protocol/pull-message-header.ts';

export const LITE_BROKER_SUSPEND_MAX_TIME_MILLIS = 20_000;
export const LITE_CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND = 30_000;
export const LITE_PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION = 1_000;
export const LITE_PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50;
const REBALANCE_INTERVAL = 20_000;
const PERSIST_INITIAL_DELAY = 10_000;
const PERSIST_INTERVAL = 5_000;

interface PullTask {
  readonly mq: MessageQueue;
  /** Rebalance's process queue (subscribe) or our own (assign): its `dropped` ends the task. */
  readonly owner: ProcessQueue;
  pq: ProcessQueue;
  cancelled: boolean;
}

interface AssignedState {
  pullOffset: number;
  consumeOffset: number;
  seekOffset: number;
  task: PullTask;
}

interface ConsumeRequest {
  readonly msgs: MessageExt[];
  readonly mq: MessageQueue;
  readonly task: PullTask;
}

export class DefaultLitePullConsumer extends RebalancingConsumer implements Process {
  protected readonly consumeType = 'CONSUME_ACTIVELY';
  private autoCommit = true;
  private autoCommitIntervalMillis = 5_000;
  private pullBatchSize = 10;
  private pullThresholdForAll = 10_000;
  private consumeMaxSpan = 2000;
  private pollTimeoutMillis = 5_000;
  private subscriptionType: 'NONE' | 'SUBSCRIBE' | 'ASSIGN' = 'NONE';
  private readonly subscriptions = new Map<string, string>();
  private assignedMqs: MessageQueue[] = [];
  private readonly assigned = new Map<string, AssignedState>();
  private readonly cache: ConsumeRequest[] = [];
  private waiter: { done: (msgs: MessageExt[]) => void; timer: TimerId } | undefined;
  private nextAutoCommitDeadline = -1;

  constructor(consumerGroup: string, env: Env) {
    super(consumerGroup, env);
  }

  setAutoCommit(on: boolean): void {
    this.autoCommit = on;
  }
  setAutoCommitIntervalMillis(ms: number): void {
    this.autoCommitIntervalMillis = Math.max(1000, ms);
  }
  setPullBatchSize(n: number): void {
    this.pullBatchSize = n;
  }
  setPollTimeoutMillis(ms: number): void {
    this.pollTimeoutMillis = ms;
  }
  setPullThresholdForAll(n: number): void {
    this.pullThresholdForAll = n;
  }
  setConsumeMaxSpan(n: number): void {
    this.consumeMaxSpan = n;
  }
  /** The queues this consumer pulls, sorted keys. */
  assignedQueues(): string[] {
    return [...this.assigned.keys()].sort();
  }

  subscribe(topic: string, subExpression: string): void {
    this.setSubscriptionType('SUBSCRIBE');
    this.subscriptions.set(topic, subExpression);
    const rebalance = this.rebalanceImpl;
    if (rebalance !== undefined && this.serviceState === 'RUNNING') {
      rebalance.subscriptionInner.set(topic, buildSubscriptionData(topic, subExpression, this.env.now()));
      this.factory!.sendHeartbeatToAllBroker();
      this.factory!.updateTopicRouteInfoFromNameServer(topic);
    }
  }

  assign(mqs: readonly MessageQueue[]): void {
    if (mqs.length === 0) throw new MQClientException('Message queues can not be null or empty.');
    this.setSubscriptionType('ASSIGN');
    this.assignedMqs = [...mqs];
    if (this.serviceState === 'RUNNING') this.updateAssignPullTask();
  }

  start(): void {
    if (this.serviceState !== 'CREATE_JUST') {
      throw new MQClientException(
        `The PullConsumer service state not OK, maybe started once, ${this.serviceState}`,
      );
    }
    if (this.consumerGroup.length === 0) throw new MQClientException('consumerGroup is null');
    const env = this.env;
    const group = this.consumerGroup;
    const factory = MQClientManager.getOrCreateMQClientInstance(env, this.clientConfig);
    if (!factory.registerConsumer(group, this)) {
      throw new MQClientException(
        `The consumer group[${group}] has been created before, specify another name please.`,
      );
    }
    const offsetStore = new RemoteBrokerOffsetStore(factory, group);
    const rebalance = new RebalancePushImpl({
      broadcasting: () => false,
      env,
      consumerGroup: group,
      factory,
      offsetStore,
      consumeFromWhere: () => this.consumeFromWhere,
      consumeTimestamp: () => env.now() - 30 * 60_000,
      allocateStrategy: () => new AllocateMessageQueueAveragely(),
      isRunning: () => this.serviceState === 'RUNNING',
      consumeOrderly: () => false,
      dispatchPullRequest: (prs) => this.onRebalanced(prs),
    });
    const now = env.now();
    for (const [topic, expr] of this.subscriptions)
      rebalance.subscriptionInner.set(topic, buildSubscriptionData(topic, expr, now));
    this.startWith(factory, offsetStore, rebalance);
    env.trace('lite-consumer.start', { group, clientId: factory.clientId });
    if (this.subscriptionType === 'SUBSCRIBE') {
      this.fetchRoutesThenRebalance(factory, rebalance);
      this.scheduled.scheduleAtFixedRate(REBALANCE_INTERVAL, REBALANCE_INTERVAL, () => this.doRebalance());
    } else if (this.subscriptionType === 'ASSIGN') {
      this.updateAssignPullTask();
    }
    this.scheduled.scheduleAtFixedRate(PERSIST_INITIAL_DELAY, PERSIST_INTERVAL, () =>
      this.persistConsumerOffset(),
    );
  }

  shutdown(done: () => void = () => {}): void {
    const factory = this.factory;
    if (this.serviceState !== 'RUNNING' || factory === undefined) return done();
    this.persistConsumerOffset();
    this.serviceState = 'SHUTDOWN_ALREADY';
    this.scheduled.shutdown();
    for (const state of this.assigned.values()) state.task.cancelled = true;
    this.waiter = undefined;
    this.leave(factory, 'lite-consumer.shutdown', done);
  }

  /**
   * The next pulled batch, or [] after `timeoutMs` (pollTimeoutMillis by default) with nothing;
   * at once when a batch is already cached.
   */
  poll(
    callbackOrTimeout: number | ((msgs: MessageExt[]) => void),
    maybeCallback?: (msgs: MessageExt[]) => void,
  ): void {
    const timeoutMs = typeof callbackOrTimeout === 'number' ? callbackOrTimeout : this.pollTimeoutMillis;
    const done = typeof callbackOrTimeout === 'function' ? callbackOrTimeout : maybeCallback!;
    this.checkServiceState();
    if (timeoutMs < 0) throw new Error('Timeout must not be negative');
    if (this.waiter !== undefined) throw new MQClientException('a poll is already waiting');
    if (this.autoCommit) this.maybeAutoCommit();
    const batch = this.takeRequest();
    if (batch !== undefined) return done(batch);
    const timer = this.scheduled.schedule(timeoutMs, () => {
      if (this.waiter?.timer !== timer) return;
      this.waiter = undefined;
      done([]);
    });
    this.waiter = { done, timer };
  }

  /** commitAll: the consume offsets of the assigned queues into the offset store's memory. */
  commitSync(): void {
    this.checkServiceState();
    for (const [, state] of this.assigned) {
      if (state.consumeOffset === -1 || state.task.owner.dropped) continue;
      this.offsetStore!.updateOffset(state.task.mq, state.consumeOffset, false);
    }
    this.env.trace('lite-consumer.commit', {
      group: this.consumerGroup,
      offsets: Object.fromEntries(this.offsetStore!.cloneOffsetTable()),
    });
  }

  /** The store's offset (memory first, then the broker); -1 if none, -2 on error. */
  committed(mq: MessageQueue, done: (offset: number) => void): void {
    this.checkServiceState();
    this.offsetStore!.readOffset(mq, 'MEMORY_FIRST_THEN_STORE', done);
  }

  /** Moves the queue's next poll to `offset`; `done(error)` when applied or refused. */
  seek(mq: MessageQueue, offset: number, done: (error?: MQClientException) => void = () => {}): void {
    this.checkServiceState();
    if (!this.assigned.has(mq.key))
      return done(new MQClientException(`The message queue is not in assigned list, message queue: ${mq}`));
    queryQueueOffset(this.factory!, mq, RequestCode.GET_MIN_OFFSET, {}, (min) => {
      queryQueueOffset(this.factory!, mq, RequestCode.GET_MAX_OFFSET, {}, (max) => {
        if (min < 0 || max < 0) return done(new MQClientException(`cannot read the offsets of ${mq}`));
        if (offset < min || offset > max) {
          return done(
            new MQClientException(
              `Seek offset illegal, seek offset = ${offset}, min offset = ${min}, max offset = ${max}`,
            ),
          );
        }
        const state = this.assigned.get(mq.key);
        if (state === undefined || state.task.owner.dropped) return done();
        state.seekOffset = offset;
        this.offsetStore!.updateOffset(mq, offset, false);
        // clearMessageQueueInCache, then a new pull task.
        for (let i = this.cache.length - 1; i >= 0; i--)
          if (this.cache[i]!.mq.key === mq.key) this.cache.splice(i, 1);
        state.task.cancelled = true;
        state.task = { mq, owner: state.task.owner, pq: new ProcessQueue(this.env.now()), cancelled: false };
        this.env.trace('lite-consumer.seek', { group: this.consumerGroup, mq: mq.key, offset });
        this.schedulePull(state.task, 0);
        done();
      });
    });
  }

  doRebalance(): void {
    if (this.serviceState === 'RUNNING' && this.subscriptionType === 'SUBSCRIBE')
      this.rebalanceImpl?.doRebalance();
  }

  persistConsumerOffset(): void {
    this.offsetStore?.persistAll(new Set(this.assigned.keys()));
  }

  // ---- assignment ----

  private setSubscriptionType(type: 'SUBSCRIBE' | 'ASSIGN'): void {
    if (this.subscriptionType === 'NONE') this.subscriptionType = type;
    else if (this.subscriptionType !== type)
      throw new MQClientException('Subscribe and assign are mutually exclusive.');
  }

  /** Rebalance gave us new queues; forget those it dropped. */
  private onRebalanced(prs: PullRequest[]): void {
    this.forgetDropped();
    for (const pr of prs) this.addQueue(pr.messageQueue, pr.processQueue, pr.nextOffset);
  }

  private forgetDropped(): void {
    for (const [key, state] of [...this.assigned]) {
      if (!state.task.owner.dropped) continue;
      state.task.cancelled = true;
      this.assigned.delete(key);
    }
  }

  private updateAssignPullTask(): void {
    const wanted = new Set(this.assignedMqs.map((mq) => mq.key));
    for (const [key, state] of [...this.assigned]) {
      if (wanted.has(key)) continue;
      state.task.cancelled = true;
      state.task.owner.dropped = true;
      this.assigned.delete(key);
    }
    for (const mq of this.assignedMqs) {
      if (this.assigned.has(mq.key)) continue;
      this.addQueue(mq, new ProcessQueue(this.env.now()), -1);
    }
  }

  private addQueue(mq: MessageQueue, owner: ProcessQueue, pullOffset: number): void {
    const task: PullTask = { mq, owner, pq: new ProcessQueue(this.env.now()), cancelled: false };
    this.assigned.set(mq.key, { pullOffset, consumeOffset: -1, seekOffset: -1, task });
    this.env.trace('lite-consumer.queue-added', { group: this.consumerGroup, mq: mq.key, pullOffset });
    this.schedulePull(task, 0);
  }

  // ---- pulling ----

  private schedulePull(task: PullTask, delay: number): void {
    this.scheduled.schedule(delay, () => this.runPullTask(task));
  }

  private runPullTask(task: PullTask): void {
    if (task.cancelled || task.owner.dropped) {
      this.forgetDropped();
      return;
    }
    const state = this.assigned.get(task.mq.key);
    if (state === undefined || state.task !== task) return;
    const pq = task.pq;
    if (
      this.cache.length * this.pullBatchSize > this.pullThresholdForAll ||
      pq.msgCount > this.pullThresholdForQueue ||
      pq.msgSize / (1024 * 1024) > this.pullThresholdSizeForQueue ||
      pq.getMaxSpan() > this.consumeMaxSpan
    ) {
      return this.schedulePull(task, LITE_PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL);
    }
    this.nextPullOffset(state, (offset) => {
      if (task.cancelled) return;
      if (offset < 0) return this.schedulePull(task, LITE_PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
      const sub =
        this.subscriptionType === 'SUBSCRIBE'
          ? this.rebalanceImpl!.subscriptionInner.get(task.mq.topic)
          : buildSubscriptionData(task.mq.topic, '*', 0);
      if (sub === undefined) return this.schedulePull(task, LITE_PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
      this.pull(task, sub, offset);
    });
  }

  private nextPullOffset(state: AssignedState, done: (offset: number) => void): void {
    if (state.seekOffset !== -1) {
      const offset = state.seekOffset;
      state.consumeOffset = offset;
      state.seekOffset = -1;
      return done(offset);
    }
    if (state.pullOffset !== -1) return done(state.pullOffset);
    this.rebalanceImpl!.computePullFromWhere(state.task.mq, done);
  }

  private pull(task: PullTask, sub: SubscriptionData, offset: number): void {
    const args = {
      mq: task.mq,
      subscription: sub,
      subExpression: sub.subString,
      subVersion: 0,
      offset,
      maxNums: this.pullBatchSize,
      sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION | PullSysFlag.LITE_PULL_MESSAGE,
      commitOffset: 0,
      brokerSuspendMaxTimeMillis: LITE_BROKER_SUSPEND_MAX_TIME_MILLIS,
      timeoutMillis: LITE_CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND,
    };
    const stillWanted = () => !task.cancelled && this.serviceState === 'RUNNING';
    this.pullAPIWrapper!.pullKernelImpl(args, {
      stillWanted,
      onSuccess: (pullResult) => {
        if (stillWanted()) this.onPullResult(task, pullResult);
      },
      onException: (error) => {
        if (stillWanted()) this.onPullError(task, error);
      },
    });
  }

  private onPullResult(task: PullTask, result: PullResult): void {
    const state = this.assigned.get(task.mq.key);
    if (state === undefined || state.task !== task) return;
    const msgs = result.msgFoundList;
    if (result.pullStatus === 'FOUND' && msgs.length > 0 && state.seekOffset === -1) {
      task.pq.putMessage(msgs);
      this.cache.push({ msgs, mq: task.mq, task });
      this.wakeWaiter();
    }
    if (result.pullStatus === 'OFFSET_ILLEGAL') {
      this.env.trace('lite-consumer.offset-illegal', {
        mq: task.mq.key,
        nextBeginOffset: result.nextBeginOffset,
      });
    }
    if (state.seekOffset === -1 && Number.isFinite(result.nextBeginOffset))
      state.pullOffset = result.nextBeginOffset;
    this.schedulePull(task, 0);
  }

  private onPullError(task: PullTask, error: string): void {
    this.env.trace('lite-consumer.pull-failed', { group: this.consumerGroup, mq: task.mq.key, error });
    this.schedulePull(task, LITE_PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
  }

  // ---- polling ----

  private takeRequest(): MessageExt[] | undefined {
    while (this.cache.length > 0) {
      const req = this.cache.shift()!;
      const state = this.assigned.get(req.mq.key);
      if (req.task.owner.dropped || req.task.cancelled || state?.task !== req.task) continue;
      const offset = req.task.pq.removeMessage(req.msgs);
      state.consumeOffset = offset;
      return req.msgs;
    }
    return undefined;
  }

  private wakeWaiter(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const batch = this.takeRequest();
    if (batch === undefined) return;
    this.waiter = undefined;
    this.scheduled.cancel(waiter.timer);
    waiter.done(batch);
  }

  private maybeAutoCommit(): void {
    const now = this.env.now();
    if (now < this.nextAutoCommitDeadline) return;
    this.commitSync();
    this.nextAutoCommitDeadline = now + this.autoCommitIntervalMillis;
  }

  // ---- helpers ----

  private checkServiceState(): void {
    if (this.serviceState !== 'RUNNING') throw new Error('The consumer not running, please start it first.');
  }
}
