// The master's clock jumps back a minute mid-run; later the group is reset to a time. Store
// timestamps are no longer monotonic, and the time search behind resetOffsetByTime assumes they
// are (seeds 1-5 all show it).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'clock-skew',
  title: 'A broker clock jump confuses time-based offset search',
  lesson: {
    teaches:
      'Store timestamps come from the broker clock; backtracking by time trusts that clock to be monotonic.',
    expect:
      "The master's clock jumps back 60 s at 12 s, so the messages it stores afterwards carry times about a minute in the past; at 40 s the group is reset to 10 s of world time. Misled by those later, older-looking messages, the binary search lands at the end of each queue: nothing is delivered again, and the ~19 messages stored between 10 s and the jump are missed (backtrack is violated at seeds 1-5, 19 or 20 messages).",
    why: 'STORETIMESTAMP is System.currentTimeMillis() on the broker at append; searchOffset does a binary search on the storeTimestamps of a ConsumeQueue, assuming they increase with the offset. A backwards jump makes a stretch of later messages look older than the target time, so the search picks an offset after them.',
  },
  seed: 1,
  workload: {
    messages: 150,
    intervalMs: 100,
    resets: [{ atMs: 40_000, toMs: 10_000, group: 'myConsumerGroup' }],
  },
  faults: { schedule: [{ at: 12_000, fault: 'clock-jump', node: 'broker-a-master', deltaMs: -60_000 }] },
  run: { durationMs: 60_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['backtrack'],
} satisfies ScenarioInput;
