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
      'Power fails on the master at 8 s, mid-workload: the 96 messages stored so far are on disk in the CommitLog, but none of their ConsumeQueue entries is. At the restart (13 s) recovery re-dispatches all 96 from the CommitLog, the queues go on from the same offsets, and every acknowledged message is consumed, those sent after the restart too (lost and cq-consistent hold, at seeds 1-5); the 2 sends attempted while it is down time out (outcome unknown).',
    why: 'SYNC_FLUSH forces only the CommitLog before SEND_OK; ConsumeQueue files are flushed every second only once 2 pages (8 KB, 400 entries) are dirty, so their tail lives in the page cache. After a power loss the abort file is still there, recoverAbnormally starts from a CommitLog file older than the checkpoint and re-dispatches every valid record to its ConsumeQueue and the IndexFile.',
  },
  seed: 1,
  topology: { brokers: [{ brokerName: 'broker-a', flushDiskType: 'SYNC_FLUSH' }] },
  workload: { messages: 300, intervalMs: 50 },
  faults: {
    schedule: [
      { at: 8_000, fault: 'power-off', node: 'broker-a-master' },
      { at: 13_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 40_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
