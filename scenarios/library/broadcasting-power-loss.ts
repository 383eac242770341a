// BROADCASTING consumers keep their offsets in a local file that is never fsynced; a power loss on
// one consumer's machine loses the file, and CONSUME_FROM_LAST_OFFSET then skips the backlog.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'broadcasting-power-loss',
  title: 'Broadcasting: a lost local offset file skips messages',
  lesson: {
    teaches:
      'Broadcasting consumers store progress on their own disk, so a power loss can make them skip messages.',
    expect:
      'consumer-1 loses power at 38 s and restarts at 44 s: with its offsets.json gone it starts from the end of each queue and never sees the messages sent while it was down (lost is violated for myConsumerGroup@consumer-1). Both consumers also miss the messages sent before they first got the route (about 31 s): a broadcasting consumer with no offset file starts at the end of each queue.',
    why: "LocalFileOffsetStore writes ~/.rocketmq_offsets/<clientId>/<group>/offsets.json every 5 s without fsync; after a power loss the file is gone and computePullFromWhere applies CONSUME_FROM_LAST_OFFSET, i.e. the queue's max offset, skipping what arrived in between. Broadcasting has no broker-side offsets and no retries.",
  },
  seed: 1,
  topology: { consumerGroups: [{ consumers: 2, messageModel: 'BROADCASTING' }] },
  workload: { messages: 150, intervalMs: 300 },
  faults: {
    schedule: [
      { at: 38_000, fault: 'power-off', node: 'consumer-1' },
      { at: 44_000, fault: 'restart', node: 'consumer-1' },
    ],
  },
  run: { durationMs: 70_000, drainMs: 60_000 },
  guarantees: ['unexpected', 'cq-consistent'],
  demonstrates: ['lost'],
} satisfies ScenarioInput;
