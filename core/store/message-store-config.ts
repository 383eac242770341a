// MessageStoreConfig: the store's settings under RocketMQ's names, with RocketMQ's defaults.
// Scenarios shrink the file sizes so that rolling, retention and recovery across files happen
// within a short run. Times are ms unless the name says otherwise (fileReservedTime: hours).
import { z } from 'zod';

const GiB = 1024 * 1024 * 1024;
const positiveInt = z.number().int().positive();

export const messageStoreConfigSchema = z
  .strictObject({
    storePathRootDir: z.string().min(1).default('store'),
    mappedFileSizeCommitLog: positiveInt.default(GiB),
    /** 300,000 entries of 20 bytes. */
    mappedFileSizeConsumeQueue: positiveInt.default(300_000 * 20),
    flushDiskType: z.enum(['ASYNC_FLUSH', 'SYNC_FLUSH']).default('ASYNC_FLUSH'),
    brokerRole: z.enum(['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE']).default('ASYNC_MASTER'),
    flushIntervalCommitLog: positiveInt.default(500),
    flushCommitLogLeastPages: z.number().int().nonnegative().default(4),
    flushCommitLogThoroughInterval: positiveInt.default(10_000),
    syncFlushTimeout: positiveInt.default(5_000),
    flushIntervalConsumeQueue: positiveInt.default(1_000),
    flushConsumeQueueLeastPages: z.number().int().nonnegative().default(2),
    flushConsumeQueueThoroughInterval: positiveInt.default(60_000),
    /** Hours a CommitLog file is kept after its last write. */
    fileReservedTime: z.number().positive().default(72),
    /** How often the clean-up service looks for expired files. */
    cleanResourceInterval: positiveInt.default(10_000),
    /** Past 85% used, the clean-up deletes the oldest CommitLog files whether expired or not. */
    cleanFileForciblyEnable: z.boolean().default(true),
    maxMessageSize: positiveInt.max(4 * 1024 * 1024).default(4 * 1024 * 1024),
    messageIndexEnable: z.boolean().default(true),
    messageIndexSafe: z.boolean().default(false),
    maxHashSlotNum: positiveInt.default(5_000_000),
    maxIndexNum: positiveInt.default(20_000_000),
    checkCRCOnRecover: z.boolean().default(true),
    /** A pull returns at most this many bytes / messages when they are in memory, or on disk. */
    maxTransferBytesOnMessageInMemory: positiveInt.default(256 * 1024),
    maxTransferCountOnMessageInMemory: positiveInt.default(32),
    maxTransferBytesOnMessageInDisk: positiveInt.default(64 * 1024),
    maxTransferCountOnMessageInDisk: positiveInt.default(8),
    /** Messages within this share of physical memory behind the end count as in memory. */
    accessMessageInMemoryMaxRatio: z.number().int().min(0).max(100).default(40),
    /**
     * The machine's memory (RocketMQ asks the OS): with the ratio above it decides when a message
     * is "on disk", and when the master suggests that consumers pull from a slave.
     */
    physicalMemoryBytes: positiveInt.default(16 * GiB),
    /** A slave corrects a consumer's bad pull offset only if this is set. */
    offsetCheckInSlave: z.boolean().default(false),
    /** The delay levels, as RocketMQ's messageDelayLevel string. */
    messageDelayLevel: z
      .string()
      .regex(/^(\d+[smhd])( \d+[smhd])*$/, 'space-separated durations such as "1s 5s 1m 2h"')
      .default('1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h'),
    /**
     * RocketMQ's ReputMessageService polls every 1 ms; here a put schedules the dispatch that
     * many ms later instead, which gives the same lag without an idle event every millisecond.
     */
    reputDelayMs: z.number().nonnegative().default(1),
  })
  .superRefine((config, ctx) => {
    if (config.mappedFileSizeConsumeQueue % 20 !== 0) {
      const message = 'must be a multiple of the 20-byte ConsumeQueue entry';
      ctx.addIssue({ code: 'custom', path: ['mappedFileSizeConsumeQueue'], message });
    }
  });

export type MessageStoreConfig = z.output<typeof messageStoreConfigSchema>;
export type MessageStoreConfigInput = z.input<typeof messageStoreConfigSchema>;

/** The OS page size RocketMQ's "least pages" flush thresholds count in. */
export const OS_PAGE_SIZE = 4096;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The delay of each level, level 1 first, in ms. */
export function parseDelayLevels(text: string): number[] {
  return text.split(' ').map((part) => Number(part.slice(0, -1)) * UNIT_MS[part.slice(-1)]!);
}
