// ASYNC_FLUSH broker whose machine loses power mid-workload: everything acknowledged but not yet
// flushed from the page cache is gone, and the queues' offsets start again below the consumer's
// (48 messages sent after the restart are never delivered, at seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'async-flush-power-loss',
  title: 'ASYNC_FLUSH: a power loss loses acknowledged messages',
  lesson: {
    teaches:
      'With ASYNC_FLUSH a SEND_OK is not durable: a power loss drops what was still in the page cache.',
    expect:
      "Power fails on the master at 8 s and it restarts at 15 s. The 49 messages acknowledged SEND_OK before the failure were all still in the page cache: recovery finds an empty CommitLog, and the final store holds only what was sent after the restart. The consumer had already consumed those 49, so the loss shows elsewhere: each queue starts again from offset 0 while the consumer's offsets stand at 12, so the 48 messages sent after the restart land below them and are never delivered (lost is violated at seeds 1-5).",
    why: "ASYNC_FLUSH acknowledges after the write to the page cache; FlushRealTimeService flushes only when flushCommitLogLeastPages (4 pages, 16 KB) are dirty or every 10 s (flushCommitLogThoroughInterval). 49 small messages fill less than 16 KB and the power fails before the 10 s flush, so none of them reached the disk; recovery truncates the CommitLog at the last valid record on disk, and the ConsumeQueues with it. Consumer offsets are not in the CommitLog: the client keeps its own and sends them back to the restarted broker, so the group's position stays ahead of the rewritten queues.",
  },
  seed: 1,
  topology: { brokers: [{ brokerName: 'broker-a', flushDiskType: 'ASYNC_FLUSH' }] },
  workload: { messages: 100, intervalMs: 100 },
  faults: {
    schedule: [
      { at: 8_000, fault: 'power-off', node: 'broker-a-master' },
      { at: 15_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 40_000, drainMs: 60_000 },
  guarantees: ['unexpected', 'cq-consistent'],
  demonstrates: ['lost'],
} satisfies ScenarioInput;
