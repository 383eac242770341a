// The ordered segments of one log (RocketMQ's MappedFileQueue): a CommitLog or one ConsumeQueue
// is a directory of MappedFiles of one size, each named by its start offset, rolled when full.
// It tracks flushedWhere, the offset below which the whole log is durable.
// Simplification: flush() covers every dirty segment, in order (RocketMQ flushes one per call
// and calls again; flushOne() is that call, for the group commit); expired segments are deleted
// by a predicate the caller gives.
import type { Disk } from '../env.ts';
import { MappedFile } from './mapped-file.ts';
import { parseMappedFileName } from './mapped-file-name.ts';

export class MappedFileQueue {
  readonly files: MappedFile[] = [];
  flushedWhere = 0;
  private flushesInFlight = 0;

  constructor(
    private readonly disk: Disk,
    readonly dir: string,
    readonly fileSize: number,
  ) {
    if (!Number.isInteger(fileSize) || fileSize <= 0)
      throw new RangeError(`bad mapped file size ${fileSize}`);
  }

  /** Opens the segments on disk; recovery then sets their positions. Returns false on a gap. */
  load(): boolean {
    const starts = this.disk
      .list(this.dir)
      .map(parseMappedFileName)
      .filter((start): start is number => start !== undefined)
      .sort((a, b) => a - b);
    // Every file but the last is complete, whatever its length on disk (a blank ends it, and files
    // are not preallocated); recovery then finds where the last one's valid data ends.
    starts.forEach((start, i) => {
      const file = new MappedFile(this.disk, this.dir, start, this.fileSize);
      const last = i === starts.length - 1;
      file.wrotePosition = file.flushedPosition = last
        ? Math.min(this.disk.size(file.path), this.fileSize)
        : this.fileSize;
      this.files.push(file);
    });
    return starts.every((start, i) => i === 0 || start === starts[i - 1]! + this.fileSize);
  }

  get last(): MappedFile | undefined {
    return this.files[this.files.length - 1];
  }

  get first(): MappedFile | undefined {
    return this.files[0];
  }

  /** The segment to append to: the last one unless it is full, else a new one after it. */
  lastForAppend(startOffset = 0): MappedFile {
    const last = this.last;
    if (last !== undefined && !last.isFull()) return last;
    const from =
      last === undefined ? startOffset - (startOffset % this.fileSize) : last.fileFromOffset + this.fileSize;
    const file = new MappedFile(this.disk, this.dir, from, this.fileSize);
    this.files.push(file);
    if (last === undefined) this.flushedWhere = from;
    return file;
  }

  /** The segment holding `offset`, if any. */
  findByOffset(offset: number): MappedFile | undefined {
    const first = this.first;
    if (first === undefined || offset < first.fileFromOffset) return undefined;
    const file = this.files[Math.floor((offset - first.fileFromOffset) / this.fileSize)];
    return file !== undefined && offset < file.fileFromOffset + this.fileSize ? file : undefined;
  }

  minOffset(): number {
    return this.first?.fileFromOffset ?? 0;
  }

  maxOffset(): number {
    const last = this.last;
    return last === undefined ? 0 : last.fileFromOffset + last.wrotePosition;
  }

  dirtyBytes(): number {
    return this.maxOffset() - this.flushedWhere;
  }

  get flushing(): boolean {
    return this.flushesInFlight > 0;
  }

  /**
   * fsyncs every segment from flushedWhere on, one after another in log order (a later file never
   * becomes durable before an earlier one, as with RocketMQ's one-file-per-call flush); `done`
   * runs when all are durable.
   */
  flush(done: () => void = () => {}): void {
    const dirty = this.files.filter((f) => f.fileFromOffset + f.wrotePosition > this.flushedWhere);
    this.flushesInFlight++;
    const next = (i: number): void => {
      if (i < dirty.length) {
        dirty[i]!.flush(() => next(i + 1));
        return;
      }
      this.flushesInFlight--;
      this.flushedWhere = Math.max(this.flushedWhere, this.durableEnd());
      done();
    };
    next(0);
  }

  /**
   * RocketMQ's flush(0): fsyncs only the segment holding flushedWhere (the next one once that is
   * durable to its end); `done` runs when it is durable.
   */
  flushOne(done: () => void): void {
    const file = this.findByOffset(this.flushedWhere);
    if (file === undefined) {
      done();
      return;
    }
    this.flushesInFlight++;
    file.flush(() => {
      this.flushesInFlight--;
      this.flushedWhere = Math.max(this.flushedWhere, this.durableEnd());
      done();
    });
  }

  /** Cuts the log at `offset`: later segments are deleted, the one holding it is truncated. */
  truncateDirtyFiles(offset: number): void {
    while (this.last !== undefined && this.last.fileFromOffset >= offset) this.files.pop()!.destroy();
    const holder = this.findByOffset(offset);
    holder?.truncateTo(offset - holder.fileFromOffset);
    this.flushedWhere = Math.min(this.flushedWhere, offset);
  }

  /** Deletes whole segments from the front while `expired(file)` holds, keeping the last one. */
  deleteExpired(expired: (file: MappedFile) => boolean): MappedFile[] {
    const deleted: MappedFile[] = [];
    while (this.files.length > 1 && expired(this.files[0]!)) {
      const file = this.files.shift()!;
      file.destroy();
      deleted.push(file);
    }
    return deleted;
  }

  /** The end of the durable prefix: segments in order while each is flushed to its end. */
  private durableEnd(): number {
    let end = this.minOffset();
    for (const file of this.files) {
      end = file.fileFromOffset + file.flushedPosition;
      if (file.flushedPosition < file.wrotePosition || !file.isFull()) break;
    }
    return end;
  }
}
