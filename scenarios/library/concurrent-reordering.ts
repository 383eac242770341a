// Ordered sends consumed by a concurrent listener with several threads: per-queue order is lost
// because consecutive messages of a queue run in parallel and finish in either order (seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'concurrent-reordering',
  title: 'Ordered sends, concurrent consumer: order is not promised',
  lesson: {
    teaches:
      'Ordered sending is not enough: a MessageListenerConcurrently consumes a queue in parallel, so per-key order is not promised.',
    expect:
      "Ordered sends of 4 sharding keys (one queue each), consumed concurrently by 8 threads with a handler that takes 10 to 50 ms: a key's messages arrive about 30 ms apart, so a quick handler call often finishes before the slower call for the message ahead of it. At seed 1, 10 messages take effect after a later message of their key (7 to 11 at seeds 1-5): key-order and queue-order are violated.",
    why: 'ConsumeMessageConcurrentlyService hands each pulled message (consumeMessageBatchMaxSize 1) to its own thread from a shared pool, with no per-queue lock, so two messages of one queue can be handled at the same time and finish in either order. Only MessageListenerOrderly takes the ProcessQueue consume lock and the broker queue lock.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumeThreads: 8, serviceTimeMs: [10, 50] }] },
  workload: { messages: 200, intervalMs: 5, shardingKeys: 4 },
  run: { durationMs: 30_000, drainMs: 30_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['key-order', 'queue-order'],
} satisfies ScenarioInput;
