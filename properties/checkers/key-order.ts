// key-order (OpenChaos' order checker, per producer as RocketMQ's ordered send promises it): for
// each producer P and sharding key k, take the sends P made with k that were acknowledged, in the
// order P's acknowledgements came (an ordered send is sync, so that is the order P sent them, each
// after the previous returned). Every group must consume those messages, each the first time it
// sees it, in that order. Why per producer: RocketMQ's ordered send puts one producer's messages of
// a key into one queue in the order it sent them; two producers sending the same key at once race
// into that queue, and no order between them is promised.
// Not checked: messages never consumed (`lost`), redeliveries, sends whose outcome is unknown or
// failed (an unknown one may be stored anywhere in the sequence), and order across keys.
import { deliveriesByGroup, historyIndex, formatTime, type History, type Violation } from '../history.ts';

export function checkKeyOrder(history: History): Violation[] {
  const ackOrder = new Map<string, { sequence: string; shard: string; producer: string; rank: number }>();
  const ranks = new Map<string, number>();
  for (const op of historyIndex(history).sends) {
    if (op.type !== 'ok' || op.value.shardingKey === undefined) continue;
    const shard = op.value.shardingKey;
    const sequence = `${op.process}\u0000${shard}`;
    const rank = ranks.get(sequence) ?? 0;
    ranks.set(sequence, rank + 1);
    ackOrder.set(op.value.key, { sequence, shard, producer: op.process, rank });
  }
  const violations: Violation[] = [];
  for (const [group, deliveries] of deliveriesByGroup(history)) {
    const firstSeen = new Set<string>();
    const lastRank = new Map<string, { rank: number; key: string }>();
    for (const { value: v, time } of deliveries) {
      const order = ackOrder.get(v.key);
      if (order === undefined || firstSeen.has(v.key)) continue;
      firstSeen.add(v.key);
      const previous = lastRank.get(order.sequence);
      if (previous !== undefined && order.rank < previous.rank) {
        violations.push({
          property: 'key-order',
          key: v.key,
          explanation: `group ${group} first consumed ${v.key} (sharding key ${order.shard}, acknowledged #${order.rank + 1} of ${order.producer}'s) at ${formatTime(time)}, after ${previous.key} (acknowledged #${previous.rank + 1})`,
        });
      } else lastRank.set(order.sequence, { rank: order.rank, key: v.key });
    }
  }
  return violations;
}
