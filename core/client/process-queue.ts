// ProcessQueue: what a consumer has pulled from one queue and not yet finished (RocketMQ 4.9.x's
// ProcessQueue, the parts concurrent consumption uses). Messages are cached by queue offset; the
// offset a consumer may commit is the smallest offset still cached, or one past the largest
// offset ever cached once the cache is empty, so a slow or failed message pins the committed
// offset and everything after it is redelivered after a crash (at-least-once).
// `dropped` is set when rebalance gives the queue away (or the broker says the offset moved):
// pulls stop and consume results for it are discarded.
// Orderly consumption (ConsumeMessageOrderlyService) adds: `locked` and `lastLockTimestamp` (the
// broker lock as last seen; trusted for 30 s), `consuming` (a consume request is under way, so a
// pull does not dispatch another), takeMessages / commit / makeMessageToConsumeAgain over a
// second map of the messages being consumed, and the consume lock, held while a batch is in the
// listener, which rebalance waits for (up to 1 s) before unlocking a removed queue at the broker.
// Concurrent consumption's consume timeout (cleanExpiredMsg) reads the first cached message's
// CONSUME_START_TIME (expiredHead) and drops it once it was sent back (removeIfFirst); the loop and
// the send-back are the consume service's (consume-message-concurrently-service.ts).
// Simplifications: the consume lock is a flag with release callbacks, not a ReentrantLock; no
// consuming-message snapshot for the admin tools.
import { MessageConst, type MessageExt } from '../message/message.ts';
import { MessageTreeMap } from './message-tree-map.ts';

/** RebalanceImpl's pull expiry: a queue not pulled for this long is dropped. */
export const PULL_MAX_IDLE_TIME = 120_000;
/** How long a client trusts its last broker lock of a queue (rocketmq.client.rebalance.lockMaxLiveTime). */
export const REBALANCE_LOCK_MAX_LIVE_TIME = 30_000;

export class ProcessQueue {
  private readonly msgTreeMap = new MessageTreeMap();
  private queueOffsetMax = 0;
  private cachedBytes = 0;
  private readonly consumingMsgOrderlyTreeMap = new Map<number, MessageExt>();
  private consumeLockHeld = false;
  private consumeLockWaiters: (() => void)[] = [];
  dropped = false;
  /** Orderly: the broker lock of this queue as last seen, and when. */
  locked = false;
  lastLockTimestamp: number;
  /** A consume request runs or is queued for this queue (orderly). */
  consuming = false;
  /** Removals that could not take the consume lock (a hung listener). */
  tryUnlockTimes = 0;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;

  constructor(now: number) {
    this.lastPullTimestamp = now;
    this.lastConsumeTimestamp = now;
    this.lastLockTimestamp = now;
  }

  /** Cached messages, those being consumed orderly included. */
  get msgCount(): number {
    return this.msgTreeMap.size + this.consumingMsgOrderlyTreeMap.size;
  }

  /** Bytes of the cached bodies (pullThresholdSizeForQueue). */
  get msgSize(): number {
    return this.cachedBytes;
  }

  isPullExpired(now: number): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME;
  }

  isLockExpired(now: number): boolean {
    return now - this.lastLockTimestamp > REBALANCE_LOCK_MAX_LIVE_TIME;
  }

  /**
   * Caches messages not cached yet; true (dispatchToConsume) when there is something to consume
   * and no consume request is under way, which `consuming` then records.
   */
  putMessage(msgs: readonly MessageExt[]): boolean {
    for (const msg of msgs) {
      if (this.msgTreeMap.has(msg.queueOffset)) continue;
      this.msgTreeMap.set(msg.queueOffset, msg);
      this.cachedBytes += msg.body.length;
      this.queueOffsetMax = Math.max(this.queueOffsetMax, msg.queueOffset);
    }
    if (this.msgTreeMap.size > 0 && !this.consuming) {
      this.consuming = true;
      return true;
    }
    return false;
  }

  /** True when messages are cached and not yet taken for consumption (hasTempMessage). */
  hasTempMessage(): boolean {
    return this.msgTreeMap.size > 0;
  }

  /** Orderly: the `n` smallest cached offsets move to the consuming map; none left: not consuming. */
  takeMessages(n: number): MessageExt[] {
    const taken: MessageExt[] = [];
    for (
      let o = this.msgTreeMap.firstKey();
      o !== undefined && taken.length < n;
      o = this.msgTreeMap.firstKey()
    ) {
      const msg = this.msgTreeMap.get(o)!;
      this.msgTreeMap.delete(o);
      this.consumingMsgOrderlyTreeMap.set(o, msg);
      taken.push(msg);
    }
    if (taken.length === 0) this.consuming = false;
    return taken;
  }

  /** Orderly: the consumed messages are done; the offset to commit (largest + 1), or -1. */
  commit(): number {
    let max = -1;
    for (const [o, msg] of this.consumingMsgOrderlyTreeMap) {
      max = Math.max(max, o);
      this.cachedBytes -= msg.body.length;
    }
    this.consumingMsgOrderlyTreeMap.clear();
    return max < 0 ? -1 : max + 1;
  }

  /** Orderly: messages being consumed go back to the cache, to be taken again. */
  makeMessageToConsumeAgain(msgs: readonly MessageExt[]): void {
    for (const msg of msgs) {
      this.consumingMsgOrderlyTreeMap.delete(msg.queueOffset);
      this.msgTreeMap.set(msg.queueOffset, msg);
    }
  }

  /** Forgets everything cached (reset offset). */
  clear(): void {
    this.msgTreeMap.clear();
    this.consumingMsgOrderlyTreeMap.clear();
    this.cachedBytes = 0;
    this.queueOffsetMax = 0;
  }

  get isConsumeLocked(): boolean {
    return this.consumeLockHeld;
  }

  /** Takes the consume lock; false when it is held. */
  tryConsumeLock(): boolean {
    if (this.consumeLockHeld) return false;
    this.consumeLockHeld = true;
    return true;
  }

  /** Releases the consume lock and wakes who waits for it. */
  releaseConsumeLock(): void {
    this.consumeLockHeld = false;
    const waiters = this.consumeLockWaiters;
    this.consumeLockWaiters = [];
    for (const w of waiters) w();
  }

  /** Calls `onRelease` when the consume lock is released next. */
  whenConsumeLockReleased(onRelease: () => void): void {
    this.consumeLockWaiters.push(onRelease);
  }

  /** Largest minus smallest cached offset, 0 when empty (consumeConcurrentlyMaxSpan). */
  getMaxSpan(): number {
    const min = this.msgTreeMap.firstKey();
    return min === undefined ? 0 : this.msgTreeMap.lastKey()! - min;
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
    const min = this.msgTreeMap.firstKey();
    if (min !== undefined) result = min;
    return result;
  }

  /**
   * cleanExpiredMsg's test: the first cached message (the smallest offset) if its consumption
   * started (CONSUME_START_TIME) more than `timeoutMs` before `now`; undefined otherwise.
   */
  expiredHead(now: number, timeoutMs: number): MessageExt | undefined {
    const first = this.msgTreeMap.firstKey();
    const msg = first === undefined ? undefined : this.msgTreeMap.get(first)!;
    const started = msg?.getProperty(MessageConst.CONSUME_START_TIME);
    if (started === undefined || started === '') return undefined;
    return now - Number(started) > timeoutMs ? msg : undefined;
  }

  /** cleanExpiredMsg's removal of a message sent back: only while it is still the first cached. */
  removeIfFirst(msg: MessageExt): void {
    if (this.msgTreeMap.firstKey() === msg.queueOffset) this.removeMessage([msg]);
  }

  /** The cached offsets in order (for tests and traces). */
  cachedOffsets(): number[] {
    return this.msgTreeMap.keys();
  }
}
