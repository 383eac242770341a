// ReputMessageService: reads the CommitLog after the last dispatched offset and hands each valid
// record to the dispatchers (ConsumeQueue entry, index keys), then tells long-polling pulls that
// messages arrived. A message is visible to consumers only once dispatched, so the lag is real.
// Reading follows RocketMQ: no CRC check; a blank rolls to the next file; a record whose lengths
// disagree is skipped; an unreadable record stops the read, and a master skips the rest of what
// it read (as 4.x does) while a slave waits for more bytes. A dispatcher that cannot take a record
// now (a ConsumeQueue whose next file the disk cannot hold) stops the dispatch at that record,
// which is tried again 1 s later (4.9's dispatch thread sleeps 1 s between tries) and meanwhile
// nothing else is dispatched.
// Simplification: instead of polling every 1 ms, a put schedules the dispatch reputDelayMs later.
import type { Env } from '../env.ts';
import { DispatchRequest, readDispatchRequest, type DispatchCheckOptions } from './commit-log-record.ts';
import type { CommitLog } from './commit-log.ts';
import { parseDelayLevels, type MessageStoreConfig } from './message-store-config.ts';

export type Dispatcher = (request: DispatchRequest) => void;
/** Dispatches a record to a ConsumeQueue or the index; false: not now, try the record again later. */
export type StoreDispatcher = (request: DispatchRequest) => boolean;

/** How long dispatch waits before trying a record a dispatcher could not take (Thread.sleep(1000)). */
export const DISPATCH_RETRY_MS = 1_000;

/**
 * ScheduleMessageService.computeDeliverTimestamp: a delayed message's ConsumeQueue entry carries
 * its delivery time as tagsCode. Reput and recovery must compute it alike, or a rebuilt queue
 * would differ from the one built as messages arrived.
 */
export function deliverTimestampFor(
  config: MessageStoreConfig,
): (level: number, storeTimestamp: number) => number {
  const delays = parseDelayLevels(config.messageDelayLevel);
  return (level, storeTimestamp) => storeTimestamp + delays[Math.min(level, delays.length) - 1]!;
}

export class ReputMessageService {
  reputFromOffset = 0;
  private scheduled = false;
  /** A dispatcher refused a record: dispatch waits for the retry timer. */
  private blocked = false;
  private readonly options: DispatchCheckOptions;
  /** The record being dispatched, refilled for each: dispatchers use it before the next is read. */
  private readonly request = new DispatchRequest();

  constructor(
    private readonly env: Env,
    private readonly commitLog: CommitLog,
    private readonly config: MessageStoreConfig,
    /** In order: a record goes to the next only once the previous took it. */
    private readonly dispatchers: readonly StoreDispatcher[],
    /** Wakes long-polling pulls (master only). */
    private readonly arriving: Dispatcher,
  ) {
    this.options = { checkCRC: false, deliverTimestamp: deliverTimestampFor(config) };
  }

  /** Bytes written to the CommitLog and not yet dispatched. */
  dispatchBehindBytes(): number {
    return Math.max(0, this.commitLog.maxOffset() - this.reputFromOffset);
  }

  /** Something was appended: dispatch it after the reput delay. */
  notifyAppended(): void {
    if (this.scheduled || this.blocked) return;
    this.scheduled = true;
    this.env.setTimer(this.config.reputDelayMs, () => {
      this.scheduled = false;
      this.doReput();
    });
  }

  /** Dispatches everything readable now; recovery and tests call it directly. */
  doReput(): void {
    if (this.blocked) return;
    if (this.reputFromOffset < this.commitLog.minOffset()) this.reputFromOffset = this.commitLog.minOffset();
    while (this.reputFromOffset < this.commitLog.maxOffset()) {
      const buffer = this.commitLog.getData(this.reputFromOffset);
      if (buffer === undefined || !this.dispatchBuffer(buffer)) return;
    }
  }

  /** Dispatches one file's readable bytes; returns false when reading must stop for now. */
  private dispatchBuffer(buffer: Uint8Array): boolean {
    const isMaster = this.config.brokerRole !== 'SLAVE';
    const request = this.request;
    for (let pos = 0; pos < buffer.length;) {
      const failure = readDispatchRequest(buffer, pos, this.options, request);
      if (failure?.kind === 'end-of-file') {
        this.reputFromOffset = this.commitLog.rollNextFile(this.reputFromOffset);
        return true;
      }
      if (failure !== undefined && failure.size <= 0) {
        this.env.probe('store.reput-unreadable');
        this.env.trace('store.reput-unreadable', { offset: this.reputFromOffset, reason: failure.reason });
        if (isMaster) this.reputFromOffset += buffer.length - pos;
        return isMaster;
      }
      if (failure === undefined) {
        if (!this.dispatch(request)) return this.retryLater();
        if (isMaster) this.arriving(request);
      }
      const size = failure === undefined ? request.storeSize : failure.size;
      pos += size;
      this.reputFromOffset += size;
    }
    return true;
  }

  /** Each dispatcher in turn, while they take the record (a loop: no closure per record). */
  private dispatch(record: DispatchRequest): boolean {
    for (const dispatcher of this.dispatchers) if (!dispatcher(record)) return false;
    return true;
  }

  private retryLater(): false {
    this.blocked = true;
    this.env.setTimer(DISPATCH_RETRY_MS, () => {
      this.blocked = false;
      this.doReput();
    });
    return false;
  }
}
