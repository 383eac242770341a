// ASYNC_FLUSH broker whose machine loses power mid-workload: everything acknowledged but not yet
// flushed from the page cache is gone.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'async-flush-power-loss',
  title: 'ASYNC_FLUSH: a power loss loses acknowledged messages',
  lesson: {
    teaches:
      'With ASYNC_FLUSH a SEND_OK is not durable: a power loss drops what was still in the page cache.',
    expect:
      'Power fails on the master at 8 s and it restarts at 15 s: about 49 messages that were acknowledged SEND_OK are never consumed (lost is violated).',
    why: 'ASYNC_FLUSH acknowledges after the write to the page cache; FlushRealTimeService flushes only when flushCommitLogLeastPages (4 pages, 16 KB) are dirty or every 10 s (flushCommitLogThoroughInterval). Small messages rarely fill 4 pages, so seconds of acknowledged messages sit unflushed; a power loss drops them and recovery truncates the CommitLog at the last valid record on disk.',
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
