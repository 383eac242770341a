// RebalanceImpl and RebalancePushImpl (RocketMQ 4.9.x), clustering only: which queues of each
// subscribed topic this consumer pulls. For every topic of the subscription table (the group's
// %RETRY% topic included, auto-subscribed in clustering), the topic's readable queues (from the
// route) and the group's client ids (GET_CONSUMER_LIST_BY_GROUP to some broker of the topic) are
// sorted and given to the allocation strategy. Then:
// - a queue no longer allocated, or not pulled for 120 s, is dropped: its ProcessQueue is marked
//   dropped, its offset persisted (one-way) and removed from the offset store;
// - a newly allocated queue gets its dirty offset removed, a start offset (computePullFromWhere:
//   the broker's stored offset, else by consumeFromWhere) and a new PullRequest; when no start
//   offset can be had (-1) it is left out until the next rebalance.
// Finally queues of topics no longer subscribed are dropped (truncateMessageQueueNotMyTopic).
// Every consumer rebalances on its own clock, so for a while two consumers may pull one queue.
// Orderly consumers (RebalanceImpl.lock / lockAll / unlock, RebalancePushImpl's unlockDelay): a
// queue is added only after LOCK_BATCH_MQ for it succeeds (its new ProcessQueue starts locked);
// lockAll renews the locks of every held queue, per broker, and marks the rest unlocked; a
// removed queue waits up to 1 s for its consume lock, then is unlocked at the broker at once, or
// after 20 s when messages are still cached; if the listener holds the lock longer, the broker
// lock is left to expire (60 s).
// Simplifications: the lookups are asynchronous callbacks, not blocking calls; a rebalance asked
// for while one runs is run once when it ends; a removed orderly queue leaves the table at once
// even when its consume lock is busy (Java keeps it until a later rebalance); no broadcasting, no
// messageQueueChanged (Java bumps the subscription's version and sends a heartbeat there; the
// flow-control thresholds per topic are not used here).
import type { Env } from '../env.ts';
import { request } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import {
  sortClientIds,
  sortMessageQueues,
  type AllocateMessageQueueStrategy,
} from './allocate-message-queue.ts';
import { describeError } from './exceptions.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import { onInvokeResult } from './response-future.ts';
import { ProcessQueue } from './process-queue.ts';
import type { OffsetStore } from './offset-store.ts';
import { queryQueueOffset } from './mq-admin-impl.ts';
import { type SubscriptionData } from '../protocol/heartbeat-data.ts';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/mix-all.ts';

export type ConsumeFromWhere =
  'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

/** Timeout of the rebalance's own requests (consumer list, max offset, search by time). */
export const REBALANCE_REQUEST_TIMEOUT = 3_000;
/** Timeout of LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (ms). */
export const LOCK_TIMEOUT = 1_000;
/** RebalancePushImpl: a removed orderly queue with cached messages is unlocked this much later. */
export const UNLOCK_DELAY_TIME_MILLS = 20_000;
/** How long a removal waits for the consume lock (ProcessQueue.consumeLock.tryLock(1000)). */
export const CONSUME_LOCK_WAIT = 1_000;

export interface PullRequest {
  readonly consumerGroup: string;
  readonly messageQueue: MessageQueue;
  readonly processQueue: ProcessQueue;
  nextOffset: number;
}

/** What rebalance needs of its push consumer. */
export interface RebalanceHost {
  readonly env: Env;
  readonly consumerGroup: string;
  readonly factory: MQClientInstance;
  readonly offsetStore: OffsetStore;
  /** BROADCASTING: every consumer takes every queue, with no consumer list from the broker. */
  broadcasting(): boolean;
  consumeFromWhere(): ConsumeFromWhere;
  /** CONSUME_FROM_TIMESTAMP's time (ms). */
  consumeTimestamp(): number;
  allocateStrategy(): AllocateMessageQueueStrategy;
  isRunning(): boolean;
  /** Orderly (MessageListenerOrderly): broker locks gate which queues are pulled. */
  consumeOrderly(): boolean;
  dispatchPullRequest(pullRequests: PullRequest[]): void;
}

export class RebalancePushImpl {
  readonly subscriptionInner = new Map<string, SubscriptionData>();
  readonly topicSubscribeInfoTable = new Map<string, MessageQueue[]>();
  readonly processQueueTable = new Map<string, { mq: MessageQueue; pq: ProcessQueue }>();
  /** The latest allocation per topic (keys), which a late start-offset answer is checked against. */
  private readonly allocated = new Map<string, Set<string>>();
  /** Queues whose start offset is being looked up. */
  private readonly adding = new Set<string>();
  private running = false;
  private again = false;

  constructor(private readonly host: RebalanceHost) {}

  /** Runs a rebalance now, or once more after the one running ends. */
  doRebalance(): void {
    if (this.running) return void (this.again = true);
    this.running = true;
    const topics = [...this.subscriptionInner.keys()].sort();
    let left = topics.length;
    const finish = () => {
      this.truncateMessageQueueNotMyTopic();
      this.running = false;
      if (this.again && this.host.isRunning()) {
        this.again = false;
        this.doRebalance();
      }
    };
    if (left === 0) return finish();
    for (const topic of topics) this.rebalanceByTopic(topic, () => --left === 0 && finish());
  }

  /** The subscriptions as a heartbeat's ConsumerData carries them. */
  subscriptionDataSet(): SubscriptionData[] {
    return [...this.subscriptionInner.values()].map((s) => ({
      ...s,
      tagsSet: [...s.tagsSet],
      codeSet: [...s.codeSet],
    }));
  }

  /** A subscribed topic whose queues are not known yet. */
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.subscriptionInner.has(topic) && !this.topicSubscribeInfoTable.has(topic);
  }

  /** A new route's read queues, for a subscribed topic. */
  updateTopicSubscribeInfo(topic: string, queues: MessageQueue[]): void {
    if (this.subscriptionInner.has(topic)) this.topicSubscribeInfoTable.set(topic, queues);
  }

  /** Drops every queue (shutdown). */
  destroy(): void {
    for (const { pq } of this.processQueueTable.values()) pq.dropped = true;
    this.processQueueTable.clear();
  }

  /** Forgets a queue after the broker moved its offset (the next rebalance adds it again). */
  removeProcessQueue(mq: MessageQueue): void {
    const entry = this.processQueueTable.get(mq.key);
    if (entry === undefined) return;
    this.processQueueTable.delete(mq.key);
    entry.pq.dropped = true;
    this.removeUnnecessaryMessageQueue(mq, entry.pq);
  }

  private rebalanceByTopic(topic: string, done: () => void): void {
    const { env, consumerGroup } = this.host;
    const mqSet = this.topicSubscribeInfoTable.get(topic);
    if (mqSet === undefined) {
      if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX))
        env.trace('consumer.rebalance-no-route', { group: consumerGroup, topic });
      return done();
    }
    if (this.host.broadcasting()) {
      const all = sortMessageQueues(mqSet);
      this.allocated.set(topic, new Set(all.map((mq) => mq.key)));
      return this.updateProcessQueueTableInRebalance(topic, all, done);
    }
    this.findConsumerIdList(topic, (cidAll) => {
      if (cidAll === undefined || !this.host.isRunning()) return done();
      const mqAll = sortMessageQueues(mqSet);
      const cids = sortClientIds(cidAll);
      const clientId = this.host.factory.clientId;
      const mine = this.host.allocateStrategy().allocate(consumerGroup, clientId, mqAll, cids);
      this.allocated.set(topic, new Set(mine.map((mq) => mq.key)));
      env.trace('consumer.rebalance', {
        group: consumerGroup,
        clientId,
        topic,
        cids,
        allocated: mine.map((mq) => `${mq.brokerName}:${mq.queueId}`),
      });
      this.updateProcessQueueTableInRebalance(topic, mine, done);
    });
  }

  private updateProcessQueueTableInRebalance(
    topic: string,
    mqs: readonly MessageQueue[],
    done: () => void,
  ): void {
    const { env, consumerGroup } = this.host;
    // In place, with no copy or Set: a Map's iteration goes on past the entry it deletes. Over
    // the values (each keyed by its queue's key): no [key, value] pair made an entry.
    for (const { mq, pq } of this.processQueueTable.values()) {
      const key = mq.key;
      if (mq.topic !== topic) continue;
      const expired = pq.isPullExpired(env.now());
      if (!expired && hasQueue(mqs, key)) continue;
      pq.dropped = true;
      this.removeUnnecessaryMessageQueue(mq, pq);
      this.processQueueTable.delete(key);
      if (expired) env.probe('client.rebalance-pull-expired');
      else env.probe('client.rebalance-queue-removed');
      env.trace('consumer.queue-removed', {
        group: consumerGroup,
        clientId: this.host.factory.clientId,
        mq: key,
        reason: expired ? 'pull-expired' : 'rebalance',
      });
    }
    let toAdd: MessageQueue[] | undefined;
    for (const mq of mqs)
      if (!this.processQueueTable.has(mq.key) && !this.adding.has(mq.key)) (toAdd ??= []).push(mq);
    // A rebalance that changes nothing (nearly all of them) makes no list or closure.
    if (toAdd === undefined) return done();
    this.addQueues(topic, toAdd, done);
  }

  /** The queues newly allocated: locked first when orderly, then each gets its PullRequest. */
  private addQueues(topic: string, toAdd: readonly MessageQueue[], done: () => void): void {
    const { env, consumerGroup } = this.host;
    let left = toAdd.length;
    const pullRequests: PullRequest[] = [];
    const finishOne = () => {
      if (--left === 0) {
        if (pullRequests.length > 0) this.host.dispatchPullRequest(pullRequests);
        done();
      }
    };
    for (const mq of toAdd) {
      this.adding.add(mq.key);
      const add = () => this.addQueue(topic, mq, pullRequests, finishOne);
      if (!this.host.consumeOrderly()) {
        add();
        continue;
      }
      this.lock(mq, (ok) => {
        if (ok) return add();
        this.adding.delete(mq.key);
        env.probe('client.orderly-lock-failed');
        env.trace('consumer.queue-lock-failed', {
          group: consumerGroup,
          clientId: this.host.factory.clientId,
          mq: mq.key,
        });
        finishOne();
      });
    }
  }

  /** removeDirtyOffset, computePullFromWhere, then a new ProcessQueue and PullRequest. */
  private addQueue(
    topic: string,
    mq: MessageQueue,
    pullRequests: PullRequest[],
    finishOne: () => void,
  ): void {
    const { env, offsetStore, consumerGroup } = this.host;
    {
      offsetStore.removeOffset(mq); // removeDirtyOffset
      this.computePullFromWhere(mq, (nextOffset) => {
        this.adding.delete(mq.key);
        const stillMine = this.allocated.get(topic)?.has(mq.key) ?? false;
        if (nextOffset >= 0 && stillMine && this.host.isRunning() && !this.processQueueTable.has(mq.key)) {
          const pq = new ProcessQueue(env.now());
          pq.locked = this.host.consumeOrderly();
          this.processQueueTable.set(mq.key, { mq, pq });
          pullRequests.push({ consumerGroup, messageQueue: mq, processQueue: pq, nextOffset });
          env.trace('consumer.queue-added', {
            group: consumerGroup,
            clientId: this.host.factory.clientId,
            mq: mq.key,
            nextOffset,
          });
        } else if (nextOffset < 0) {
          env.trace('consumer.queue-add-failed', { group: consumerGroup, mq: mq.key });
        }
        finishOne();
      });
    }
  }

  /**
   * RebalancePushImpl.removeUnnecessaryMessageQueue: persist the offset, then forget it; orderly,
   * once the consume lock is free (waiting up to 1 s), unlock at the broker (unlockDelay).
   */
  removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): void {
    this.host.offsetStore.persist(mq);
    this.host.offsetStore.removeOffset(mq);
    if (!this.host.consumeOrderly()) return;
    const { env } = this.host;
    const unlockDelay = () => {
      if (pq.hasTempMessage()) env.setTimer(UNLOCK_DELAY_TIME_MILLS, () => this.unlock(mq));
      else this.unlock(mq);
    };
    if (!pq.isConsumeLocked) return unlockDelay();
    env.probe('client.orderly-unlock-waits');
    let settled = false;
    const timer = env.setTimer(CONSUME_LOCK_WAIT, () => {
      if (settled) return;
      settled = true;
      pq.tryUnlockTimes++;
      env.trace('consumer.unlock-skipped', {
        group: this.host.consumerGroup,
        mq: mq.key,
        reason: 'consuming',
      });
    });
    pq.whenConsumeLockReleased(() => {
      if (settled) return;
      settled = true;
      env.cancelTimer(timer);
      unlockDelay();
    });
  }

  // ---- orderly: broker locks (RebalanceImpl.lock / lockAll / unlock / unlockAll) ----

  /** LOCK_BATCH_MQ for one queue; `done(true)` when this client now holds it. */
  lock(mq: MessageQueue, done: (ok: boolean) => void): void {
    this.lockBatch(mq.brokerName, [mq], (lockedKeys) => done(lockedKeys?.has(mq.key) ?? false));
  }

  /** Renews the locks of every queue held, per broker; queues not granted become unlocked. */
  lockAll(): void {
    for (const [brokerName, mqs] of this.queuesByBroker()) {
      this.lockBatch(brokerName, mqs, (lockedKeys) => {
        if (lockedKeys === undefined) return;
        for (const mq of mqs) {
          const pq = this.processQueueTable.get(mq.key)?.pq;
          if (pq !== undefined && !lockedKeys.has(mq.key)) pq.locked = false;
        }
      });
    }
  }

  /** UNLOCK_BATCH_MQ for one queue (one-way, as Java's unlock(mq, oneway = true)). */
  unlock(mq: MessageQueue): void {
    this.unlockBatch(mq.brokerName, [mq]);
  }

  /** Unlocks every queue held (shutdown). */
  unlockAll(): void {
    for (const [brokerName, mqs] of this.queuesByBroker()) this.unlockBatch(brokerName, mqs);
  }

  private queuesByBroker(): Map<string, MessageQueue[]> {
    const byBroker = new Map<string, MessageQueue[]>();
    for (const { mq } of this.processQueueTable.values()) {
      byBroker.set(mq.brokerName, [...(byBroker.get(mq.brokerName) ?? []), mq]);
    }
    return byBroker;
  }

  private lockBody(mqs: readonly MessageQueue[]) {
    return {
      consumerGroup: this.host.consumerGroup,
      clientId: this.host.factory.clientId,
      mqSet: mqs.map((mq) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId })),
    };
  }

  /** The queues granted (keys), marking their ProcessQueues locked now; undefined on failure. */
  private lockBatch(
    brokerName: string,
    mqs: readonly MessageQueue[],
    done: (lockedKeys: Set<string> | undefined) => void,
  ): void {
    const { factory, env, consumerGroup } = this.host;
    const addr = factory.findBrokerAddressInSubscribe(brokerName, MASTER_ID, true)?.brokerAddr;
    if (addr === undefined) return done(undefined);
    const command = request(RequestCode.LOCK_BATCH_MQ, {}, this.lockBody(mqs));
    factory.invoke(
      addr,
      command,
      LOCK_TIMEOUT,
      onInvokeResult((result) => {
        if (!result.ok || result.response.code !== ResponseCode.SUCCESS) {
          env.trace('consumer.lock-failed', { group: consumerGroup, brokerName });
          return done(undefined);
        }
        const body = result.response.body as {
          lockOKMQSet?: { topic: string; brokerName: string; queueId: number }[];
        };
        const keys = new Set((body?.lockOKMQSet ?? []).map((m) => `${m.topic}@${m.brokerName}@${m.queueId}`));
        const now = env.now();
        for (const key of keys) {
          const pq = this.processQueueTable.get(key)?.pq;
          if (pq !== undefined) {
            pq.locked = true;
            pq.lastLockTimestamp = now;
          }
        }
        done(keys);
      }),
    );
  }

  private unlockBatch(brokerName: string, mqs: readonly MessageQueue[]): void {
    const { factory, env, consumerGroup } = this.host;
    const addr = factory.findBrokerAddressInSubscribe(brokerName, MASTER_ID, true)?.brokerAddr;
    if (addr === undefined) return;
    factory.invokeOneway(addr, request(RequestCode.UNLOCK_BATCH_MQ, {}, this.lockBody(mqs)));
    env.trace('consumer.unlock', {
      group: consumerGroup,
      clientId: factory.clientId,
      mqs: mqs.map((m) => m.key),
    });
  }

  private truncateMessageQueueNotMyTopic(): void {
    for (const [key, { mq, pq }] of this.processQueueTable) {
      if (this.subscriptionInner.has(mq.topic)) continue;
      pq.dropped = true;
      this.processQueueTable.delete(key);
    }
  }

  /** RebalancePushImpl.computePullFromWhere: the start offset, or -1 when none can be had now. */
  computePullFromWhere(mq: MessageQueue, done: (offset: number) => void): void {
    const { offsetStore } = this.host;
    const isRetry = mq.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
    offsetStore.readOffset(mq, 'READ_FROM_STORE', (lastOffset) => {
      if (lastOffset >= 0) return done(lastOffset);
      if (lastOffset !== -1) return done(-1);
      switch (this.host.consumeFromWhere()) {
        case 'CONSUME_FROM_LAST_OFFSET':
          return isRetry
            ? done(0)
            : queryQueueOffset(this.host.factory, mq, RequestCode.GET_MAX_OFFSET, {}, done);
        case 'CONSUME_FROM_FIRST_OFFSET':
          return done(0);
        case 'CONSUME_FROM_TIMESTAMP':
          if (isRetry) return queryQueueOffset(this.host.factory, mq, RequestCode.GET_MAX_OFFSET, {}, done);
          return queryQueueOffset(
            this.host.factory,
            mq,
            RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
            { timestamp: this.host.consumeTimestamp() },
            done,
          );
      }
    });
  }

  /** MQClientInstance.findConsumerIdList: the group's client ids from a broker of the topic. */
  private findConsumerIdList(topic: string, done: (cids: string[] | undefined) => void): void {
    const { factory, env, consumerGroup } = this.host;
    const failed = (why: { error: string } | { code: string }) => {
      env.probe('client.cid-list-failed');
      env.trace('consumer.cid-list-failed', { group: consumerGroup, ...why });
      done(undefined);
    };
    const ask = (addr: string | undefined) => {
      if (addr === undefined) return done(undefined);
      const command = request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup });
      factory.invoke(
        addr,
        command,
        REBALANCE_REQUEST_TIMEOUT,
        onInvokeResult((result) => {
          if (!result.ok) return failed({ error: describeError(result.error) });
          const { code, body } = result.response;
          if (code !== ResponseCode.SUCCESS) return failed({ code: responseCodeName(code) });
          const list = (body as { consumerIdList?: unknown } | undefined)?.consumerIdList;
          done(Array.isArray(list) ? list.map(String) : undefined);
        }),
      );
    };
    const addr = factory.findBrokerAddrByTopic(topic);
    if (addr !== undefined) return ask(addr);
    factory.updateTopicRouteInfoFromNameServer(topic, () => ask(factory.findBrokerAddrByTopic(topic)));
  }
}

/** Whether `mqs` (a consumer's few queues of a topic) holds the queue of `key`. */
function hasQueue(mqs: readonly MessageQueue[], key: string): boolean {
  for (const mq of mqs) if (mq.key === key) return true;
  return false;
}
