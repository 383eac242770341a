// liveness: once the faults are over, the system recovers: every acknowledged message reaches
// every group subscribed to its topic within `withinMs` of the later of its acknowledgement and
// the last fault (the last nemesis op, which heals). A message whose deadline falls after the end
// of the run cannot be judged. Whether it is consumed at all, however late, is lost's business.
import {
  firstDeliveries,
  formatTime,
  historyIndex,
  sendOutcomes,
  type ConsumeOp,
  type History,
  type SendOp,
  type Violation,
} from '../history.ts';

export interface LivenessOptions {
  readonly withinMs: number;
  /** The time the run (its final drain included) ended. */
  readonly endMs: number;
}

/** `subscriptions`: topic to the consumer groups that must see every acknowledged message of it. */
export function checkLiveness(
  history: History,
  subscriptions: ReadonlyMap<string, readonly string[]>,
  options: LivenessOptions,
): Violation[] {
  const healedAt = historyIndex(history).nemesis.at(-1)?.time ?? 0;
  const firsts = firstDeliveries(history);
  const violations: Violation[] = [];
  // forEach, as recordHistory's one-shot pass (properties/history-recorder.ts).
  sendOutcomes(history).forEach((send) => {
    if (send.type !== 'ok') return;
    const { key } = send.value;
    for (const group of subscriptions.get(send.value.topic) ?? []) {
      const deadline = Math.max(healedAt, send.time) + options.withinMs;
      if (deadline > options.endMs) continue;
      const delivery = firsts.get(group)?.get(key);
      if (delivery !== undefined && delivery.time <= deadline) continue;
      violations.push({
        property: 'liveness',
        key,
        explanation: explain(send, group, delivery, healedAt, options),
      });
    }
  });
  return violations;
}

function explain(
  send: SendOp,
  group: string,
  delivery: ConsumeOp | undefined,
  healedAt: number,
  { withinMs, endMs }: LivenessOptions,
): string {
  const since =
    send.time >= healedAt ? 'it was acknowledged' : `the last fault healed at ${formatTime(healedAt)}`;
  const acked = `${send.value.key}, acknowledged at ${formatTime(send.time)},`;
  if (delivery !== undefined) {
    return `${acked} was first consumed by group ${group} at ${formatTime(delivery.time)}, more than ${formatTime(withinMs)} after ${since}`;
  }
  const deadline = Math.max(healedAt, send.time) + withinMs;
  return `${acked} was never consumed by group ${group}, though it was due by ${formatTime(deadline)} (${formatTime(withinMs)} after ${since}) and the run went on to ${formatTime(endMs)}`;
}
