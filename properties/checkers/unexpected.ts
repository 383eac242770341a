// unexpected: a delivery of a message no send ever attempted, or whose send definitely failed
// (Jepsen: a dequeued value with no invocation; a `fail` means it did not happen).
import { historyIndex, formatTime, type History, type Violation } from '../history.ts';

export function checkUnexpected(history: History): Violation[] {
  const { sendOutcomes, unfinishedKeys, deliveriesByGroup } = historyIndex(history);
  const violations: Violation[] = [];
  // forEach and an index, as recordHistory's one-shot pass (properties/history-recorder.ts).
  deliveriesByGroup.forEach((deliveries, group) => {
    for (let i = 0; i < deliveries.length; i++) {
      const { value: v, time } = deliveries[i]!;
      const outcome = sendOutcomes.get(v.key);
      const failed = outcome?.type === 'fail';
      const attempted = outcome !== undefined || unfinishedKeys.has(v.key);
      if (attempted && !failed) continue;
      const why = failed
        ? 'whose send failed (the broker said it did not store it)'
        : 'that no producer ever sent';
      violations.push({
        property: 'unexpected',
        key: v.key,
        explanation: `group ${group} consumed ${v.key} at ${formatTime(time)} from ${v.brokerName}/${v.queueId} offset ${v.queueOffset}, a message ${why}`,
      });
    }
  });
  return violations;
}
