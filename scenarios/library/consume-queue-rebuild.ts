// SYNC_FLUSH broker losing power while its ConsumeQueue files are not flushed: recovery rebuilds
// the ConsumeQueues from the CommitLog.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'consume-queue-rebuild',
  title: 'ConsumeQueues are rebuilt from the CommitLog after a power loss',
  lesson: {
    teaches:
      'The CommitLog is the source of truth: lost ConsumeQueue entries are rebuilt from it on recovery.',
    expect:
      'Power fails on the master at 20 s, before the ConsumeQueues were flushed; after the restart at 25 s every acknowledged message is consumable again (lost and cq-consistent hold).',
    why: 'SYNC_FLUSH forces only the CommitLog before SEND_OK; ConsumeQueue files are flushed every second only once 2 pages (8 KB, 400 entries) are dirty, so their tail lives in the page cache. After a power loss the abort file is still there, recoverAbnormally starts from a CommitLog file older than the checkpoint and re-dispatches every valid record to its ConsumeQueue and the IndexFile.',
  },
  seed: 1,
  topology: { brokers: [{ brokerName: 'broker-a', flushDiskType: 'SYNC_FLUSH' }] },
  workload: { messages: 200, intervalMs: 50, startAtMs: 3_000 },
  faults: {
    schedule: [
      { at: 20_000, fault: 'power-off', node: 'broker-a-master' },
      { at: 25_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 40_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
