// Ordered sends consumed by a concurrent listener with several threads: per-queue order is lost
// because consecutive messages of a queue run in parallel.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'concurrent-reordering',
  title: 'Ordered sends, concurrent consumer: order is not promised',
  lesson: {
    teaches:
      'Ordered sending is not enough: a MessageListenerConcurrently consumes a queue in parallel, so per-key order is not promised.',
    expect:
      'Ordered sends of 4 sharding keys, consumed concurrently with 8 threads: key-order is checked but not guaranteed. In this model it happens to hold, because every handler call takes the same 30 ms and the pool starts them in queue order; with varying service times, later messages finish first.',
    why: 'ConsumeMessageConcurrentlyService hands each pulled message (consumeMessageBatchMaxSize 1) to its own thread from a shared pool, with no per-queue lock, so two messages of one queue can be handled at the same time and finish in either order. Only MessageListenerOrderly takes the ProcessQueue consume lock and the broker queue lock.',
  },
  seed: 1,
  topology: { consumerGroups: [{ consumeThreads: 8, serviceTimeMs: 30 }] },
  workload: { messages: 200, intervalMs: 5, shardingKeys: 4 },
  run: { durationMs: 30_000, drainMs: 30_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
