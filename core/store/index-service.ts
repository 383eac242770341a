// The IndexService: the IndexFiles under <root>/index, oldest first, named after their creation
// time (yyyyMMddHHmmssSSS). Dispatch indexes each record under `topic#UNIQ_KEY` and each
// `topic#KEY`; a full file rolls to a new one, and the full one is flushed then, after which the
// checkpoint's indexMsgTimestamp moves to its end time and the checkpoint is flushed. That is
// the only flush RocketMQ gives an IndexFile, so after an unclean exit, load() deletes every file
// that ends after indexMsgTimestamp (the one being filled, in practice) and its keys are found
// again only for the records that abnormal recovery re-dispatches.
// Re-dispatch is idempotent except for the last record indexed: it is skipped only below the
// last file's endPhyOffset, which is that record's own offset, so it is indexed twice (RocketMQ).
// Simplifications: a new file whose name is taken is named 1 ms later (RocketMQ would map the
// same file twice if two were created in one millisecond, which tiny simulated files make
// possible). A new file is created whole (its blocks reserved); when the disk has no room for it
// the record's keys are not indexed and buildIndex says so: the store then marks the index broken
// (4.9 tries the creation three times, 1 s apart, first).
import { DiskError, type Disk } from '../env.ts';
import { KEY_SEPARATOR, MessageSysFlag, transactionType } from '../message/message.ts';
import type { DispatchRequest } from './commit-log-record.ts';
import { IndexFile } from './index-file.ts';
import {
  buildKeyHash,
  DEFAULT_INDEX_GEOMETRY,
  indexFileName,
  type IndexFileGeometry,
} from './index-file-format.ts';
import type { StoreCheckpoint } from './store-checkpoint.ts';

export interface IndexServiceOptions {
  disk: Disk;
  /** storePathRootDir. */
  rootDir: string;
  checkpoint: StoreCheckpoint;
  /** The node's clock (Env.now), for file names. */
  now: () => number;
  /** maxHashSlotNum and maxIndexNum; RocketMQ's by default. */
  geometry?: IndexFileGeometry;
  /** The cap on a query's results (maxMsgsNumBatch). */
  maxMsgsNumBatch?: number;
}

export interface QueryOffsetResult {
  phyOffsets: number[];
  /** The newest file's end timestamp and end phy offset, 0 without files. */
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

const INDEX_FILE_NAME = /^\d{17}$/;

export class IndexService {
  readonly dir: string;
  private readonly indexFiles: IndexFile[] = [];
  private readonly disk: Disk;
  private readonly checkpoint: StoreCheckpoint;
  private readonly now: () => number;
  private readonly geometry: IndexFileGeometry;
  private readonly maxMsgsNumBatch: number;

  constructor(options: IndexServiceOptions) {
    this.disk = options.disk;
    this.dir = `${options.rootDir}/index`;
    this.checkpoint = options.checkpoint;
    this.now = options.now;
    this.geometry = options.geometry ?? DEFAULT_INDEX_GEOMETRY;
    const { hashSlotNum, indexNum } = this.geometry;
    // Entry numbers start at 1, so a file with indexNum < 2 could never take a key.
    if (!Number.isInteger(hashSlotNum) || hashSlotNum < 1 || !Number.isInteger(indexNum) || indexNum < 2) {
      throw new RangeError(`bad IndexFile geometry: ${hashSlotNum} slots, ${indexNum} entries`);
    }
    this.maxMsgsNumBatch = options.maxMsgsNumBatch ?? 64;
  }

  /** The files, oldest first (for checkers and reports; do not modify). */
  get files(): readonly IndexFile[] {
    return this.indexFiles;
  }

  /**
   * Opens the files on disk in name order. After an unclean exit (the checkpoint loaded first), a
   * file whose end timestamp is past the checkpoint's indexMsgTimestamp is deleted instead.
   */
  load(lastExitOK: boolean): boolean {
    for (const name of this.disk.list(this.dir).filter((n) => INDEX_FILE_NAME.test(n))) {
      const file = IndexFile.load(this.disk, this.dir, name, this.geometry);
      if (!lastExitOK && file.endTimestamp > this.checkpoint.indexMsgTimestamp) {
        file.destroy();
        continue;
      }
      this.indexFiles.push(file);
    }
    return true;
  }

  /**
   * Indexes one dispatched record under its UNIQ_KEY and each of its KEYS; false if a new file
   * was needed and the disk had no room for it (the rest of the record's keys are not indexed).
   */
  buildIndex(req: DispatchRequest): boolean {
    let file = this.lastFileForWrite();
    if (file === undefined) return false;
    if (req.commitLogOffset < file.endPhyOffset) return true;
    if (transactionType(req.sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return true;
    const { topic, uniqKey, keys } = req;
    if (uniqKey !== undefined) file = this.putKey(file, req, buildKeyHash(topic, uniqKey, 0, uniqKey.length));
    if (file === undefined || keys === undefined) return file !== undefined;
    // Each non-empty piece of KEYS between separators, hashed in place (no split, no substrings).
    for (let from = 0; from <= keys.length;) {
      const separator = keys.indexOf(KEY_SEPARATOR, from);
      const to = separator < 0 ? keys.length : separator;
      if (to > from) file = this.putKey(file, req, buildKeyHash(topic, keys, from, to));
      if (file === undefined) return false;
      from = to + KEY_SEPARATOR.length;
    }
    return true;
  }

  /**
   * Up to min(maxNum, maxMsgsNumBatch) CommitLog offsets of records indexed under `topic#key`
   * with a store time in [begin, end], from the newest file back; it stops after the first file
   * that begins before `begin`. Hash collisions are included: the caller checks the keys.
   */
  queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): QueryOffsetResult {
    const limit = Math.min(maxNum, this.maxMsgsNumBatch);
    const newest = this.indexFiles[this.indexFiles.length - 1];
    const result: QueryOffsetResult = {
      phyOffsets: [],
      indexLastUpdateTimestamp: newest?.endTimestamp ?? 0,
      indexLastUpdatePhyoffset: newest?.endPhyOffset ?? 0,
    };
    for (let i = this.indexFiles.length - 1; i >= 0; i--) {
      const file = this.indexFiles[i]!;
      if (file.isTimeMatched(begin, end)) {
        file.selectPhyOffset(buildKeyHash(topic, key, 0, key.length), limit, begin, end, result.phyOffsets);
      }
      if (file.beginTimestamp < begin || result.phyOffsets.length >= limit) break;
    }
    return result;
  }

  /**
   * Deletes the oldest files, never the newest, while their end phy offset is below
   * minCommitLogOffset (the CommitLog's new minimum).
   */
  deleteExpiredFile(minCommitLogOffset: number): void {
    while (this.indexFiles.length > 1 && this.indexFiles[0]!.endPhyOffset < minCommitLogOffset) {
      this.indexFiles.shift()!.destroy();
    }
  }

  /** Deletes every file (a rebuild re-indexes from the CommitLog). */
  destroy(): void {
    for (const file of this.indexFiles) file.destroy();
    this.indexFiles.length = 0;
  }

  /**
   * Flushes `file`; once it is durable, if it is full, the checkpoint's indexMsgTimestamp moves
   * to its end time and the checkpoint is flushed. `done` runs after the file's flush.
   */
  flush(file: IndexFile, done: () => void = () => {}): void {
    const indexMsgTimestamp = file.isFull() ? file.endTimestamp : 0;
    file.flush(() => {
      if (indexMsgTimestamp > 0) {
        this.checkpoint.indexMsgTimestamp = indexMsgTimestamp;
        this.checkpoint.flush();
      }
      done();
    });
  }

  /** Puts the key, rolling to a new file each time the current one is full (undefined: no room for one). */
  private putKey(file: IndexFile, req: DispatchRequest, keyHash: number): IndexFile | undefined {
    let current: IndexFile | undefined = file;
    while (current !== undefined && !current.putKey(keyHash, req.commitLogOffset, req.storeTimestamp))
      current = this.lastFileForWrite();
    return current;
  }

  /** The newest file unless it is full; else a new one (undefined if the disk has no room), and the full one is flushed. */
  private lastFileForWrite(): IndexFile | undefined {
    const last = this.indexFiles[this.indexFiles.length - 1];
    if (last !== undefined && !last.isFull()) return last;
    let file: IndexFile;
    try {
      file = IndexFile.create(this.disk, this.dir, this.freshName(), this.geometry, last);
    } catch (error) {
      if (error instanceof DiskError && error.code === 'ENOSPC') return undefined;
      throw error;
    }
    this.indexFiles.push(file);
    if (last !== undefined) this.flush(last);
    return file;
  }

  private freshName(): string {
    let time = this.now();
    while (this.disk.exists(`${this.dir}/${indexFileName(time)}`)) time++;
    return indexFileName(time);
  }
}
