// unexpected: a delivery of a message no send ever attempted, or whose send definitely failed
// (Jepsen: a dequeued value with no invocation; a `fail` means it did not happen).
import {
  deliveriesByGroup,
  sendOutcomes,
  attemptedKeys,
  formatTime,
  type History,
  type Violation,
} from '../history.ts';

export function checkUnexpected(history: History): Violation[] {
  const attempted = attemptedKeys(history);
  const outcomes = sendOutcomes(history);
  const violations: Violation[] = [];
  for (const [group, deliveries] of deliveriesByGroup(history)) {
    for (const { value: v, time } of deliveries) {
      const failed = outcomes.get(v.key)?.type === 'fail';
      if (attempted.has(v.key) && !failed) continue;
      const why = failed
        ? 'whose send failed (the broker said it did not store it)'
        : 'that no producer ever sent';
      violations.push({
        property: 'unexpected',
        key: v.key,
        explanation: `group ${group} consumed ${v.key} at ${formatTime(time)} from ${v.brokerName}/${v.queueId} offset ${v.queueOffset}, a message ${why}`,
      });
    }
  }
  return violations;
}
