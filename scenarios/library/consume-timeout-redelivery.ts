// A handler call that hangs past consumeTimeout: the consumer's clean-up sends its message back
// while the call still runs, so the message is consumed twice (seeds 1-5 all show it).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'consume-timeout-redelivery',
  title: 'A handler slower than consumeTimeout is redelivered while it still runs',
  lesson: {
    teaches:
      'A concurrent consumer gives up on a handler call that outlives consumeTimeout: the message is sent back and delivered again while the first call still runs.',
    expect:
      "30 messages are sent from 3 s, 100 ms apart; the handler takes 50 ms, but the first call for m0, m10 and m20 hangs for 150 s. consumeTimeout is 1 minute here (RocketMQ's default is 15): the consumer's clean-up runs every minute from its start at 1 s, and at 121 s finds the three calls running for about two minutes, sends each message back with delay level 3 and drops it from its process queue. Ten seconds later each comes back from %RETRY%myConsumerGroup and is consumed (reconsumeTimes 1) at about 131 s, while the first calls end only at 153 to 155 s: m0, m10 and m20 are consumed twice (duplicated is violated), nothing is lost.",
    why: "ConsumeMessageConcurrentlyService runs cleanExpireMsg every consumeTimeout minutes: the first message cached for each queue whose CONSUME_START_TIME is older than consumeTimeout is sent back (CONSUMER_SEND_MSG_BACK, level 3) and removed, so the queue's offset can move past it. Nothing stops the running listener: its side effects happen, and so do the copy's. Orderly consumers are not cleaned (their queue stays locked to the slow call instead).",
  },
  seed: 1,
  topology: {
    consumerGroups: [
      { consumers: 1, serviceTimeMs: 50, consumeTimeout: 1, slowCalls: { every: 10, times: 1, ms: 150_000 } },
    ],
  },
  workload: { messages: 30, intervalMs: 100 },
  run: { durationMs: 30_000, drainMs: 180_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
