// retried: a message whose delivery a group's handler failed (RECONSUME_LATER) is delivered to the
// group again until a delivery succeeds: at-least-once through failures. In clustering,
// concurrent consumption sends the message back to the broker (a %RETRY% copy on a delay level) or,
// when the send-back fails, retries it in the consumer itself; orderly consumption retries in the
// consumer. A failure past which the group never handled the message means RocketMQ dropped it:
// the send-back was lost, or answered without storing, or the delay service skipped it.
// Success is what the handler did (its effect); messages whose handler fails every delivery are
// dlq's business and are left out by the caller. A pure function of the history.
import {
  deliveriesByGroup,
  formatTime,
  isEffect,
  type ConsumeOp,
  type History,
  type Violation,
} from '../history.ts';

/** `failed(op)`: whether the group's handler answered that delivery RECONSUME_LATER. */
export function checkRetried(
  history: History,
  groups: readonly string[],
  failed: (op: ConsumeOp) => boolean,
): Violation[] {
  const handledAt = new Map<string, number>(); // group + key -> time of the last effect
  for (const op of history) {
    if (isEffect(op)) handledAt.set(`${op.value.group}\0${op.value.key}`, op.time);
  }
  const violations: Violation[] = [];
  for (const group of groups) {
    const lastFailure = new Map<string, ConsumeOp>();
    for (const op of deliveriesByGroup(history).get(group) ?? []) {
      if (failed(op)) lastFailure.set(op.value.key, op);
    }
    for (const [key, op] of lastFailure) {
      if ((handledAt.get(`${group}\0${key}`) ?? -1) >= op.time) continue;
      const { reconsumeTimes, topic } = op.value;
      violations.push({
        property: 'retried',
        key,
        explanation: `group ${group}'s handler failed ${key} (delivered from ${topic} with reconsumeTimes ${reconsumeTimes}) at ${formatTime(op.time)}, and the group never handled it after: it was not delivered again`,
      });
    }
  }
  return violations;
}
