// lost: an acknowledged send (ok: SEND_OK, or stored with FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT
// or SLAVE_NOT_AVAILABLE) that a group subscribed to its topic never consumed, and never can: no
// running broker stores it any more, or the group's position has moved past it. An acknowledged
// message the group has not consumed but still can (stored, at or past its position) is not lost
// but backlog: the run ended first. Whether a message is still within reach is the caller's to say
// (`reach`, from the final stores and offsets); without it every unconsumed message is lost.
// A send whose outcome is unknown (info) is never lost: if it was consumed anyway it is
// `recovered` (Jepsen's total-queue). A failed send (fail) must not be consumed: `unexpected`
// covers that.
import { firstDeliveries, sendOutcomes, formatTime, type History, type Violation } from '../history.ts';

export interface LostResult {
  violations: Violation[];
  /** Keys whose send ended unknown but which some group consumed. */
  recovered: string[];
  /** Acknowledged messages a group has not consumed yet but still can, by group. */
  backlog: { group: string; key: string }[];
}

/** Whether `group` can still consume `key`; if not, why not (it ends lost's explanation). */
export type Reach = (group: string, key: string) => { reachable: true } | { reachable: false; why: string };

const unreachable: Reach = () => ({ reachable: false, why: '' });

/** `subscriptions`: topic to the consumer groups that must see every acknowledged message of it. */
export function checkLost(
  history: History,
  subscriptions: ReadonlyMap<string, readonly string[]>,
  reach: Reach = unreachable,
): LostResult {
  const consumed = firstDeliveries(history);
  const violations: Violation[] = [];
  const backlog: { group: string; key: string }[] = [];
  const recovered = new Set<string>();
  // forEach, as recordHistory's one-shot pass (properties/history-recorder.ts).
  sendOutcomes(history).forEach((outcome) => {
    const { key } = outcome.value;
    const groups = subscriptions.get(outcome.value.topic) ?? [];
    for (const group of groups) {
      const seen = consumed.get(group)?.has(key) ?? false;
      if (outcome.type === 'info' && seen) recovered.add(key);
      if (outcome.type !== 'ok' || seen) continue;
      const reached = reach(group, key);
      if (reached.reachable) {
        backlog.push({ group, key });
        continue;
      }
      const where =
        outcome.value.queueId === undefined
          ? ''
          : ` at ${outcome.value.brokerName}/${outcome.value.queueId} offset ${outcome.value.queueOffset}`;
      violations.push({
        property: 'lost',
        key,
        explanation:
          `message ${key} was acknowledged (${outcome.value.sendStatus ?? 'SEND_OK'}) at ${formatTime(outcome.time)}${where}, and group ${group} never consumed it` +
          (reached.why === '' ? '' : ` and never can: ${reached.why}`),
      });
    }
  });
  return { violations, recovered: [...recovered].sort(), backlog };
}
