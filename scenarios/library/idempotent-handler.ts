// Consumer crashes with an idempotent handler: deliveries are duplicated, effects are not.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'idempotent-handler',
  title: 'An idempotent handler turns at-least-once delivery into effects-once',
  lesson: {
    teaches:
      "Duplicates are the application's job: remember processed keys and redeliveries become harmless.",
    expect:
      "The same consumer crash as consumer-crash-redelivery: 76 deliveries are duplicates (duplicated is violated), but each message's effect is applied once (effects-once holds).",
    why: "RocketMQ delivers at least once (offsets committed every 5 s, rebalances, producer retries). The handler records each message key in its own database and skips a key it has already applied; the record survives the consumer's crash because it lives outside the process.",
  },
  seed: 1,
  topology: {
    consumerGroups: [
      { consumers: 2, serviceTimeMs: 100, consumeThreads: 4, handler: { kind: 'idempotent' } },
    ],
  },
  workload: { messages: 200, intervalMs: 50 },
  faults: {
    schedule: [
      { at: 33_000, fault: 'kill', node: 'consumer-1' },
      { at: 40_000, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent', 'effects-once'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
