// A handler that always fails on every 10th message: the message is retried 16 times on the
// broker's delay levels (10 s up to 2 h, about 4 h 46 min in all), then sent to %DLQ%myConsumerGroup.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'retries-to-dlq',
  title: 'Failed messages: 16 retries on the delay levels, then the dead-letter queue',
  lesson: {
    teaches:
      'A message whose handler keeps failing is redelivered on a growing schedule and finally parked in the DLQ.',
    expect:
      'm0 and m10 fail every time: each is delivered 17 times (the first delivery and 16 retries, spaced 10 s, 30 s, 1 min … 2 h), then stored in %DLQ%myConsumerGroup; retry-schedule and dlq hold, the other messages are consumed once.',
    why: 'RECONSUME_LATER makes the client send the message back (consumerSendMsgBack); the broker stores it in SCHEDULE_TOPIC_XXXX at delay level 3 + reconsumeTimes, and the ScheduleMessageService moves it to %RETRY%myConsumerGroup when due. When reconsumeTimes reaches maxReconsumeTimes (16) the broker writes it to %DLQ%myConsumerGroup instead, which no consumer subscribes to.',
  },
  seed: 1,
  topology: { consumerGroups: [{ handler: { kind: 'fail', every: 10, times: 'always' } }] },
  workload: { messages: 20, intervalMs: 100 },
  run: { durationMs: 60_000, drainMs: 17_600_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent', 'retry-schedule', 'dlq'],
  demonstrates: [],
} satisfies ScenarioInput;
