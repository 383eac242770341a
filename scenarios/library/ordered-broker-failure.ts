// Ordered sends over two broker groups; broker-a's master is down for a while. The publish list
// shrinks, SelectMessageQueueByHash maps keys to other queues, and per-key order breaks.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'ordered-broker-failure',
  title: 'Ordered messages across a broker failure: the hash moves keys, order breaks',
  lesson: {
    teaches: 'Hash-based ordered sending keeps order only while the set of queues stays the same.',
    expect:
      "broker-a-master is killed at 8 s and restarted at 60 s: while it is gone the producer hashes every key onto broker-b's queues, and the orderly group consumes newer messages of a key before the older ones stuck on broker-a (key-order is violated).",
    why: "SelectMessageQueueByHash picks abs(key.hashCode() % n) over the writable master queues; when broker-a leaves the route n drops from 8 to 4 and keys move to other queues (the ordered send itself is a single attempt). Orderly consumption orders a queue, not a key, so the backlog still on broker-a comes after the key's newer messages on broker-b.",
  },
  seed: 1,
  topology: {
    brokers: [{ brokerName: 'broker-a' }, { brokerName: 'broker-b' }],
    consumerGroups: [{ consumeMode: 'orderly', serviceTimeMs: 50 }],
  },
  workload: { messages: 300, intervalMs: 100, shardingKeys: 4, startAtMs: 3_000 },
  faults: {
    schedule: [
      { at: 8_000, fault: 'kill', node: 'broker-a-master' },
      { at: 60_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 90_000, drainMs: 120_000 },
  guarantees: ['unexpected', 'cq-consistent'],
  demonstrates: ['key-order'],
} satisfies ScenarioInput;
