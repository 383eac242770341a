// key-order (OpenChaos' order checker): per sharding key, the messages a group consumes for the
// first time come in the order their sends were acknowledged. Messages never consumed are the
// lost checker's business; redeliveries are tolerated.
import { deliveriesByGroup, isSend, formatTime, type History, type Violation } from '../history.ts';

export function checkKeyOrder(history: History): Violation[] {
  const ackOrder = new Map<string, { shard: string; rank: number }>();
  const ranks = new Map<string, number>();
  for (const op of history) {
    if (!isSend(op) || op.type !== 'ok' || op.value.shardingKey === undefined) continue;
    const shard = op.value.shardingKey;
    const rank = ranks.get(shard) ?? 0;
    ranks.set(shard, rank + 1);
    ackOrder.set(op.value.key, { shard, rank });
  }
  const violations: Violation[] = [];
  for (const [group, deliveries] of deliveriesByGroup(history)) {
    const firstSeen = new Set<string>();
    const lastRank = new Map<string, { rank: number; key: string }>();
    for (const { value: v, time } of deliveries) {
      const order = ackOrder.get(v.key);
      if (order === undefined || firstSeen.has(v.key)) continue;
      firstSeen.add(v.key);
      const previous = lastRank.get(order.shard);
      if (previous !== undefined && order.rank < previous.rank) {
        violations.push({
          property: 'key-order',
          key: v.key,
          explanation: `group ${group} first consumed ${v.key} (sharding key ${order.shard}, acknowledged #${order.rank + 1}) at ${formatTime(time)}, after ${previous.key} (acknowledged #${previous.rank + 1})`,
        });
      } else lastRank.set(order.shard, { rank: order.rank, key: v.key });
    }
  }
  return violations;
}
