// The Disk of a live process: real files, so a broker's storePathRootDir is laid out as
// RocketMQ's (commitlog/00000000000000000000, consumequeue/<topic>/<queueId>/..., index/...,
// checkpoint, abort, config/*.json). A write goes to the file through the OS page cache (visible
// to reads at once, as a mapped file's bytes are), a flush is an fsync whose completion is
// reported later on the event loop, as the Disk contract asks. Relative paths are taken from
// `base`; deleting a file removes the directories it leaves empty up to `boundary`, as the
// simulated disk's directories exist only while they hold a file.
// Errors become DiskErrors: ENOENT and ENOSPC by name, anything else as EIO.
// Not modelled: a file's preallocation (RocketMQ maps a whole 1 GB file; here a file grows as it
// is written): allocate only creates the file (Node has no fallocate). usage() is the partition's
// statfs, so the store's disk-space checks see the real disk, as RocketMQ's do.
import fs from 'node:fs';
import path from 'node:path';
import {
  DiskError,
  type ByteRange,
  type Disk,
  type DiskErrorCode,
  type DiskSpan,
  type DiskUsage,
} from '../core/env.ts';

function diskError(error: unknown, file: string): DiskError {
  const code = (error as NodeJS.ErrnoException).code;
  const known: DiskErrorCode = code === 'ENOENT' || code === 'ENOSPC' ? code : 'EIO';
  return new DiskError(known, file, error instanceof Error ? error.message : String(error));
}

export interface FileDiskOptions {
  /** Where relative paths start (the process's working directory). */
  readonly base: string;
  /** Empty directories are removed up to here, never this one or above. */
  readonly boundary: string;
}

export class FileDisk implements Disk {
  private readonly fds = new Map<string, number>();

  constructor(private readonly options: FileDiskOptions) {}

  private real(file: string): string {
    return path.resolve(this.options.base, file);
  }

  /** An open descriptor for `file`, created (with its directories) if `create`. */
  private fd(file: string, create: boolean): number {
    const real = this.real(file);
    const open = this.fds.get(real);
    if (open !== undefined) return open;
    try {
      if (create) fs.mkdirSync(path.dirname(real), { recursive: true });
      const fd = fs.openSync(real, create ? fs.constants.O_RDWR | fs.constants.O_CREAT : fs.constants.O_RDWR);
      this.fds.set(real, fd);
      return fd;
    } catch (error) {
      throw diskError(error, file);
    }
  }

  exists(file: string): boolean {
    return fs.existsSync(this.real(file)) && fs.statSync(this.real(file)).isFile();
  }

  size(file: string): number {
    try {
      return fs.fstatSync(this.fd(file, false)).size;
    } catch (error) {
      throw error instanceof DiskError ? error : diskError(error, file);
    }
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(this.real(dir)).sort();
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === 'ENOENT' ||
        (error as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        return [];
      throw diskError(error, dir);
    }
  }

  write(file: string, offset: number, data: Uint8Array): void {
    const fd = this.fd(file, true);
    try {
      let done = 0;
      while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, offset + done);
    } catch (error) {
      throw diskError(error, file);
    }
  }

  read(file: string, offset: number, length: number): Uint8Array {
    const fd = this.fd(file, false);
    try {
      const size = fs.fstatSync(fd).size;
      const n = Math.max(0, Math.min(length, size - offset));
      const out = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const got = fs.readSync(fd, out, done, n - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return done === n ? out : out.subarray(0, done);
    } catch (error) {
      throw diskError(error, file);
    }
  }

  /** A copy (the files are not mapped): the span is all of it. */
  view(file: string, offset: number, length: number, span: DiskSpan): void {
    const bytes = this.read(file, offset, length);
    span.bytes = bytes;
    span.start = 0;
    span.end = bytes.length;
  }

  truncate(file: string, size: number): void {
    try {
      fs.ftruncateSync(this.fd(file, false), size);
    } catch (error) {
      throw error instanceof DiskError ? error : diskError(error, file);
    }
  }

  delete(file: string): void {
    const real = this.real(file);
    this.closeFile(real);
    try {
      fs.unlinkSync(real);
    } catch (error) {
      throw diskError(error, file);
    }
    this.removeEmptyParents(path.dirname(real));
  }

  flush(file: string, done?: (error?: DiskError) => void, _range?: ByteRange): void {
    let fd: number;
    try {
      fd = this.fd(file, false);
    } catch (error) {
      const failure = error instanceof DiskError ? error : diskError(error, file);
      setImmediate(() => done?.(failure));
      return;
    }
    fs.fsync(fd, (error) => done?.(error ? diskError(error, file) : undefined));
  }

  allocate(file: string, _length: number): void {
    this.fd(file, true);
  }

  usage(): DiskUsage {
    const stats = fs.statfsSync(path.resolve(this.options.base));
    return {
      usedBytes: (stats.blocks - stats.bfree) * stats.bsize,
      capacityBytes: stats.blocks * stats.bsize,
    };
  }

  /** Closes every file (the process is stopping); the files stay as written. */
  close(): void {
    for (const real of [...this.fds.keys()]) this.closeFile(real);
  }

  private closeFile(real: string): void {
    const fd = this.fds.get(real);
    if (fd === undefined) return;
    this.fds.delete(real);
    fs.closeSync(fd);
  }

  private removeEmptyParents(dir: string): void {
    const boundary = path.resolve(this.options.boundary);
    for (let d = dir; d.startsWith(boundary + path.sep); d = path.dirname(d)) {
      if (fs.readdirSync(d).length > 0) return;
      fs.rmdirSync(d);
    }
  }
}
