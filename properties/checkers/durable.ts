// durable: every acknowledged send is still stored at the end, on some running broker (master or
// slave) of the group that stored it. `lost` looks at consumption, so a message consumed before
// a crash erased it is not lost to it; this checker sees that the broker no longer has it, which
// is what a group that has not consumed it yet (or one that backtracks) would find.
import { formatTime, sendOutcomes, type History, type Violation } from '../history.ts';

export function checkDurable(history: History, stored: ReadonlySet<string>): Violation[] {
  const violations: Violation[] = [];
  for (const outcome of sendOutcomes(history).values()) {
    if (outcome.type !== 'ok' || stored.has(outcome.value.key)) continue;
    const { key, brokerName, queueId, queueOffset, sendStatus } = outcome.value;
    const where = brokerName === undefined ? '' : ` at ${brokerName}/${queueId} offset ${queueOffset}`;
    violations.push({
      property: 'durable',
      key,
      explanation: `message ${key} was acknowledged (${sendStatus ?? 'SEND_OK'}) at ${formatTime(outcome.time)}${where}, and no running broker${brokerName === undefined ? '' : ` of ${brokerName}`} stores it at the end`,
    });
  }
  return violations;
}
