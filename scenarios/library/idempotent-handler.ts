// Consumer crashes with an idempotent handler: deliveries are duplicated, effects are not (seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'idempotent-handler',
  title: 'An idempotent handler turns at-least-once delivery into effects-once',
  lesson: {
    teaches:
      "Duplicates are the application's job: remember processed keys and redeliveries become harmless.",
    expect:
      "The same consumer crash as consumer-crash-redelivery (consumer-1 killed at 15.5 s, restarted at 22.5 s): 39 deliveries are duplicates at seed 1, 36-39 at seeds 1-5 (duplicated is violated), but each message's effect is applied once (effects-once holds).",
    why: "RocketMQ delivers at least once (offsets committed every 5 s, rebalances, producer retries). The handler records each message key in its own database and skips a key it has already applied; the record survives the consumer's crash because it lives outside the process.",
  },
  seed: 1,
  topology: {
    consumerGroups: [
      { consumers: 2, serviceTimeMs: 500, consumeThreads: 4, handler: { kind: 'idempotent' } },
    ],
  },
  workload: { messages: 300, intervalMs: 20 },
  faults: {
    schedule: [
      { at: 15_500, fault: 'kill', node: 'consumer-1' },
      { at: 22_500, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent', 'effects-once'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
