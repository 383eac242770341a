// The seed article's quick start: one NameServer, broker-a, a producer in myProducerGroup sending
// synchronously to myTopic with TagA, and myConsumerGroup consuming concurrently. No faults.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'quick-start',
  title: 'Quick start: one NameServer, one broker, sync sends, a concurrent consumer',
  lesson: {
    teaches: 'Without faults, every synchronously acknowledged message is consumed exactly once.',
    expect:
      'All 50 messages are acknowledged SEND_OK, stored and consumed once: lost, duplicated and unexpected all hold.',
    why: "A sync send returns once the broker has appended the message to the CommitLog (page cache); the ReputMessageService then dispatches it to a ConsumeQueue and wakes the push consumer's long-polling pull. The consumer commits its offset after CONSUME_SUCCESS, and nothing crashes, so nothing is redelivered.",
  },
  seed: 1,
  topology: {
    namesrvs: 1,
    brokers: [{ brokerName: 'broker-a' }],
    producers: [{ group: 'myProducerGroup', sendMode: 'sync' }],
    consumerGroups: [{ group: 'myConsumerGroup', consumeMode: 'concurrently' }],
  },
  workload: { topic: 'myTopic', tags: ['TagA'], messages: 50 },
  run: { durationMs: 30_000, drainMs: 30_000 },
  guarantees: ['lost', 'duplicated', 'unexpected', 'cq-consistent', 'liveness'],
  demonstrates: [],
} satisfies ScenarioInput;
