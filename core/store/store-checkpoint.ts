// The StoreCheckpoint file, <root>/checkpoint: the store times up to which the CommitLog
// (physicMsgTimestamp), the ConsumeQueues (logicsMsgTimestamp) and the IndexFiles
// (indexMsgTimestamp) are known to be durable. Abnormal recovery re-dispatches from the last
// CommitLog file older than minTimestamp() (minTimestampIndex() when the index must be safe).
// The fields live in memory; the services that own them set them, and only flush() writes them.
// Simplification: the 4 KB page is written through the Disk and fsynced, not mapped; a process
// kill keeps the written page (page cache), a power loss keeps only what a completed flush made
// durable, as for RocketMQ's mapped page. The file is created by its first flush (RocketMQ maps
// it at start), so on a full disk that first write can fail: the flush is then skipped.
import { DiskError, type Disk } from '../env.ts';
import {
  CHECKPOINT_FILE_SIZE,
  decodeCheckpoint,
  encodeCheckpoint,
  minTimestamp,
  minTimestampIndex,
  type StoreCheckpoint as CheckpointFields,
} from './checkpoint-format.ts';

export class StoreCheckpoint implements CheckpointFields {
  readonly path: string;
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;

  constructor(
    private readonly disk: Disk,
    rootDir: string,
  ) {
    this.path = `${rootDir}/checkpoint`;
  }

  /** Reads the fields from the file if it exists (a short file reads as zeros); returns whether it did. */
  load(): boolean {
    if (!this.disk.exists(this.path)) return false;
    const cp = decodeCheckpoint(this.disk.read(this.path, 0, CHECKPOINT_FILE_SIZE));
    this.physicMsgTimestamp = cp.physicMsgTimestamp;
    this.logicsMsgTimestamp = cp.logicsMsgTimestamp;
    this.indexMsgTimestamp = cp.indexMsgTimestamp;
    return true;
  }

  /** Writes the page in place and fsyncs it; `done` runs once it is durable (at once if the disk had no room). */
  flush(done: () => void = () => {}): void {
    try {
      this.disk.write(this.path, 0, encodeCheckpoint(this));
    } catch (error) {
      if (!(error instanceof DiskError)) throw error;
      return done();
    }
    this.disk.flush(this.path, () => done());
  }

  /** min(physic, logics) - 3 s, never below 0. */
  minTimestamp(): number {
    return minTimestamp(this);
  }

  /** min(minTimestamp(), indexMsgTimestamp). */
  minTimestampIndex(): number {
    return minTimestampIndex(this);
  }
}
