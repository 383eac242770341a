// One fixed-size segment of a CommitLog or ConsumeQueue (RocketMQ's MappedFile): a file named
// by the offset of its first byte, written append-only, with a write position (what the page
// cache holds) and a flushed position (what a completed fsync made durable).
// Simplifications: a file's blocks are reserved when it is created (MappedFileQueue), but its
// size grows as it is written (bytes past its end read as absent, as zeros would fail the same
// checks); there is no transient store pool, so the committed position is the write position; a
// flush fsyncs the dirty range in one call.
import { newDiskSpan, zeroPadSpan, type Disk, type DiskSpan } from '../env.ts';
import { mappedFileName } from './mapped-file-name.ts';

export class MappedFile {
  readonly path: string;
  wrotePosition = 0;
  flushedPosition = 0;
  /** The store time of the last record appended (CommitLog files; 0 after a restart, as in RocketMQ). */
  storeTimestamp = 0;
  /** The view read() copies and readRaw() cuts. */
  private readonly span = newDiskSpan();

  constructor(
    private readonly disk: Disk,
    dir: string,
    readonly fileFromOffset: number,
    readonly fileSize: number,
  ) {
    this.path = `${dir}/${mappedFileName(fileFromOffset)}`;
  }

  get remaining(): number {
    return this.fileSize - this.wrotePosition;
  }

  isFull(): boolean {
    return this.wrotePosition === this.fileSize;
  }

  /** Appends at the write position; the caller has checked that it fits. */
  append(data: Uint8Array): void {
    if (data.length > this.remaining) {
      throw new RangeError(`${this.path}: ${data.length} bytes do not fit in ${this.remaining}`);
    }
    this.disk.write(this.path, this.wrotePosition, data);
    this.wrotePosition += data.length;
  }

  /**
   * Up to `length` bytes at `position` within what has been written. The tail after an
   * END_OF_FILE blank reads as zeros, as in RocketMQ's preallocated file, so a slave copying the
   * log gets whole files.
   */
  read(position: number, length: number): Uint8Array {
    this.view(position, length, this.span);
    const { bytes, start, end } = this.span;
    return bytes.slice(start, end);
  }

  /**
   * read's bytes in place into `span` (selectMappedBuffer; see Disk.view), copied only where
   * zeros stand in for bytes the disk no longer has.
   */
  view(position: number, length: number, span: DiskSpan): void {
    const end = Math.min(position + length, this.wrotePosition);
    if (position < 0 || end <= position) {
      span.start = span.end = 0;
      return;
    }
    this.disk.view(this.path, position, end - position, span);
    zeroPadSpan(span, end - position);
  }

  /**
   * Bytes of the file as they are on disk, up to the file size, in place (Disk.view): recovery
   * and the checkers parse them at once.
   */
  readRaw(position: number, length: number): Uint8Array {
    if (!this.disk.exists(this.path)) return new Uint8Array(0);
    const span = this.span;
    this.disk.view(this.path, position, Math.min(length, this.fileSize - position), span);
    return span.bytes.subarray(span.start, span.end);
  }

  /** fsyncs what is written but not flushed; `done` runs once it is durable (or at once if clean). */
  flush(done: () => void): void {
    const target = this.wrotePosition;
    if (target <= this.flushedPosition) {
      done();
      return;
    }
    // The range starts at 0, not at flushedPosition: MappedByteBuffer.force() syncs every dirty
    // page of the mapping, including pages a killed incarnation wrote and never flushed (a
    // restart takes them as flushed). Clean pages cost nothing, so the flush costs the same.
    this.disk.flush(
      this.path,
      () => {
        this.flushedPosition = Math.max(this.flushedPosition, target);
        done();
      },
      { offset: 0, length: target },
    );
  }

  /** Sets both positions (recovery) and drops the bytes past them from the file. */
  truncateTo(position: number): void {
    this.wrotePosition = position;
    this.flushedPosition = Math.min(this.flushedPosition, position);
    if (this.disk.exists(this.path) && this.disk.size(this.path) > position)
      this.disk.truncate(this.path, position);
  }

  destroy(): void {
    if (this.disk.exists(this.path)) this.disk.delete(this.path);
  }
}
