// Ordered sends over two broker groups; broker-a's master is down for a while. The publish list
// shrinks, SelectMessageQueueByHash maps keys to other queues, and per-key order breaks (seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'ordered-broker-failure',
  title: 'Ordered messages across a broker failure: the hash moves keys, order breaks',
  lesson: {
    teaches: 'Hash-based ordered sending keeps order only while the set of queues stays the same.',
    expect:
      "k0-k2 hash to broker-b's queues and k3 to broker-a's queue 0. broker-a-master is killed at 25 s and restarted at 60 s. The producer learns of it at its route poll at 31 s: until then its k3 sends fail (an ordered send is a single attempt), after that k3 hashes onto broker-b's queue 0. The orderly consumer (800 ms a message) is 14 s behind and still works through the k3 messages it had pulled from broker-a; it consumes the two queues side by side, so k3's newer messages on broker-b come before its older ones (19 key-order violations at seeds 1-5, the first m143, acknowledged #36, after m275, #55). Nothing acknowledged is lost, but 28 messages of broker-a's queue come twice when it is back: it died before writing their consumer offsets to disk, and those the consumer handled from its cache afterwards could not be committed.",
    why: "SelectMessageQueueByHash picks abs(key.hashCode() % n) over the writable queues of the producer's route; when broker-a leaves it n drops from 8 to 4 and keys move. Orderly consumption orders a queue, not a key: the consumer locks each queue and consumes different queues in parallel, so a backlog of k3 on broker-a (still consumable from the client's cache while its 30 s local lock lasts) interleaves with k3's newer messages on broker-b. The broker writes consumer offsets to disk every 5 s (flushConsumerOffsetInterval) and the client cannot commit to a dead broker, so the restarted broker-a serves the queue again from an older offset.",
  },
  seed: 1,
  topology: {
    brokers: [{ brokerName: 'broker-a' }, { brokerName: 'broker-b' }],
    consumerGroups: [{ consumeMode: 'orderly', serviceTimeMs: 800 }],
  },
  workload: { messages: 300, intervalMs: 100, shardingKeys: 4 },
  faults: {
    schedule: [
      { at: 25_000, fault: 'kill', node: 'broker-a-master' },
      { at: 60_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 90_000, drainMs: 120_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['key-order'],
} satisfies ScenarioInput;
