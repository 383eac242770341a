// A node's disk: files of bytes behind an OS page cache, and the faults of a machine's storage.
// Models:
// - the page cache: a write changes what reads see at once (like a write into a memory-mapped
//   file: it costs no time, and the only write latency here is the fsync's) and reaches the
//   medium only through a flush that covers it;
// - flush (fsync, or msync of a range) as one scheduled event, flushLatencyMs + the range's
//   unflushed bytes / flushBytesPerMs after the call, never synchronous. With flushLatencyMaxMs,
//   each flush's latency is drawn from [flushLatencyMs, flushLatencyMaxMs] (a device's tail
//   latency), so flushes of one file may complete out of call order, as fsyncs of separate threads
//   can. At completion the range,
//   cut to the file's size at the call, is copied from the cache as it is then: bytes appended
//   after the call stay unflushed, but an overwrite inside the range that landed meanwhile is
//   flushed too (writeback reads a page when it writes it). Then `done` runs;
// - process kill: nothing is lost, the page cache outlives the process, and pending flushes still
//   complete. Their `done` belongs to the dead process: the caller must wrap `done` so that it
//   does nothing for an incarnation that is gone;
// - power loss: each file becomes what the medium holds; pending flushes are cancelled (their
//   `done` never runs and they make nothing durable). With tornWriteProbability, a file with
//   unflushed bytes gets a torn page: of the page holding its first unflushed byte, a random
//   whole number (at least one) of sectors, from the sector of that byte on, reach the medium;
// - disk loss: an empty disk replaces this one;
// - bit rot: one flipped bit in a stored byte, in the cache and on the medium, which reads see;
// - ENOSPC: capacityBytes bounds the space files take: each file its size, or its reservation
//   (allocate: fallocate with FALLOC_FL_KEEP_SIZE, as a preallocated mapped file) if larger; a
//   write or reservation that would pass it changes nothing. A reservation is metadata (durable at
//   once, kept by a truncate, gone with the file); usage() is what statfs reports.
// Simplified: metadata is durable at once (create, delete and truncate, with no directory fsync;
// a truncate that grows a file makes its new size durable, the bytes no flush reached as zeros),
// except a size growth by a write, which lasts only as far as a flush reached: after power loss a
// file ends at its last durable byte, and the bytes before it that no flush reached (a hole left
// by a range flush) read as zeros, or as an earlier flush left them.
// - kernel writeback, as Linux's flusher does (dirty_writeback_centisecs, dirty_expire_centisecs):
//   every writebackIntervalMs, bytes that have been dirty for dirtyExpireMs are written to the
//   medium with the cache's current content, whether or not a process flushed them. This closes
//   the windows in which a power loss can take data nobody fsynced; dirtyExpireMs: Infinity turns
//   it off. Writeback ticks run only while some byte is dirty. The torn page is the only partial
//   writeback, so no other reordering of writeback shows. A flush of a deleted (or replaced) file makes nothing
// durable and still calls `done`, as fsync on an open descriptor of an unlinked file does.
// Not modelled: EIO and latent sector errors, misdirected writes, read latency, a device queue
// shared by concurrent flushes, sparse files (a file's size is its bytes in memory), and
// corruption of bytes in flight.
import { z } from 'zod';
import { DiskError, type ByteRange, type Disk, type DiskSpan, type DiskUsage } from '../core/env.ts';
import { withRoom } from '../core/message/bytes.ts';
import type { SeededRng } from './rng.ts';
import { ScheduledTask, type Scheduler, type SimEvent } from './scheduler.ts';
import { SpanSet } from './span-set.ts';

const unbounded = (finite: z.ZodNumber) => finite.or(z.literal(Infinity)).default(Infinity);

/** The disk's settings and their defaults (diskConfigSchema adds the checks across fields). */
export const diskConfigShape = z.strictObject({
  /** Granularity of a torn write, in bytes. */
  pageSize: z.number().int().positive().default(4096),
  /** The unit a torn page is cut at. */
  sectorSize: z.number().int().positive().default(512),
  /** On power loss, chance per file with unflushed bytes that one page is partly written. */
  tornWriteProbability: z.number().min(0).max(1).default(0),
  flushLatencyMs: z.number().nonnegative().default(0),
  /** If set, each flush's latency is drawn uniformly from [flushLatencyMs, this] (the disk's rng). */
  flushLatencyMaxMs: z.number().nonnegative().optional(),
  /** Bandwidth of a flush; Infinity means a flush costs only its latency. */
  flushBytesPerMs: unbounded(z.number().positive()),
  /** Bound on the space files take (their sizes, or their reservations if larger). */
  capacityBytes: unbounded(z.number().int().nonnegative()),
  /** How often the kernel's flusher wakes (Linux: dirty_writeback_centisecs = 500). */
  writebackIntervalMs: z.number().positive().default(5_000),
  /** How long a byte stays dirty before the flusher writes it (dirty_expire_centisecs = 3000). */
  dirtyExpireMs: z.number().nonnegative().or(z.literal(Infinity)).default(30_000),
});

export const diskConfigSchema = diskConfigShape
  .refine((c) => c.pageSize % c.sectorSize === 0, {
    path: ['sectorSize'],
    message: 'sectorSize must divide pageSize',
  })
  .refine((c) => c.flushLatencyMaxMs === undefined || c.flushLatencyMaxMs >= c.flushLatencyMs, {
    path: ['flushLatencyMaxMs'],
    message: 'flushLatencyMaxMs must be at least flushLatencyMs',
  });
export type DiskConfig = z.infer<typeof diskConfigSchema>;
export type DiskConfigInput = z.input<typeof diskConfigShape>;

export interface DiskOptions {
  scheduler: Scheduler;
  rng: SeededRng;
  config: DiskConfig;
}

/** What one file lost to a power loss. */
export interface FileLoss {
  path: string;
  sizeBefore: number;
  sizeAfter: number;
  /** Unflushed bytes that are gone. */
  droppedBytes: number;
  /** Unflushed bytes kept by a torn page. */
  tornBytes: number;
  /** The sectors of the torn page that reached the medium, if a page was torn. */
  torn?: ByteRange;
}

export interface PowerLossSummary {
  /** The files that had unflushed bytes, by path. */
  files: FileLoss[];
  cancelledFlushes: number;
}

export interface DiskLossSummary {
  paths: string[];
  bytes: number;
  cancelledFlushes: number;
}

function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`disk invariant: ${message}`);
}

function checkIndex(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** The files dirty at one writeback tick, with their dirty ranges then ([start0, end0, ...] each). */
interface WritebackGeneration {
  files: SimFile[];
  spans: number[][];
}

/**
 * One file. Invariants: durableLength <= length; every byte of [durableLength, length) is dirty
 * and no dirty byte lies past length; a clean byte is the same in cache and durable; the bytes
 * of each buffer past its length are zero (so growing a file needs no zero-fill).
 */
class SimFile {
  constructor(readonly path: string) {}

  cache: Uint8Array = new Uint8Array(0);
  length = 0;
  durable: Uint8Array = new Uint8Array(0);
  durableLength = 0;
  /** Bytes reserved by allocate (the file takes max(length, allocated) of the disk). */
  allocated = 0;
  readonly dirty = new SpanSet();
  /** makeDurable's visitor, made once per file. */
  private readonly copyToMedium = (start: number, end: number): void => {
    this.durable.set(this.cache.subarray(start, end), start);
  };

  get space(): number {
    return Math.max(this.length, this.allocated);
  }

  check(): void {
    invariant(this.durableLength <= this.length, 'durable length past the size');
    const lastStart = this.dirty.lastStart;
    const lastEnd = this.dirty.lastEnd;
    invariant(lastEnd === undefined || lastEnd <= this.length, 'dirty bytes past the size');
    const tailDirty = lastStart !== undefined && lastStart <= this.durableLength && lastEnd === this.length;
    invariant(this.durableLength === this.length || tailDirty, 'an unflushed tail is not dirty');
  }

  /** Copies the dirty bytes of [start, end) to the medium (only those: the rest are there already). */
  makeDurable(start: number, end: number): void {
    invariant(end <= this.length, 'flushing past the size');
    if (start >= end) return;
    this.durable = withRoom(this.durable, end);
    this.dirty.forEachIn(start, end, this.copyToMedium);
    this.dirty.remove(start, end);
    // [durableLength, end) was all dirty, so it was all copied just now.
    this.durableLength = Math.max(this.durableLength, end);
    this.check();
  }
}

/** A flush in flight, its own completion event: no closure and event object a flush. */
class PendingFlush extends ScheduledTask {
  constructor(
    private readonly disk: SimDisk,
    readonly file: SimFile,
    readonly start: number,
    readonly end: number,
    readonly done: ((error?: DiskError) => void) | undefined,
  ) {
    super();
  }

  fire(): void {
    this.disk.settle(this);
  }
}

export class SimDisk implements Disk {
  private readonly scheduler: Scheduler;
  private readonly rng: SeededRng;
  private readonly config: DiskConfig;
  private files = new Map<string, SimFile>();
  private readonly pending = new Set<PendingFlush>();
  private used = 0;
  /** The space files take: each max(size, reservation). */
  private occupied = 0;
  /** The dirty spans of each file at each writeback tick, oldest first. */
  private generations: WritebackGeneration[] = [];
  private writebackEvent: SimEvent | undefined;

  constructor(options: DiskOptions) {
    this.scheduler = options.scheduler;
    this.rng = options.rng;
    this.config = diskConfigSchema.parse(options.config);
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  size(path: string): number {
    return this.get(path).length;
  }

  /** Like readdir: files and subdirectories directly inside `dir` (a directory exists while it holds a file). */
  list(dir: string): string[] {
    const prefix = dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/', 1)[0]!);
    }
    return [...names].sort();
  }

  write(path: string, offset: number, data: Uint8Array): void {
    checkIndex('offset', offset);
    const existing = this.files.get(path);
    const size = existing?.length ?? 0;
    const end = data.length === 0 ? size : Math.max(size, offset + data.length);
    const growth = Math.max(0, end - Math.max(size, existing?.allocated ?? 0));
    this.reserve(path, growth);
    const file = existing ?? this.create(path);
    if (data.length === 0) return;
    this.occupied += growth;
    file.cache = withRoom(file.cache, end);
    file.cache.set(data, offset);
    // A write past the end also makes the zero gap before it (new size, not yet durable) dirty.
    file.dirty.add(Math.min(offset, size), offset + data.length);
    file.length = end;
    this.used += end - size;
    file.check();
    this.scheduleWriteback();
  }

  read(path: string, offset: number, length: number): Uint8Array {
    const file = this.located(path, offset, length);
    return file.cache.slice(Math.min(offset, file.length), Math.min(offset + length, file.length));
  }

  /** The page cache itself: no object a read (the cache's bytes past the file's size are zeros). */
  view(path: string, offset: number, length: number, span: DiskSpan): void {
    const file = this.located(path, offset, length);
    span.bytes = file.cache;
    span.start = Math.min(offset, file.length);
    span.end = Math.min(offset + length, file.length);
  }

  truncate(path: string, size: number): void {
    checkIndex('size', size);
    const file = this.get(path);
    const spaceBefore = file.space;
    if (size > file.length) {
      this.reserve(path, Math.max(0, size - spaceBefore));
      file.cache = withRoom(file.cache, size);
      file.durable = withRoom(file.durable, size);
      file.durableLength = size; // the new size is metadata, durable at once; its bytes are zeros
    } else {
      file.cache.fill(0, size, file.length);
      file.durable.fill(0, size, Math.max(size, file.durableLength));
      file.durableLength = Math.min(file.durableLength, size);
      file.dirty.remove(size, file.length);
    }
    this.used += size - file.length;
    file.length = size;
    this.occupied += file.space - spaceBefore;
    file.check();
  }

  delete(path: string): void {
    const file = this.get(path);
    this.files.delete(path);
    this.used -= file.length;
    this.occupied -= file.space;
  }

  allocate(path: string, length: number): void {
    checkIndex('length', length);
    const existing = this.files.get(path);
    const growth = Math.max(0, length - (existing?.space ?? 0));
    this.reserve(path, growth);
    const file = existing ?? this.create(path);
    file.allocated = Math.max(file.allocated, length);
    this.occupied += growth;
  }

  usage(): DiskUsage {
    return { usedBytes: this.occupied, capacityBytes: this.config.capacityBytes };
  }

  flush(path: string, done?: (error?: DiskError) => void, range?: ByteRange): void {
    if (range !== undefined) {
      checkIndex('range.offset', range.offset);
      checkIndex('range.length', range.length);
    }
    const file = this.get(path);
    const start = Math.min(range?.offset ?? 0, file.length);
    const end = range === undefined ? file.length : Math.min(range.offset + range.length, file.length);
    const { flushLatencyMs, flushLatencyMaxMs, flushBytesPerMs } = this.config;
    const latencyMs =
      flushLatencyMaxMs === undefined || flushLatencyMaxMs === flushLatencyMs
        ? flushLatencyMs
        : this.rng.between(flushLatencyMs, flushLatencyMaxMs);
    const delayMs = latencyMs + file.dirty.bytesIn(start, end) / flushBytesPerMs;
    this.pending.add(this.scheduler.scheduleTask(delayMs, new PendingFlush(this, file, start, end, done)));
  }

  /** A flush's completion (PendingFlush.fire): what its range holds now becomes durable. */
  settle(flush: PendingFlush): void {
    this.pending.delete(flush);
    const { file, start, end, done } = flush;
    // A file deleted or replaced meanwhile is not this one: its bytes are gone already.
    if (this.files.get(file.path) === file) file.makeDurable(start, Math.min(end, file.length));
    done?.();
  }

  // Faults, called by the world (never by core/).

  /**
   * The process dies; the OS and its page cache live on, so nothing is lost and pending flushes
   * still complete and call their `done`. Returns how many are pending: the caller must make
   * their `done` do nothing for the dead incarnation.
   */
  processKill(): number {
    return this.pending.size;
  }

  /** The machine loses power: each file becomes what the medium holds, maybe with a torn page. */
  powerLoss(): PowerLossSummary {
    const cancelledFlushes = this.cancelPending();
    const files: FileLoss[] = [];
    for (const path of this.paths()) {
      const file = this.files.get(path)!;
      if (file.dirty.bytes === 0) {
        invariant(file.length === file.durableLength, 'a file with no dirty byte has an unflushed tail');
        continue;
      }
      files.push(this.losePower(path, file));
    }
    return { files, cancelledFlushes };
  }

  /** The disk is replaced by an empty one. */
  diskLoss(): DiskLossSummary {
    const summary = { paths: this.paths(), bytes: this.used, cancelledFlushes: this.cancelPending() };
    this.files = new Map();
    this.used = 0;
    this.occupied = 0;
    return summary;
  }

  /**
   * Flips bit `bit` (0 = least significant) of the byte at `offset`: in the cache, which reads see,
   * and on the medium if the byte is there (below the durable size), so it outlives a power loss.
   */
  corrupt(path: string, offset: number, bit: number): void {
    const file = this.get(path);
    checkIndex('offset', offset);
    if (offset >= file.length) throw new RangeError(`offset ${offset} is past the end of ${path}`);
    if (!Number.isInteger(bit) || bit < 0 || bit > 7) throw new RangeError(`bit must be 0..7, got ${bit}`);
    file.cache[offset] ^= 1 << bit;
    if (offset < file.durableLength) file.durable[offset] ^= 1 << bit;
  }

  /** Flips one bit chosen by the rng; undefined (and no draw) for an empty file. */
  corruptRandom(path: string): { offset: number; bit: number } | undefined {
    const size = this.size(path);
    if (size === 0) return undefined;
    const flip = { offset: this.rng.int(size), bit: this.rng.int(8) };
    this.corrupt(path, flip.offset, flip.bit);
    return flip;
  }

  // Inspection, for tests, checkers and reports.

  /** Every path on the disk, sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** The size the file would have after a power loss now (without a torn page). */
  durableSize(path: string): number {
    return this.get(path).durableLength;
  }

  /** A copy of what the medium holds, as read would after a power loss now (without a torn page). */
  durableRead(path: string, offset: number, length: number): Uint8Array {
    const file = this.located(path, offset, length);
    const end = Math.min(offset + length, file.durableLength);
    return file.durable.slice(Math.min(offset, end), end);
  }

  /**
   * How many bytes of [offset, offset + length) a power loss now would take: written but on no
   * medium yet, or not written at all (past the file's end).
   */
  unflushedIn(path: string, offset: number, length: number): number {
    checkIndex('offset', offset);
    checkIndex('length', length);
    const file = this.get(path);
    const end = offset + length;
    return (
      file.dirty.bytesIn(offset, Math.min(end, file.length)) +
      Math.max(0, end - Math.max(offset, file.length))
    );
  }

  /** Bytes written but not yet durable, in one file or in all. */
  dirtyBytes(path?: string): number {
    if (path !== undefined) return this.get(path).dirty.bytes;
    let total = 0;
    // forEach, not for-of: a writeback tick asks for every disk, and for-of makes an iterator
    // result a file.
    this.files.forEach((file) => (total += file.dirty.bytes));
    return total;
  }

  /** The sum of all file sizes: the bytes the disk holds (usage() counts reservations too). */
  get usedBytes(): number {
    return this.used;
  }

  get pendingFlushes(): number {
    return this.pending.size;
  }

  /** The file a read of [offset, offset + length) goes to, once the range is checked. */
  private located(path: string, offset: number, length: number): SimFile {
    checkIndex('offset', offset);
    checkIndex('length', length);
    return this.get(path);
  }

  private get(path: string): SimFile {
    const file = this.files.get(path);
    if (file === undefined) throw new DiskError('ENOENT', path, 'no such file');
    return file;
  }

  private create(path: string): SimFile {
    if (path === '' || path.endsWith('/')) throw new RangeError(`not a file path: '${path}'`);
    const file = new SimFile(path);
    this.files.set(path, file);
    return file;
  }

  private reserve(path: string, growth: number): void {
    if (this.occupied + growth <= this.config.capacityBytes) return;
    const detail = `${growth} more bytes do not fit (${this.occupied} of ${this.config.capacityBytes} used)`;
    throw new DiskError('ENOSPC', path, detail);
  }

  private cancelPending(): number {
    const count = this.pending.size;
    for (const event of this.pending) this.scheduler.cancel(event);
    this.pending.clear();
    if (this.writebackEvent !== undefined) this.scheduler.cancel(this.writebackEvent);
    this.writebackEvent = undefined;
    this.generations = [];
    return count;
  }

  /** Wakes the kernel's flusher, if it sleeps and writeback is on. */
  private scheduleWriteback(): void {
    if (this.writebackEvent !== undefined || this.config.dirtyExpireMs === Infinity) return;
    this.writebackEvent = this.scheduler.schedule(this.config.writebackIntervalMs, () => this.writeback());
  }

  /** One flusher tick: note what is dirty now, and write back what was dirty dirtyExpireMs ago. */
  private writeback(): void {
    this.writebackEvent = undefined;
    const generation: WritebackGeneration = { files: [], spans: [] };
    this.files.forEach((file) => {
      if (file.dirty.bytes === 0) return;
      generation.files.push(file);
      generation.spans.push(file.dirty.snapshot());
    });
    this.generations.push(generation);
    const { dirtyExpireMs, writebackIntervalMs } = this.config;
    if (this.generations.length > Math.ceil(dirtyExpireMs / writebackIntervalMs)) {
      const { files, spans } = this.generations.shift()!;
      for (let i = 0; i < files.length; i++) {
        const file = files[i]!;
        if (this.files.get(file.path) !== file) continue;
        const bounds = spans[i]!;
        for (let k = 0; k < bounds.length; k += 2)
          file.makeDurable(Math.min(bounds[k]!, file.length), Math.min(bounds[k + 1]!, file.length));
      }
    }
    if (this.dirtyBytes() > 0) this.scheduleWriteback();
    else this.generations = [];
  }

  private losePower(path: string, file: SimFile): FileLoss {
    const sizeBefore = file.length;
    const dirtyBefore = file.dirty.bytes;
    const torn = this.rng.chance(this.config.tornWriteProbability) ? this.tearPage(file) : undefined;
    const tornBytes = dirtyBefore - file.dirty.bytes;
    file.cache = file.durable.slice();
    this.used -= file.length - file.durableLength;
    const spaceBefore = file.space;
    file.length = file.durableLength;
    this.occupied += file.space - spaceBefore;
    file.dirty.clear();
    file.check();
    const sizeAfter = file.length;
    const loss: FileLoss = { path, sizeBefore, sizeAfter, droppedBytes: dirtyBefore - tornBytes, tornBytes };
    return torn === undefined ? loss : { ...loss, torn };
  }

  /** Writes back some whole sectors of the first page holding an unflushed byte. */
  private tearPage(file: SimFile): ByteRange {
    const { pageSize, sectorSize } = this.config;
    const first = file.dirty.firstStart;
    invariant(first !== undefined, 'tearing a page of a clean file');
    invariant(first <= file.durableLength, 'a clean byte past the durable length');
    const from = first - (first % sectorSize);
    const to = Math.min(first - (first % pageSize) + pageSize, file.length);
    const sectors = Math.ceil((to - from) / sectorSize);
    const end = Math.min(from + (1 + this.rng.int(sectors)) * sectorSize, to);
    file.makeDurable(from, end);
    return { offset: from, length: end - from };
  }
}
