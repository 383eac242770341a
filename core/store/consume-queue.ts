// A ConsumeQueue (CQ) for one (topic, queueId): 20-byte entries (commitLogOffset, size, tagsCode)
// appended to a MappedFileQueue under <root>/consumequeue/<topic>/<queueId>, entry n at byte n*20,
// so that a consumer's queue offset leads to a CommitLog record. Dispatch (reput) appends,
// recovery scans and truncates, the clean-up service moves the minimum.
// Behaviours kept from RocketMQ (4.9 and 5.x agree unless said):
// - an entry ending at or below maxPhysicOffset was dispatched already and is skipped, and so is
//   one whose position is behind the write position: re-dispatch is idempotent;
// - a gap (cqOffset past the write position) is not filled: the entry goes to the write position
//   anyway, where RocketMQ logs "[BUG]logic queue order maybe wrong" (result 'misplaced');
// - the first entry of a queue without files, at cqOffset > 0, pre-fills its file with blank
//   entries (fillPreBlank) and moves the minimum offset there. Blanks are valid entries to
//   recovery, so truncating back onto them leaves maxPhysicOffset at 2^31-1, as in RocketMQ;
// - getOffsetInQueueByTime is 5.x's LOWER-boundary search (4.9 returned the nearest entry).
// Simplifications: no ConsumeQueueExt; a file's blocks are reserved when it is created but its
// size grows as written, and a segment's unwritten part below its write position reads as zeros,
// as a preallocated one does. Recovery takes the files
// before the third-last as full, as RocketMQ does: one that lost its tail (only if more than
// three files were unflushed at a power loss) leaves zero entries in the queue. A time search
// picks its file by the store time of each file's last entry (5.x), never by file mtime;
// correctMinOffset scans the first file only (4.9).
import { newDiskSpan, type Disk, type DiskSpan } from '../env.ts';
import { readInt32, readInt64 } from '../message/bytes.ts';
import {
  BLANK_CQ_ENTRY,
  CqEntryBuffer,
  CQ_STORE_UNIT_SIZE as UNIT,
  decodeCqEntry,
  isValidCqEntry,
  writeCqEntry,
  type CqEntry,
} from './consume-queue-entry.ts';
import type { MappedFile } from './mapped-file.ts';
import { MappedFileQueue } from './mapped-file-queue.ts';

/** The entry a put writes (RocketMQ's byteBufferIndex): one for all queues, as Disk.write copies it. */
const entryBytes = new Uint8Array(UNIT);

/** What putMessagePositionInfo did with an entry. */
export type PutPositionResult =
  /** Appended at cqOffset. */
  | 'put'
  /** Skipped: it ends at or below maxPhysicOffset ("Maybe try to build consume queue repeatedly"). */
  | 'already-dispatched'
  /** Skipped: cqOffset is behind the write position ("Build consume queue repeatedly"). */
  | 'already-there'
  /** Appended at the write position, which is not cqOffset ("[BUG]logic queue order maybe wrong"). */
  | 'misplaced'
  /** Not appended: the disk had no room for the queue's next file (putMessagePositionInfo's false). */
  | 'no-file';

/** The store timestamp of the CommitLog record at (offset, size); undefined if it cannot be read. */
export type StoreTimeLookup = (commitLogOffset: number, size: number) => number | undefined;

export interface ConsumeQueueOptions {
  disk: Disk;
  /** storePathRootDir. */
  rootDir: string;
  topic: string;
  queueId: number;
  /** Bytes per file (mappedFileSizeConsumeQueue), a multiple of 20. */
  mappedFileSize: number;
}

export function consumeQueueDir(rootDir: string, topic: string, queueId: number): string {
  return `${rootDir}/consumequeue/${topic}/${queueId}`;
}

export class ConsumeQueue {
  readonly topic: string;
  readonly queueId: number;
  private readonly queue: MappedFileQueue;
  private maxPhysic = -1;
  /** A byte position, as RocketMQ's minLogicOffset. */
  private minLogic = 0;
  /** Where viewAt finds entries in place. */
  private readonly span = newDiskSpan();

  constructor(options: ConsumeQueueOptions) {
    const { disk, rootDir, topic, queueId, mappedFileSize } = options;
    if (mappedFileSize % UNIT !== 0) {
      throw new RangeError(`a ConsumeQueue file holds whole 20-byte entries, got ${mappedFileSize} bytes`);
    }
    this.topic = topic;
    this.queueId = queueId;
    this.queue = new MappedFileQueue(disk, consumeQueueDir(rootDir, topic, queueId), mappedFileSize);
  }

  /** The end (offset + size) of the last entry dispatched or recovered; -1 when there is none. */
  get maxPhysicOffset(): number {
    return this.maxPhysic;
  }

  /** The segments, oldest first (for checkers and reports; do not modify). */
  get files(): readonly MappedFile[] {
    return this.queue.files;
  }

  /** Appends the entry for the record at (offset, size) at queue offset cqOffset, unless it is there. */
  putMessagePositionInfo(
    offset: number,
    size: number,
    tagsCode: number,
    cqOffset: number,
  ): PutPositionResult {
    if (offset + size <= this.maxPhysic) return 'already-dispatched';
    const expected = cqOffset * UNIT;
    const firstInQueue = this.queue.files.length === 0;
    const file = this.queue.lastForAppend(expected);
    if (file === undefined) return 'no-file';
    if (firstInQueue && cqOffset !== 0) this.fillPreBlank(file, expected);
    const current = file.fileFromOffset + file.wrotePosition;
    // RocketMQ checks the position only for cqOffset != 0; an entry for offset 0 always appends.
    if (cqOffset !== 0 && expected < current) return 'already-there';
    this.maxPhysic = offset + size;
    writeCqEntry(entryBytes, 0, offset, size, tagsCode);
    file.append(entryBytes);
    return expected === current ? 'put' : 'misplaced';
  }

  /** The entry at queue offset cqOffset, if it is between the minimum and the write position. */
  get(cqOffset: number): CqEntry | undefined {
    const { bytes, start, end } = this.viewAt(cqOffset, UNIT);
    return end - start < UNIT ? undefined : decodeCqEntry(bytes, start);
  }

  /**
   * Up to maxCount entries from cqOffset, never past the end of cqOffset's file: a pull reads one
   * CQ file at a time, as RocketMQ's getIndexBuffer does. Empty below the minimum offset.
   */
  getEntries(cqOffset: number, maxCount: number): CqEntry[] {
    const buffer = this.getIndexBuffer(cqOffset, maxCount);
    return Array.from({ length: buffer.length }, (_, i) => buffer.at(i));
  }

  /** getEntries' entries, each decoded only when a reader reaches it (RocketMQ's getIndexBuffer). */
  getIndexBuffer(cqOffset: number, maxCount: number): CqEntryBuffer {
    // A copy: the schedule service walks its buffer across puts that answer later.
    const { bytes, start, end } = this.viewAt(cqOffset, maxCount * UNIT);
    return new CqEntryBuffer(bytes.slice(start, end));
  }

  /** getIndexBuffer's entries in place, for a reader done with them before anything else runs (a pull). */
  selectIndexBuffer(cqOffset: number, maxCount: number): CqEntryBuffer {
    const { bytes, start, end } = this.viewAt(cqOffset, maxCount * UNIT);
    return new CqEntryBuffer(bytes, start, end);
  }

  /**
   * Up to `length` bytes of entries from cqOffset within its file, in place (this queue's one
   * span, read at once); none outside the queue.
   */
  private viewAt(cqOffset: number, length: number): DiskSpan {
    const span = this.span;
    const position = cqOffset * UNIT;
    const file =
      !Number.isSafeInteger(cqOffset) || position < this.minLogic || length <= 0
        ? undefined
        : this.queue.findByOffset(position);
    if (file === undefined) span.start = span.end = 0;
    else file.view(position - file.fileFromOffset, length, span);
    return span;
  }

  minOffsetInQueue(): number {
    return this.minLogic / UNIT;
  }

  /** The next queue offset to write. */
  maxOffsetInQueue(): number {
    return this.queue.maxOffset() / UNIT;
  }

  /** Opens the segments on disk; recover() then finds where the valid entries end. */
  load(): boolean {
    return this.queue.load();
  }

  /**
   * From the third-last file on, keeps the entries up to the first with offset < 0 or size <= 0
   * (all-zero bytes and a short tail end it too) and drops the rest. Returns maxPhysicOffset.
   */
  recover(): number {
    const files = this.queue.files;
    if (files.length === 0) return this.maxPhysic;
    let index = Math.max(0, files.length - 3);
    let processOffset: number;
    for (;;) {
      const file = files[index]!;
      const valid = this.leadingEntries(file, Infinity);
      processOffset = file.fileFromOffset + valid;
      if (valid < this.queue.fileSize || ++index >= files.length) break;
    }
    this.queue.truncateDirtyFiles(processOffset);
    this.queue.flushedWhere = processOffset;
    return this.maxPhysic;
  }

  /**
   * Drops every entry from the first one pointing at or past phyOffset: tail files whose first
   * entry does are deleted, and the remaining file is cut just after its last entry below it.
   */
  truncateDirtyLogicFiles(phyOffset: number): void {
    this.maxPhysic = phyOffset;
    for (let last = this.queue.last; last !== undefined; last = this.queue.last) {
      const kept = this.leadingEntries(last, phyOffset);
      // Cutting at a segment's start deletes it (and only it: it is the last one).
      this.queue.truncateDirtyFiles(last.fileFromOffset + kept);
      if (kept > 0) return;
    }
  }

  /** Moves the minimum offset to the first entry of the first file at or past phyMinOffset (4.9). */
  correctMinOffset(phyMinOffset: number): void {
    const first = this.queue.first;
    if (first === undefined) return;
    const { span } = this;
    first.view(0, first.wrotePosition, span);
    for (let p = 0; span.start + p + UNIT <= span.end; p += UNIT) {
      if (readInt64(span.bytes, span.start + p) >= phyMinOffset) {
        this.minLogic = first.fileFromOffset + p;
        return;
      }
    }
  }

  /**
   * Deletes whole files, oldest first and never the last, whose last entry points below
   * phyMinOffset (the CommitLog's new minimum), then corrects the minimum. Returns how many.
   */
  deleteExpiredFile(phyMinOffset: number): number {
    const deleted = this.queue.deleteExpired((file) => {
      const last = decodeCqEntry(file.read(this.queue.fileSize - UNIT, UNIT), 0);
      return last !== undefined && last.commitLogOffset < phyMinOffset;
    });
    this.correctMinOffset(phyMinOffset);
    return deleted.length;
  }

  /**
   * The first queue offset whose record was stored at or after `timestamp` (5.x, BoundaryType.LOWER),
   * searched in one file: the first whose last entry is that recent, else the last file. Edges:
   * no entry (or a failed lookup inside the search) gives 0; a timestamp past the file's last
   * entry gives the offset after it (maxOffsetInQueue for the last file); one before the first
   * searchable entry gives the file's first offset, even if minOffsetInQueue is above it.
   * Entries pointing below minPhysicOffset (deleted CommitLog) count as older than anything.
   */
  getOffsetInQueueByTime(timestamp: number, storeTimeOf: StoreTimeLookup, minPhysicOffset = 0): number {
    const file = this.fileByTime(timestamp, storeTimeOf);
    if (file === undefined || file.wrotePosition < UNIT) return 0;
    const from = file.fileFromOffset;
    const ceiling = file.wrotePosition - UNIT;
    const floor = Math.max(0, this.minLogic - from);
    const timeAt = (position: number): number => this.storeTimeAt(file, position, storeTimeOf);
    if (timeAt(ceiling) < timestamp) return (from + ceiling + UNIT) / UNIT;
    if (timeAt(floor) > timestamp) return from / UNIT;
    let low = floor;
    let high = ceiling;
    let right = -1;
    while (low <= high) {
      const mid = Math.floor((low + high) / (2 * UNIT)) * UNIT;
      const entry = decodeCqEntry(file.read(mid, UNIT), 0)!;
      if (entry.commitLogOffset < minPhysicOffset) {
        low = mid + UNIT;
        continue;
      }
      const time = storeTimeOf(entry.commitLogOffset, entry.size) ?? -1;
      if (time < 0) return 0;
      if (time === timestamp) return (from + this.firstOfEqualRun(mid, floor, timeAt, timestamp)) / UNIT;
      if (time > timestamp) {
        high = mid - UNIT;
        right = mid;
      } else low = mid + UNIT;
    }
    // right stays -1 only when the last entry points below minPhysicOffset; RocketMQ then
    // computes (from - 1) / 20 in long arithmetic.
    return right < 0 ? Math.max(0, from / UNIT - 1) : (from + right) / UNIT;
  }

  /** fsyncs the unflushed entries; `done` runs when they are durable. */
  flush(done: () => void = () => {}): void {
    this.queue.flush(done);
  }

  /** Bytes written but not yet flushed (what the "least pages" flush threshold counts). */
  dirtyBytes(): number {
    return this.queue.dirtyBytes();
  }

  get flushing(): boolean {
    return this.queue.flushing;
  }

  /** Deletes every file and forgets the offsets (RocketMQ's destroy, before a rebuild). */
  destroy(): void {
    this.maxPhysic = -1;
    this.minLogic = 0;
    // Cutting at offset 0 deletes every segment.
    this.queue.truncateDirtyFiles(0);
  }

  /** Writes blank entries from the start of a new queue's first file up to `untilWhere`. */
  private fillPreBlank(file: MappedFile, untilWhere: number): void {
    this.minLogic = untilWhere;
    this.queue.flushedWhere = untilWhere;
    const blanks = new Uint8Array(untilWhere % this.queue.fileSize);
    const { commitLogOffset, size, tagsCode } = BLANK_CQ_ENTRY;
    for (let p = 0; p < blanks.length; p += UNIT) writeCqEntry(blanks, p, commitLogOffset, size, tagsCode);
    file.append(blanks);
  }

  /**
   * Bytes of the leading run of valid entries of `file` (as on disk) that point below `below`
   * (Infinity: every valid one); maxPhysicOffset becomes the end of the last of them. The fields
   * are read in place: a restart reads every entry of the last files of every queue.
   */
  private leadingEntries(file: MappedFile, below: number): number {
    const bytes = file.readRaw(0, this.queue.fileSize);
    let p = 0;
    for (; p + UNIT <= bytes.length; p += UNIT) {
      const commitLogOffset = readInt64(bytes, p);
      const size = readInt32(bytes, p + 8);
      if (!isValidCqEntry(commitLogOffset, size) || commitLogOffset >= below) break;
      this.maxPhysic = commitLogOffset + size;
    }
    return p;
  }

  /** The LOWER search's file: the first (not last) whose last entry is at least that recent. */
  private fileByTime(timestamp: number, storeTimeOf: StoreTimeLookup): MappedFile | undefined {
    const files = this.queue.files;
    const lastEntry = this.queue.fileSize - UNIT;
    for (let i = 0; i < files.length - 1; i++) {
      if (this.storeTimeAt(files[i]!, lastEntry, storeTimeOf) >= timestamp) return files[i];
    }
    return this.queue.last;
  }

  /** The store time of the record the entry at `position` points to; -1 if unknown, as in RocketMQ. */
  private storeTimeAt(file: MappedFile, position: number, storeTimeOf: StoreTimeLookup): number {
    const entry = decodeCqEntry(file.read(position, UNIT), 0);
    return entry === undefined ? -1 : (storeTimeOf(entry.commitLogOffset, entry.size) ?? -1);
  }

  /** Walks back from a match to the first of the entries stored at the same time, not below floor. */
  private firstOfEqualRun(
    match: number,
    floor: number,
    timeAt: (position: number) => number,
    timestamp: number,
  ): number {
    let first = match;
    while (first - UNIT >= floor && timeAt(first - UNIT) === timestamp) first -= UNIT;
    return first;
  }
}
