// SYNC_FLUSH broker whose machine loses power mid-workload: the broker acknowledges only after the
// fsync, so every acknowledged message survives.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'sync-flush-power-loss',
  title: 'SYNC_FLUSH: a power loss loses nothing acknowledged',
  lesson: {
    teaches: 'SYNC_FLUSH makes SEND_OK durable against power loss on the broker machine.',
    expect:
      'The same power loss as async-flush-power-loss (8 s, restart at 15 s): the CommitLog still holds all 97 acknowledged messages, the queues go on from the same offsets, and every acknowledged message is consumed, those sent after the restart too (lost holds at seeds 1-5); the 3 sends attempted while the broker is down time out (outcome unknown).',
    why: 'With SYNC_FLUSH the GroupCommitService flushes the CommitLog (force) up to the message before the broker answers SEND_OK (or FLUSH_DISK_TIMEOUT after syncFlushTimeout 5 s), so an acknowledged message is on disk when the power fails; recovery (abort file present, recoverAbnormally) re-dispatches it to its ConsumeQueue.',
  },
  seed: 1,
  topology: { brokers: [{ brokerName: 'broker-a', flushDiskType: 'SYNC_FLUSH' }] },
  workload: { messages: 100, intervalMs: 100 },
  faults: {
    schedule: [
      { at: 8_000, fault: 'power-off', node: 'broker-a-master' },
      { at: 15_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 40_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
