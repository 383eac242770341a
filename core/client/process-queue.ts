// ProcessQueue: what a consumer has pulled from one queue and not yet finished (RocketMQ 4.9.x's
// ProcessQueue, the parts concurrent consumption uses). Messages are cached by queue offset; the
// offset a consumer may commit is the smallest offset still cached, or one past the largest
// offset ever cached once the cache is empty, so a slow or failed message pins the committed
// offset and everything after it is redelivered after a crash (at-least-once).
// `dropped` is set when rebalance gives the queue away (or the broker says the offset moved):
// pulls stop and consume results for it are discarded.
// Simplifications: no consume lock or orderly-consumption state, no consuming-message snapshot
// for the admin tools, no expired-message cleaning (consumeTimeout).
import type { MessageExt } from '../message/message.ts';

/** RebalanceImpl's pull expiry: a queue not pulled for this long is dropped. */
export const PULL_MAX_IDLE_TIME = 120_000;

export class ProcessQueue {
  private readonly msgTreeMap = new Map<number, MessageExt>();
  private queueOffsetMax = 0;
  private cachedBytes = 0;
  dropped = false;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;

  constructor(now: number) {
    this.lastPullTimestamp = now;
    this.lastConsumeTimestamp = now;
  }

  get msgCount(): number {
    return this.msgTreeMap.size;
  }

  /** Bytes of the cached bodies (pullThresholdSizeForQueue). */
  get msgSize(): number {
    return this.cachedBytes;
  }

  isPullExpired(now: number): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME;
  }

  /** Caches messages not cached yet; true when there is something to consume. */
  putMessage(msgs: readonly MessageExt[]): boolean {
    for (const msg of msgs) {
      if (this.msgTreeMap.has(msg.queueOffset)) continue;
      this.msgTreeMap.set(msg.queueOffset, msg);
      this.cachedBytes += msg.body.length;
      this.queueOffsetMax = Math.max(this.queueOffsetMax, msg.queueOffset);
    }
    return this.msgTreeMap.size > 0;
  }

  /** Largest minus smallest cached offset, 0 when empty (consumeConcurrentlyMaxSpan). */
  getMaxSpan(): number {
    const min = this.minOffset();
    return min === undefined ? 0 : this.maxCachedOffset()! - min;
  }

  /**
   * Forgets finished messages; the offset to commit: the smallest offset still cached, or
   * (largest offset ever cached) + 1 when none is left; -1 if the cache was already empty.
   */
  removeMessage(msgs: readonly MessageExt[]): number {
    if (this.msgTreeMap.size === 0) return -1;
    let result = this.queueOffsetMax + 1;
    for (const msg of msgs) {
      const cached = this.msgTreeMap.get(msg.queueOffset);
      if (cached === undefined) continue;
      this.msgTreeMap.delete(msg.queueOffset);
      this.cachedBytes -= cached.body.length;
    }
    const min = this.minOffset();
    if (min !== undefined) result = min;
    return result;
  }

  /** The cached offsets in order (for tests and traces). */
  cachedOffsets(): number[] {
    return [...this.msgTreeMap.keys()].sort((a, b) => a - b);
  }

  private minOffset(): number | undefined {
    let min: number | undefined;
    for (const k of this.msgTreeMap.keys()) if (min === undefined || k < min) min = k;
    return min;
  }

  private maxCachedOffset(): number | undefined {
    let max: number | undefined;
    for (const k of this.msgTreeMap.keys()) if (max === undefined || k > max) max = k;
    return max;
  }
}
