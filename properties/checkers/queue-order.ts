// queue-order: within one group and one queue, first deliveries come in queue-offset order. A
// redelivery of an offset already seen is not an order violation (duplicated covers it).
import { deliveriesByGroup, formatTime, type History, type Violation } from '../history.ts';

export function checkQueueOrder(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const [group, deliveries] of deliveriesByGroup(history)) {
    const seen = new Map<string, Set<number>>();
    const highest = new Map<string, { offset: number; key: string }>();
    for (const { value: v, time } of deliveries) {
      const queue = `${v.topic}/${v.brokerName}/${v.queueId}`;
      const offsets = seen.get(queue) ?? new Set<number>();
      if (offsets.has(v.queueOffset)) continue;
      offsets.add(v.queueOffset);
      seen.set(queue, offsets);
      const top = highest.get(queue);
      if (top !== undefined && v.queueOffset < top.offset) {
        violations.push({
          property: 'queue-order',
          key: v.key,
          explanation: `group ${group} first consumed ${v.key} (offset ${v.queueOffset} of ${queue}) at ${formatTime(time)}, after ${top.key} at offset ${top.offset}`,
        });
      } else highest.set(queue, { offset: v.queueOffset, key: v.key });
    }
  }
  return violations;
}
