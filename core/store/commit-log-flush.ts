// Flushing the CommitLog, the two ways RocketMQ does it.
// - SYNC_FLUSH, GroupCommitService: a put that waits for durability files a request with the
//   offset its record ends at; requests that arrive together share one round (group commit).
//   The round takes them in turn: one whose record is not yet durable gets up to two flushes of
//   one file each (RocketMQ's flush(0)), as its record may lie in the file after the one that
//   is flushing. It answers PUT_OK if flushedWhere then passes its offset, else
//   FLUSH_DISK_TIMEOUT, as it also does when syncFlushTimeout runs out first (the message is
//   stored either way).
// - ASYNC_FLUSH, FlushRealTimeService: every flushIntervalCommitLog, and whenever a put wakes it
//   (flushCommitLogTimed is false by default), flush when at least flushCommitLogLeastPages
//   pages are dirty (or a file is full), and everything every flushCommitLogThoroughInterval.
//   A put answers PUT_OK before its bytes are durable.
// Only a full flush (least pages 0: every group commit, each thorough flush) moves the
// checkpoint's physicMsgTimestamp, to the time of the last record it covered (a group commit:
// the last record of the last file it flushed), as in RocketMQ.
// Simplifications: the group commit runs when woken (RocketMQ's loop also wakes every 10 ms with
// nothing to do); thorough-flush timing reads the node's wall clock, as RocketMQ's does.
import type { Env } from '../env.ts';
import type { CommitLog } from './commit-log.ts';
import { OS_PAGE_SIZE, type MessageStoreConfig } from './message-store-config.ts';

export type FlushStatus = 'PUT_OK' | 'FLUSH_DISK_TIMEOUT';

/** What both services are (RocketMQ's abstract FlushCommitLogService): a flusher of one CommitLog. */
abstract class FlushCommitLogService {
  protected woken = false;

  constructor(
    protected readonly env: Env,
    protected readonly commitLog: CommitLog,
    protected readonly config: MessageStoreConfig,
    protected readonly onFlushed: (storeTimestamp: number) => void,
  ) {}

  /** Flushes the CommitLog and reports the store time of the last record the flush covered. */
  protected flushCommitLog(flushed: (storeTimestamp: number) => void): void {
    const stamp = this.commitLog.lastStoreTimestamp;
    this.commitLog.queue.flush(() => flushed(stamp));
  }
}

interface GroupCommitRequest {
  readonly nextOffset: number;
  readonly done: (status: FlushStatus) => void;
  timer: number;
  settled: boolean;
}

export class GroupCommitService extends FlushCommitLogService {
  private waiting: GroupCommitRequest[] = [];

  /** Waits until the CommitLog is durable up to `nextOffset`. */
  putRequest(nextOffset: number, done: (status: FlushStatus) => void): void {
    const request: GroupCommitRequest = { nextOffset, done, settled: false, timer: 0 };
    request.timer = this.env.setTimer(this.config.syncFlushTimeout, () =>
      this.settle(request, 'FLUSH_DISK_TIMEOUT'),
    );
    this.waiting.push(request);
    this.wakeup();
  }

  /** A put with WAIT=false still nudges the flush along. */
  wakeup(): void {
    if (this.woken || this.commitLog.queue.flushing) return;
    this.woken = true;
    this.env.setTimer(0, this.doCommit);
  }

  /** A field, so a wakeup makes no closure. */
  private readonly doCommit = (): void => {
    this.woken = false;
    const batch = this.waiting;
    this.waiting = [];
    // Woken with nothing waiting (a put with WAIT=false): one flush, as RocketMQ's empty round.
    if (batch.length === 0) this.flushFile((stamp) => this.committed(batch, stamp));
    else this.commitFrom(batch, 0, 0, 0);
  };

  /**
   * RocketMQ's doCommit: the requests in turn, each judged by whether its record is durable, after
   * at most two flushes of one file each when it is not (its record may lie in the next file).
   */
  private commitFrom(batch: GroupCommitRequest[], index: number, flushes: number, stamp: number): void {
    const request = batch[index];
    if (request === undefined) return this.committed(batch, stamp);
    const flushOK = this.commitLog.queue.flushedWhere >= request.nextOffset;
    if (!flushOK && flushes < 2) {
      this.flushFile((flushed) => this.commitFrom(batch, index, flushes + 1, flushed));
      return;
    }
    this.settle(request, flushOK ? 'PUT_OK' : 'FLUSH_DISK_TIMEOUT');
    this.commitFrom(batch, index + 1, 0, stamp);
  }

  /** The round is over: the checkpoint takes the store time of the last file flushed. */
  private committed(batch: readonly GroupCommitRequest[], stamp: number): void {
    this.onFlushed(stamp);
    if (batch.length > 1) this.env.probe('store.group-commit-shared');
    if (this.waiting.length > 0) this.wakeup();
  }

  /** RocketMQ's flush(0): the file holding flushedWhere, with its last record's store time read before. */
  private flushFile(flushed: (storeTimestamp: number) => void): void {
    const queue = this.commitLog.queue;
    const stamp = queue.findByOffset(queue.flushedWhere)?.storeTimestamp ?? 0;
    queue.flushOne(() => flushed(stamp));
  }

  private settle(request: GroupCommitRequest, status: FlushStatus): void {
    if (request.settled) return;
    request.settled = true;
    if (status === 'FLUSH_DISK_TIMEOUT') this.env.probe('store.group-commit-flush-timeout');
    this.env.cancelTimer(request.timer);
    request.done(status);
  }
}

export class FlushRealTimeService extends FlushCommitLogService {
  private lastThoroughFlush: number;

  constructor(
    env: Env,
    commitLog: CommitLog,
    config: MessageStoreConfig,
    onFlushed: (storeTimestamp: number) => void,
  ) {
    super(env, commitLog, config, onFlushed);
    this.lastThoroughFlush = env.now();
  }

  start(): void {
    this.env.setTimer(this.config.flushIntervalCommitLog, this.tick);
  }

  /** A put happened: check the dirty pages now rather than at the end of the interval. */
  wakeup(): void {
    if (this.woken) return;
    this.woken = true;
    this.env.setTimer(0, this.woke);
  }

  // The timers' callbacks are fields, made once: a put's wakeup makes no closure.
  private readonly tick = (): void => {
    this.check();
    this.start();
  };

  private readonly woke = (): void => {
    this.woken = false;
    this.check();
  };

  private check(): void {
    let leastPages = this.config.flushCommitLogLeastPages;
    const now = this.env.now();
    if (now >= this.lastThoroughFlush + this.config.flushCommitLogThoroughInterval) {
      this.lastThoroughFlush = now;
      leastPages = 0;
    }
    if (!this.commitLog.queue.flushing && this.ableToFlush(leastPages)) {
      this.flushCommitLog(leastPages === 0 ? this.onFlushed : () => {});
    }
  }

  /** RocketMQ's isAbleToFlush, counted over the whole log: whole pages dirty, or a full file. */
  private ableToFlush(leastPages: number): boolean {
    const queue = this.commitLog.queue;
    if (queue.dirtyBytes() === 0) return false;
    if (leastPages === 0) return true;
    const pages =
      Math.floor(queue.maxOffset() / OS_PAGE_SIZE) - Math.floor(queue.flushedWhere / OS_PAGE_SIZE);
    const fullDirty = queue.files.some((f) => f.isFull() && f.flushedPosition < f.wrotePosition);
    return pages >= leastPages || fullDirty;
  }
}
