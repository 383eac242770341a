// A consumer killed before its offsets were persisted: its queues' messages since the last
// commit are delivered again, to its restarted self or to the other consumer (seeds 1-5 all show it).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'consumer-crash-redelivery',
  title: 'A consumer crash redelivers what it consumed since the last offset commit',
  lesson: {
    teaches: 'Push consumers are at-least-once: a consumer crash redelivers messages it had already handled.',
    expect:
      '300 messages are sent from 3 s to 9.7 s and the two consumers (4 threads, 500 ms a message) work through the backlog at 16 a second. consumer-1 is killed at 15.5 s, just before its next 5 s offset persist, and restarted at 22.5 s: consumer-2 takes over its queues at once, and the restarted consumer-1 takes two back; the messages consumer-1 had handled since its last persist at 11 s are consumed again (39 redeliveries at seed 1, 36-39 at seeds 1-5: duplicated is violated), and nothing is lost.',
    why: 'The client keeps consumed offsets in memory (RemoteBrokerOffsetStore) and sends them to the broker only every 5 s (persistConsumerOffsetInterval, first 10 s after start) or with its next pull; once the backlog is pulled, the pulls wait at the broker (long polling) and carry nothing newer. A kill loses the uncommitted progress, so after the rebalance the queue is pulled again from the last committed offset.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, serviceTimeMs: 500, consumeThreads: 4 }] },
  workload: { messages: 300, intervalMs: 20 },
  faults: {
    schedule: [
      { at: 15_500, fault: 'kill', node: 'consumer-1' },
      { at: 22_500, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
