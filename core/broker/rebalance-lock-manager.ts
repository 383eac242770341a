// RebalanceLockManager: the broker's locks that orderly consumers take on their queues
// (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ). Per consumer group and MessageQueue, a lock is held by one
// clientId with the time it was last taken or renewed. It expires when more than
// REBALANCE_LOCK_MAX_LIVE_TIME (60 s, the -Drocketmq.broker.rebalance.lockMaxLiveTime property)
// has passed: at exactly 60 s it still holds. The holder renews it by locking again; another
// client gets it only once it has expired; an unlock by the holder frees it at once, expired or
// not, and an unlock by anyone else does nothing.
// Time is the broker's wall clock (System.currentTimeMillis), so its jumps matter: a jump forward
// expires every lock at once and lets another client take a queue whose holder still trusts its
// lock; a jump back keeps locks alive longer.
// Simplifications: none in the logic; RocketMQ's two passes in tryLockBatch (renew, then take)
// read the clock separately, which within one handler here is the same instant.
import type { Env } from '../env.ts';

export const REBALANCE_LOCK_MAX_LIVE_TIME = 60_000;

/** A queue of a topic on one broker group (org.apache.rocketmq.common.message.MessageQueue). */
export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

interface LockEntry {
  clientId: string;
  lastUpdateTimestamp: number;
}

const mqKey = (mq: MessageQueue) => JSON.stringify([mq.topic, mq.brokerName, mq.queueId]);

export class RebalanceLockManager {
  /** group → MessageQueue key → lock. */
  private readonly mqLockTable = new Map<string, Map<string, LockEntry>>();

  constructor(
    /** The broker's clock and trace: Env, or a stand-in. */
    private readonly env: Pick<Env, 'now' | 'trace' | 'probe'>,
    readonly lockMaxLiveTime: number = REBALANCE_LOCK_MAX_LIVE_TIME,
  ) {}

  /** Locks or renews each queue for `clientId`; returns the queues it now holds. */
  tryLockBatch(group: string, mqs: Iterable<MessageQueue>, clientId: string): Set<MessageQueue> {
    const locked = new Set<MessageQueue>();
    let table = this.mqLockTable.get(group);
    if (table === undefined) this.mqLockTable.set(group, (table = new Map()));
    const now = this.env.now();
    for (const mq of mqs) {
      const key = mqKey(mq);
      const entry = table.get(key);
      if (entry === undefined) {
        table.set(key, { clientId, lastUpdateTimestamp: now });
        locked.add(mq);
        continue;
      }
      const expired = this.isExpired(entry, now);
      const fields = { group, mq: key, holder: entry.clientId, clientId };
      if (entry.clientId !== clientId && !expired) {
        this.env.probe('broker.lock-refused');
        this.env.trace('broker.lock-refused', fields);
        continue;
      }
      if (expired && entry.clientId !== clientId) this.env.probe('broker.lock-expired-taken');
      if (expired) this.env.trace('broker.lock-expired-taken', fields);
      entry.clientId = clientId;
      entry.lastUpdateTimestamp = now;
      locked.add(mq);
    }
    return locked;
  }

  /** Frees the queues that `clientId` holds (even expired); others' locks stay. */
  unlockBatch(group: string, mqs: Iterable<MessageQueue>, clientId: string): void {
    const table = this.mqLockTable.get(group);
    if (table === undefined) return;
    for (const mq of mqs) {
      const key = mqKey(mq);
      if (table.get(key)?.clientId === clientId) table.delete(key);
    }
  }

  /** Whether `clientId` holds an unexpired lock on `mq`; unlike RocketMQ's isLocked, it renews nothing. */
  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const entry = this.mqLockTable.get(group)?.get(mqKey(mq));
    return entry !== undefined && entry.clientId === clientId && !this.isExpired(entry, this.env.now());
  }

  private isExpired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdateTimestamp > this.lockMaxLiveTime;
  }
}
