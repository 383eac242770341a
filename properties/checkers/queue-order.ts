// queue-order: within one group and one queue, first deliveries come in queue-offset order. A
// redelivery of an offset already seen is not an order violation (duplicated covers it).
import { deliveriesByGroup, formatTime, type ConsumeOp, type History, type Violation } from '../history.ts';

/** One queue as a group has consumed it: the offsets delivered, and the highest first delivery. */
interface QueueSeen {
  readonly name: string;
  readonly offsets: Set<number>;
  top: ConsumeOp | undefined;
}

export function checkQueueOrder(history: History): Violation[] {
  const violations: Violation[] = [];
  for (const [group, deliveries] of deliveriesByGroup(history)) {
    const queues = new Map<string, Map<string, Map<number, QueueSeen>>>(); // topic -> brokerName -> by queue id
    // Indexed: a pass made once a run runs mostly unoptimized, where for-of makes an iterator
    // result a delivery.
    for (let i = 0; i < deliveries.length; i++) {
      const op = deliveries[i]!;
      const v = op.value;
      const queue = queueSeen(queues, v);
      if (queue.offsets.has(v.queueOffset)) continue;
      queue.offsets.add(v.queueOffset);
      const top = queue.top;
      if (top !== undefined && v.queueOffset < top.value.queueOffset) {
        violations.push({
          property: 'queue-order',
          key: v.key,
          explanation: `group ${group} first consumed ${v.key} (offset ${v.queueOffset} of ${queue.name}) at ${formatTime(op.time)}, after ${top.value.key} at offset ${top.value.queueOffset}`,
        });
      } else queue.top = op;
    }
  }
  return violations;
}

/** The delivery's queue, found with no text made for it (its name is written once). */
function queueSeen(
  queues: Map<string, Map<string, Map<number, QueueSeen>>>,
  v: ConsumeOp['value'],
): QueueSeen {
  let byBroker = queues.get(v.topic);
  if (byBroker === undefined) queues.set(v.topic, (byBroker = new Map()));
  let byId = byBroker.get(v.brokerName);
  if (byId === undefined) byBroker.set(v.brokerName, (byId = new Map()));
  let queue = byId.get(v.queueId);
  if (queue === undefined) {
    queue = { name: `${v.topic}/${v.brokerName}/${v.queueId}`, offsets: new Set(), top: undefined };
    byId.set(v.queueId, queue);
  }
  return queue;
}
