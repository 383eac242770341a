// An operator resets myConsumerGroup's offsets to a time in the middle of the run (mqadmin
// resetOffsetByTime): every message stored since then is delivered again (seeds 1-5 all show it).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'backtrack-by-time',
  title: 'Backtracking: resetting a group to a time re-delivers what came after it',
  lesson: {
    teaches: 'Messages stay on the broker after consumption, so a group can be rewound to a point in time.',
    expect:
      'The 150 messages are stored from 3 s to about 18 s and consumed at once. At 40 s the group is reset to the time of 10 s: the 81 messages stored at or after 10 s are delivered a second time, the earlier ones are not (backtrack holds; duplicated is violated, on purpose, at seeds 1-5).',
    why: "Consumption only moves the group's offset; the CommitLog keeps messages for fileReservedTime (72 h). resetOffsetByTime asks each master for searchOffset(timestamp), a binary search on the store timestamps of a ConsumeQueue, and pushes the offsets to the clients, which drop their process queues, wait 10 s and pull again from there.",
  },
  seed: 1,
  workload: {
    messages: 150,
    intervalMs: 100,
    resets: [{ atMs: 40_000, toMs: 10_000, group: 'myConsumerGroup' }],
  },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent', 'backtrack'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
