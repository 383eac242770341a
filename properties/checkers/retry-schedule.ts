// retry-schedule: in concurrent consumption (clustering), a delivery the listener fails
// (RECONSUME_LATER) is sent back to the broker with delay level 3 + its reconsumeTimes, so the
// delivery with reconsumeTimes r (r >= 1) comes at delay level 2 + r after an earlier delivery of
// the same message to the group with reconsumeTimes r - 1: not before that delay after the first
// of them (a consumer crash can deliver r - 1 again after its send-back already went out), and not
// later than the delay plus `slackMs` after the latest (route polling, pulls and rebalances take
// time). A
// redelivery with no r - 1 delivery before it skipped a level. Only the first redelivery after a
// given r - 1 delivery is judged late: later copies are duplicates (the duplicated checker's
// business). Whether a failed delivery came back at all is the dlq checker's business (the
// history does not say which deliveries failed). Orderly groups retry locally: leave them out.
// A send-back that fails (the broker down, or its disk full) makes the consumer retry locally: the
// same stored message comes again 5 s later with reconsumeTimes one higher (4.9's
// submitConsumeRequestLater). Such a redelivery (the same queue and offset as the r - 1 delivery
// just before it) is judged against those 5 s instead of the level's delay.
import {
  deliveriesByGroup,
  formatTime,
  groupOps,
  isConsume,
  type ConsumeOp,
  type History,
  type Violation,
} from '../history.ts';

/** RocketMQ's default messageDelayLevel "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h". */
export const DEFAULT_DELAY_LEVELS_MS: readonly number[] = [
  1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
].map((s) => s * 1000);

export interface RetryScheduleOptions {
  /** The concurrently consuming groups to check. */
  readonly groups: readonly string[];
  /** Level 1 at index 0; RocketMQ's default unless given. */
  readonly delayLevelsMs?: readonly number[];
  readonly slackMs: number;
}

/** ConsumeMessageConcurrentlyService's local retry after a failed send-back (submitConsumeRequestLater). */
export const LOCAL_RETRY_DELAY_MS = 5_000;

/** The same stored message: a local retry redelivers the record it has, not a new one. */
function sameRecord(a: ConsumeOp, b: ConsumeOp): boolean {
  const { brokerName, topic, queueId, queueOffset } = a.value;
  return (
    brokerName === b.value.brokerName &&
    topic === b.value.topic &&
    queueId === b.value.queueId &&
    queueOffset === b.value.queueOffset
  );
}

/** The delay level of the delivery with reconsumeTimes r; the broker caps it at the highest level. */
export function retryLevel(r: number, levels: readonly number[] = DEFAULT_DELAY_LEVELS_MS): number {
  return Math.min(2 + r, levels.length);
}

export function checkRetrySchedule(history: History, options: RetryScheduleOptions): Violation[] {
  const levels = options.delayLevelsMs ?? DEFAULT_DELAY_LEVELS_MS;
  const violations: Violation[] = [];
  for (const [group, deliveries] of deliveriesByGroup(history)) {
    if (!options.groups.includes(group)) continue;
    const byKey = groupOps(deliveries, isConsume, (op) => op.value.key);
    for (const ops of byKey.values()) violations.push(...checkMessage(group, ops, levels, options.slackMs));
  }
  return violations;
}

/** One message's deliveries to one group, in history order. */
function checkMessage(group: string, ops: ConsumeOp[], levels: readonly number[], slackMs: number) {
  const first = new Map<number, ConsumeOp>(); // reconsumeTimes -> first delivery so far
  const latest = new Map<number, ConsumeOp>(); // reconsumeTimes -> latest delivery so far
  const judgedLate = new Set<ConsumeOp>(); // anchors whose first redelivery was already judged
  const violations: Violation[] = [];
  for (const op of ops) {
    const r = op.value.reconsumeTimes;
    const anchor = latest.get(r - 1);
    const got = `group ${group} got ${op.value.key} with reconsumeTimes ${r} at ${formatTime(op.time)}`;
    const violation = (why: string) => ({ property: 'retry-schedule', key: op.value.key, explanation: why });
    latest.set(r, op);
    if (!first.has(r)) first.set(r, op);
    if (r < 1) continue;
    if (anchor === undefined) {
      violations.push(
        violation(`${got}, but never with reconsumeTimes ${r - 1} before: a retry level was skipped`),
      );
      continue;
    }
    const local = sameRecord(op, anchor);
    const level = retryLevel(r, levels);
    const delay = local ? LOCAL_RETRY_DELAY_MS : levels[level - 1]!;
    const wait = local ? 'a local retry' : `delay level ${level}`;
    const since = (from: ConsumeOp) =>
      `${formatTime(op.time - from.time)} after the delivery with reconsumeTimes ${r - 1} at ${formatTime(from.time)}`;
    const earliest = local ? anchor : first.get(r - 1)!;
    if (op.time - earliest.time < delay) {
      violations.push(violation(`${got}, ${since(earliest)}: too early, ${wait} waits ${formatTime(delay)}`));
    } else if (op.time - anchor.time > delay + slackMs && !judgedLate.has(anchor)) {
      violations.push(
        violation(
          `${got}, ${since(anchor)}: too late, ${wait} is ${formatTime(delay)} (allowing ${formatTime(slackMs)} slack)`,
        ),
      );
    }
    judgedLate.add(anchor);
  }
  return violations;
}
