// Ordered sends (one sharding key per queue) consumed orderly by two consumers; one consumer is
// killed and restarted. Per-key order holds; messages may come twice.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'orderly-consumer-crash',
  title: 'Orderly consumption survives a consumer crash (with duplicates)',
  lesson: {
    teaches:
      'An orderly consumer group keeps per-key order across a consumer crash, at the price of redelivery.',
    expect:
      'consumer-1 is killed at 33 s, while the group works through its backlog, and restarted at 40 s: key-order holds for every sharding key; messages consumer-1 handled after its last offset commit are delivered again (100 redeliveries of 200 messages).',
    why: 'The producer sends each key to one queue (SelectMessageQueueByHash); an orderly consumer consumes a queue only while it holds the broker lock (RebalanceLockManager) for it, one batch at a time. After the crash the lock expires (60 s) or is released, the other consumer locks the queue and resumes from the committed offset, in queue order; re-consuming from an older offset repeats messages but never reorders them.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, consumeMode: 'orderly', serviceTimeMs: 20 }] },
  workload: { messages: 200, intervalMs: 50, shardingKeys: 4 },
  faults: {
    schedule: [
      { at: 33_000, fault: 'kill', node: 'consumer-1' },
      { at: 40_000, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 120_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent', 'key-order'],
  demonstrates: [],
} satisfies ScenarioInput;
