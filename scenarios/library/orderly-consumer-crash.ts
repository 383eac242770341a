// Ordered sends (one sharding key per queue) consumed orderly by two consumers; one consumer is
// killed and restarted. Per-key order holds; messages come twice (24 redeliveries at seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'orderly-consumer-crash',
  title: 'Orderly consumption survives a consumer crash (with duplicates)',
  lesson: {
    teaches:
      'An orderly consumer group keeps per-key order across a consumer crash, at the price of redelivery.',
    expect:
      '400 ordered messages (4 keys, one queue each) are sent by 12 s and each queue is consumed one message at a time (400 ms each), so the group works through a backlog when consumer-1 is killed at 35.5 s; it restarts at 42.5 s. Its two queues stay locked on the broker for the dead client until the lock expires; at about 82 s the restarted consumer-1 locks them and resumes from the offsets persisted at 31 s. key-order holds for every sharding key; the 24 messages consumer-1 handled between 31 s and the crash are delivered again (duplicated is violated).',
    why: "The producer sends each key to one queue (SelectMessageQueueByHash); an orderly consumer consumes a queue only while it holds the broker's lock for it (RebalanceLockManager), one batch at a time, and renews its locks every 20 s. A killed client does not release them: they expire 60 s after the last renewal, and only then can another client (the restarted consumer-1 has a new client id) lock the queue and resume from the committed offset, which the client persists every 5 s. Re-consuming from an older offset repeats messages but never reorders them.",
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, consumeMode: 'orderly', serviceTimeMs: 400 }] },
  workload: { messages: 400, intervalMs: 20, shardingKeys: 4 },
  faults: {
    schedule: [
      { at: 35_500, fault: 'kill', node: 'consumer-1' },
      { at: 42_500, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 120_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent', 'key-order'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
