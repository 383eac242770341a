// BROADCASTING consumers keep their offsets in a local file that is never fsynced; a power loss on
// one consumer's machine loses the file, and CONSUME_FROM_LAST_OFFSET then skips what was sent
// while it was down (20 messages at seeds 1-5).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'broadcasting-power-loss',
  title: 'Broadcasting: a lost local offset file skips messages',
  lesson: {
    teaches:
      'Broadcasting consumers store progress on their own disk, so a power loss can make them skip messages.',
    expect:
      'consumer-1 loses power at 20 s and restarts at 26 s: with its offsets.json gone it starts from the end of each queue and never sees the 20 messages sent while it was down (lost is violated for myConsumerGroup@consumer-1, at seeds 1-5); consumer-2 sees all 150.',
    why: "LocalFileOffsetStore writes ~/.rocketmq_offsets/<clientId>/<group>/offsets.json every 5 s without fsync; after a power loss the file is gone and computePullFromWhere applies CONSUME_FROM_LAST_OFFSET, i.e. the queue's max offset, skipping what arrived in between. Broadcasting has no broker-side offsets and no retries.",
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, messageModel: 'BROADCASTING' }] },
  workload: { messages: 150, intervalMs: 300 },
  faults: {
    schedule: [
      { at: 20_000, fault: 'power-off', node: 'consumer-1' },
      { at: 26_000, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['unexpected', 'cq-consistent'],
  demonstrates: ['lost'],
} satisfies ScenarioInput;
