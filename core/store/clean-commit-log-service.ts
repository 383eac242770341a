// Retention: the clean-up services delete CommitLog files whose last write is older than
// fileReservedTime hours, then the ConsumeQueue files and IndexFiles that only point below the
// CommitLog's new minimum, and move each queue's minimum offset up.
// Simplifications: deletion runs whenever files have expired (RocketMQ waits for the deleteWhen
// hour, "04", unless the disk is nearly full; disk-space triggers are not modelled); a file's
// last write time is the store time of its last record, as seen by this process (after a
// restart, the restart time, since the simulated disk keeps no mtime).
import type { Env } from '../env.ts';
import type { CommitLog } from './commit-log.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { IndexService } from './index-service.ts';
import type { MessageStoreConfig } from './message-store-config.ts';

export class CleanCommitLogService {
  /** Last write time per CommitLog file start offset. */
  private readonly lastWrite = new Map<number, number>();

  constructor(
    private readonly env: Env,
    private readonly commitLog: CommitLog,
    private readonly consumeQueues: ConsumeQueueStore,
    private readonly indexService: IndexService | undefined,
    private readonly config: MessageStoreConfig,
  ) {}

  start(): void {
    const now = this.env.now();
    for (const file of this.commitLog.queue.files) this.lastWrite.set(file.fileFromOffset, now);
    this.schedule();
  }

  /** The CommitLog file starting at `fileFromOffset` was written at `timestamp`. */
  touched(fileFromOffset: number, timestamp: number): void {
    this.lastWrite.set(fileFromOffset, timestamp);
  }

  private schedule(): void {
    this.env.setTimer(this.config.cleanResourceInterval, () => {
      this.deleteExpired();
      this.schedule();
    });
  }

  private deleteExpired(): void {
    const reservedMs = this.config.fileReservedTime * 3_600_000;
    const now = this.env.now();
    const deleted = this.commitLog.queue.deleteExpired(
      (file) => now - (this.lastWrite.get(file.fileFromOffset) ?? now) > reservedMs,
    );
    if (deleted.length === 0) return;
    this.env.probe('store.retention-deleted');
    for (const file of deleted) this.lastWrite.delete(file.fileFromOffset);
    const minOffset = this.commitLog.minOffset();
    this.consumeQueues.deleteExpiredFile(minOffset);
    this.indexService?.deleteExpiredFile(minOffset);
    this.env.trace('store.retention', { deletedFiles: deleted.length, minOffset });
  }
}
