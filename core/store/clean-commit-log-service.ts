// Retention and the disk-space checks (4.9's CleanCommitLogService and its disk check task).
// - The disk check, every 10 s from 1 s after start: past diskSpaceWarningLevelRatio (0.90) of the
//   disk used, the store is marked disk-full and refuses puts (SERVICE_NOT_AVAILABLE); at or
//   below it, the mark is cleared.
// - The clean-up, every cleanResourceInterval: past 0.90 it marks the disk full too, past
//   diskSpaceCleanForciblyRatio (0.85) it cleans "immediately", at or below 0.85 it clears the
//   mark. It deletes CommitLog files whose last write is older than fileReservedTime hours, or,
//   cleaning immediately with cleanFileForciblyEnable, the oldest files whether expired or not
//   (consumed or not), never the last one, at most 10 a round; then the ConsumeQueue files and
//   IndexFiles that only point below the CommitLog's new minimum, and each queue's minimum offset
//   moves up.
// Simplifications: deletion runs whenever files have expired (RocketMQ waits for the deleteWhen
// hour, "04", unless more than diskMaxUsedSpaceRatio, 75%, of the disk is used) and without the
// 100 ms pause between files; a file's last write time is the store time of its last record, as
// seen by this process (after a restart, the restart time, since the simulated disk keeps no
// mtime); the CommitLog and the ConsumeQueues share one disk (4.9 looks at both paths'
// partitions); a disk without a capacity (the simulated default) is never checked, as its ratio
// would stay 0; the first clean-up comes one interval after start (4.9: 60 s).
import type { Env } from '../env.ts';
import type { CommitLog } from './commit-log.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { IndexService } from './index-service.ts';
import type { MessageStoreConfig } from './message-store-config.ts';
import type { RunningFlags } from './running-flags.ts';

/** The system properties rocketmq.broker.diskSpaceWarningLevelRatio and …CleanForciblyRatio. */
export const DISK_SPACE_WARNING_LEVEL_RATIO = 0.9;
export const DISK_SPACE_CLEAN_FORCIBLY_RATIO = 0.85;
/** MappedFileQueue.DELETE_FILES_BATCH_MAX. */
const DELETE_FILES_BATCH_MAX = 10;
const DISK_CHECK_FIRST_MS = 1_000;
const DISK_CHECK_INTERVAL_MS = 10_000;

export class CleanCommitLogService {
  /** Last write time per CommitLog file start offset. */
  private readonly lastWrite = new Map<number, number>();

  constructor(
    private readonly env: Env,
    private readonly commitLog: CommitLog,
    private readonly consumeQueues: ConsumeQueueStore,
    private readonly indexService: IndexService | undefined,
    private readonly config: MessageStoreConfig,
    private readonly flags: RunningFlags,
  ) {}

  start(): void {
    const now = this.env.now();
    for (const file of this.commitLog.queue.files) this.lastWrite.set(file.fileFromOffset, now);
    this.every(this.config.cleanResourceInterval, this.config.cleanResourceInterval, () => this.clean());
    if (Number.isFinite(this.env.disk.usage().capacityBytes))
      this.every(DISK_CHECK_FIRST_MS, DISK_CHECK_INTERVAL_MS, () => this.checkSpace());
  }

  /** The CommitLog file starting at `fileFromOffset` was written at `timestamp`. */
  touched(fileFromOffset: number, timestamp: number): void {
    this.lastWrite.set(fileFromOffset, timestamp);
  }

  private every(firstMs: number, intervalMs: number, task: () => void): void {
    this.env.setTimer(firstMs, () => {
      task();
      this.every(intervalMs, intervalMs, task);
    });
  }

  /** The share of the disk in use (0 for a disk without a capacity). */
  private usedRatio(): number {
    const { usedBytes, capacityBytes } = this.env.disk.usage();
    return Number.isFinite(capacityBytes) && capacityBytes > 0 ? usedBytes / capacityBytes : 0;
  }

  /** isSpaceFull: the disk check task. */
  private checkSpace(): void {
    this.setDiskFull(this.usedRatio() > DISK_SPACE_WARNING_LEVEL_RATIO);
  }

  private setDiskFull(full: boolean): void {
    if (full === this.flags.diskFull) return;
    this.flags.diskFull = full;
    if (full) this.env.probe('store.disk-full');
    this.env.trace(full ? 'store.disk-full' : 'store.disk-ok', { usedRatio: this.usedRatio() });
  }

  /** deleteExpiredFiles, with isSpaceToDelete's marks. */
  private clean(): void {
    const ratio = this.usedRatio();
    if (ratio > DISK_SPACE_WARNING_LEVEL_RATIO) this.setDiskFull(true);
    else if (ratio <= DISK_SPACE_CLEAN_FORCIBLY_RATIO) this.setDiskFull(false);
    const cleanAtOnce = this.config.cleanFileForciblyEnable && ratio > DISK_SPACE_CLEAN_FORCIBLY_RATIO;
    const reservedMs = this.config.fileReservedTime * 3_600_000;
    const now = this.env.now();
    let batch = 0;
    const deleted = this.commitLog.queue.deleteExpired(
      (file) =>
        batch++ < DELETE_FILES_BATCH_MAX &&
        (cleanAtOnce || now - (this.lastWrite.get(file.fileFromOffset) ?? now) > reservedMs),
    );
    if (deleted.length === 0) return;
    this.env.probe('store.retention-deleted');
    for (const file of deleted) this.lastWrite.delete(file.fileFromOffset);
    const minOffset = this.commitLog.minOffset();
    this.consumeQueues.deleteExpiredFile(minOffset);
    this.indexService?.deleteExpiredFile(minOffset);
    const forced = cleanAtOnce ? { forced: true } : {};
    this.env.trace('store.retention', { deletedFiles: deleted.length, minOffset, ...forced });
  }
}
