// A consumer killed before its offsets were persisted: its queues' messages since the last
// commit are delivered again, to its restarted self or to the other consumer.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'consumer-crash-redelivery',
  title: 'A consumer crash redelivers what it consumed since the last offset commit',
  lesson: {
    teaches: 'Push consumers are at-least-once: a consumer crash redelivers messages it had already handled.',
    expect:
      "consumer-1 is killed at 33 s, while the group works through its backlog, and restarted at 40 s: messages it handled after its last offset persist are consumed again (76 redeliveries of 200 messages: duplicated is violated), and nothing is lost. The group only starts consuming at about 31 s, when the auto-created topic reaches the NameServer with the broker's 30 s registration.",
    why: 'The client keeps consumed offsets in memory (RemoteBrokerOffsetStore) and sends them to the broker only every 5 s (persistConsumerOffsetInterval) or with a pull; a kill loses the uncommitted progress, so after the rebalance the queue is pulled again from the last committed offset.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, serviceTimeMs: 100, consumeThreads: 4 }] },
  workload: { messages: 200, intervalMs: 50 },
  faults: {
    schedule: [
      { at: 33_000, fault: 'kill', node: 'consumer-1' },
      { at: 40_000, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
