// An orderly consumer paused (a long GC) past the broker's 60 s lock expiry while the other
// consumer of its group takes its queues; when it wakes up both consume the same queues.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'paused-orderly-lock-expiry',
  title: 'A paused orderly consumer outlives its queue locks',
  lesson: {
    teaches: 'Orderly consumption relies on time-limited broker locks, which a long pause can outlive.',
    expect:
      'consumer-1 is paused at 10 s for 150 s; the broker expires its channel and its locks, consumer-2 takes its queues, and when consumer-1 resumes it goes on with the batch it held: messages are delivered twice.',
    why: 'RebalanceLockManager expires a (group, queue) lock 60 s after its last renewal and the broker drops a consumer channel silent for 120 s, which triggers a rebalance giving consumer-2 the queues. A paused JVM renews nothing and checks nothing; on waking it trusts its local lock (30 s) for the turn in progress until its next lockAll or rebalance, so the two consumers overlap on a queue.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, consumeMode: 'orderly', serviceTimeMs: 200 }] },
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
