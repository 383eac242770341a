// backtrack: an offset reset (mqadmin resetOffsetByTime) of a group on a topic to time T rewinds
// the group to the first message stored at or after T, so every message of that topic stored at
// or after T that the group had already been delivered must be delivered to it again after the
// reset. Messages stored before T need not come again. Only deliveries from the topic's own
// queues count (reconsumeTimes 0): a retry copy lives in %RETRY%<group>, has its own store time,
// and is not rewound. Messages first delivered after the reset, or never, are left to lost.
import {
  deliveriesByGroup,
  formatTime,
  isResetOffset,
  type ConsumeOp,
  type History,
  type ResetOffsetOp,
  type Violation,
} from '../history.ts';

const iso = (epochMs: number) => new Date(epochMs).toISOString();

export function checkBacktrack(history: History): Violation[] {
  const byGroup = deliveriesByGroup(history);
  const violations: Violation[] = [];
  for (const reset of history.filter(isResetOffset)) {
    const { group, topic } = reset.value;
    const byKey = new Map<string, ConsumeOp[]>();
    for (const op of byGroup.get(group) ?? []) {
      if (op.value.topic !== topic || op.value.reconsumeTimes !== 0) continue;
      byKey.set(op.value.key, [...(byKey.get(op.value.key) ?? []), op]);
    }
    for (const [key, ops] of byKey) {
      const violation = notRedelivered(reset, key, ops);
      if (violation !== undefined) violations.push(violation);
    }
  }
  return violations;
}

/** `ops`: the message's deliveries from the topic's queues to the reset group, in history order. */
function notRedelivered(reset: ResetOffsetOp, key: string, ops: ConsumeOp[]): Violation | undefined {
  const { group, topic, timestamp } = reset.value;
  const stored = ops.find((op) => op.value.storeTimestamp >= timestamp);
  if (stored === undefined || ops[0]!.index > reset.index) return undefined;
  if (ops.some((op) => op.index > reset.index)) return undefined;
  const last = ops[ops.length - 1]!;
  return {
    property: 'backtrack',
    key,
    explanation: `after the reset of group ${group} on topic ${topic} to ${iso(timestamp)} (at ${formatTime(reset.time)}), ${key} (stored at ${iso(stored.value.storeTimestamp)}, not before the reset time) was never delivered again; its last delivery was at ${formatTime(last.time)}`,
  };
}
