// An orderly consumer paused (a long GC) past the broker's 60 s lock expiry while the other
// consumer of its group takes its queues; when it wakes up it finishes a message the other has
// already handled (4 duplicates at seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'paused-orderly-lock-expiry',
  title: 'A paused orderly consumer outlives its queue locks',
  lesson: {
    teaches: 'Orderly consumption relies on time-limited broker locks, which a long pause can outlive.',
    expect:
      "consumer-1 (1 s per message) is paused at 40 s, in the middle of handling m72, and resumes at 190 s. Its two queues stall: their broker locks lapse at 82 s (60 s after the last renewal), but consumer-2 is given the queues only once the broker drops consumer-1's silent connection at 160 s (120 s after its last heartbeat); it then locks them and goes on from the committed offsets, so m71, handled just before the pause but not committed, comes a second time. On waking, consumer-1 first completes m72, which consumer-2 has handled in the meantime: two consumers of one orderly group have both handled the same message. 4 duplicates in all (duplicated is violated).",
    why: 'RebalanceLockManager lets a (group, queue) lock lapse 60 s after its last renewal, but a queue moves to another consumer only when the member list changes, and the broker drops a consumer whose heartbeats (every 30 s) have stopped only after 120 s. A paused JVM renews nothing and checks nothing: when it wakes, the handler call in progress completes before the client sees that its locks are gone. Orderly consumption is at-least-once too; the handler must tolerate a message it has already handled.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, consumeMode: 'orderly', serviceTimeMs: 1_000 }] },
  workload: { messages: 200, intervalMs: 500, shardingKeys: 4 },
  faults: {
    schedule: [
      { at: 40_000, fault: 'pause', node: 'consumer-1' },
      { at: 190_000, fault: 'resume', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 200_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
