// queue-exclusive: an orderly group consumes each queue with one consumer at a time. RocketMQ 4.9
// makes it so with two locks: a consumer takes a queue only once the broker's RebalanceLockManager
// lets it (a lock that lives 60 s unless renewed, every 20 s), and consumes only while its own
// ProcessQueue lock is younger than 30 s; a queue given away is released at the broker only after
// the call consuming it has returned. So once another consumer has consumed from a queue, the one
// before it consumes from it again only after the group changed (a consumer killed, restarted,
// cut off, paused: some fault), never while the new owner holds it.
// Flagged: consumer X consumes from queue q, then Y does (at t2), then X again (at t3), with no
// fault of any kind in (t2, t3]: X and Y consumed q at once.
// Not checked: concurrently consuming groups (no lock: a rebalance may overlap), and what a fault
// in between allows (a consumer paused past its locks' lives may find its queue taken).
import { formatTime, isConsume, isNemesis, type History, type Violation } from '../history.ts';

export function checkQueueExclusive(history: History, orderlyGroups: ReadonlySet<string>): Violation[] {
  const violations: Violation[] = [];
  /** Per group and queue: who consumed it last, and since when each other consumer was replaced. */
  const queues = new Map<string, { last: string; replacedAt: Map<string, number> }>();
  for (const op of history) {
    if (isNemesis(op)) {
      // A fault may change the group: what came before no longer binds anyone.
      for (const q of queues.values()) q.replacedAt.clear();
      continue;
    }
    if (!isConsume(op) || !orderlyGroups.has(op.value.group)) continue;
    const v = op.value;
    const queue = `${v.group} ${v.topic}/${v.brokerName}/${v.queueId}`;
    const state = queues.get(queue);
    if (state === undefined) {
      queues.set(queue, { last: v.consumer, replacedAt: new Map() });
      continue;
    }
    if (state.last === v.consumer) continue;
    const replaced = state.replacedAt.get(v.consumer);
    if (replaced !== undefined) {
      violations.push({
        property: 'queue-exclusive',
        key: v.key,
        explanation: `group ${v.group}: ${v.consumer} consumed ${v.key} from ${v.brokerName}/${v.queueId} at ${formatTime(op.time)}, though ${state.last} had consumed from that queue since ${formatTime(replaced)} and nothing changed the group meanwhile`,
      });
    }
    state.replacedAt.set(state.last, op.time);
    state.last = v.consumer;
  }
  return violations;
}
