// duplicated: a message one group consumed more than once, each extra delivery attributed to a
// cause found in the history:
// - producer-retry: the message was stored twice (another queue position, the same UNIQ_KEY), as
//   when a send's response was lost and the producer retried;
// - reconsume: a redelivery with a higher reconsume count than every earlier one (RECONSUME_LATER:
//   a retry copy, stored in %RETRY%<group> at a position of its own);
// - rebalance-overlap: the same stored copy delivered to two consumers of the group;
// - consumer-crash: the same copy delivered again (to the same consumer, or to the one that took
//   its queue over) after a fault on the node of the consumer that had it, before its offset was
//   persisted;
// - offset-reset: the same copy delivered again after an offset reset;
// - fault-elsewhere: the same copy delivered again to the same consumer after a fault on another
//   node (a broker that lost the offsets it had not persisted, a partition that cut a commit);
// - unexplained: none of the above (a bug, or a cause the history does not show).
import {
  deliveriesByGroup,
  firstDeliveries,
  type ConsumeOp,
  formatTime,
  type History,
  isNemesis,
  historyIndex,
  type NemesisOp,
  type ResetOffsetOp,
  type Violation,
} from '../history.ts';

export type DuplicateCause =
  | 'producer-retry'
  | 'reconsume'
  | 'rebalance-overlap'
  | 'consumer-crash'
  | 'offset-reset'
  | 'fault-elsewhere'
  | 'unexplained';

export interface Duplicate extends Violation {
  readonly group: string;
  readonly cause: DuplicateCause;
}

const position = (op: ConsumeOp) => `${op.value.brokerName}/${op.value.queueId}@${op.value.queueOffset}`;

export function checkDuplicated(history: History): Duplicate[] {
  const faults = historyIndex(history).faultsAndResets;
  const duplicates: Duplicate[] = [];
  const firsts = firstDeliveries(history);
  // forEach and an index, as recordHistory's one-shot pass (properties/history-recorder.ts).
  deliveriesByGroup(history).forEach((deliveries, group) => {
    const firstOf = firsts.get(group)!;
    /** The deliveries so far of each key delivered more than once (most keys are delivered once). */
    const earlier = new Map<string, ConsumeOp[]>();
    for (let i = 0; i < deliveries.length; i++) {
      const op = deliveries[i]!;
      const first = firstOf.get(op.value.key)!;
      if (first === op) continue;
      let before = earlier.get(op.value.key);
      if (before === undefined) earlier.set(op.value.key, (before = [first]));
      const cause = causeOf(op, before, faults);
      duplicates.push({
        property: 'duplicated',
        key: op.value.key,
        group,
        cause,
        explanation: `group ${group} consumed ${op.value.key} again at ${formatTime(op.time)} (${op.value.consumer}, ${position(op)}), first at ${formatTime(first.time)} (${first.value.consumer}, ${position(first)}): ${cause}`,
      });
      before.push(op);
    }
  });
  return duplicates;
}

function causeOf(
  op: ConsumeOp,
  before: ConsumeOp[],
  faults: readonly (NemesisOp | ResetOffsetOp)[],
): DuplicateCause {
  // A retry copy lives in %RETRY%<group>, at a position of its own, with a higher reconsume count.
  if (before.every((b) => op.value.reconsumeTimes > b.value.reconsumeTimes)) return 'reconsume';
  const samePosition = before.filter((b) => position(b) === position(op));
  if (samePosition.length === 0) return 'producer-retry';
  const last = samePosition[samePosition.length - 1]!;
  const between = faults.filter((f) => f.index > last.index && f.index < op.index);
  const hit = (consumer: string) =>
    between.some((f) => isNemesis(f) && JSON.stringify(f.value).includes(consumer));
  // The consumer that had it crashed before committing: it comes again, to it or to whoever took its queue.
  if (hit(last.value.consumer)) return 'consumer-crash';
  if (last.value.consumer !== op.value.consumer) return 'rebalance-overlap';
  if (between.some((f) => f.f === 'reset-offset')) return 'offset-reset';
  if (between.some((f) => isNemesis(f) && f.f !== 'skipped')) return 'fault-elsewhere';
  return 'unexplained';
}
