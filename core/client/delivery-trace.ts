// The `consumer.deliver` trace event: one per message handed to a listener, the record the
// history and its checkers read (both consume services write it the same way).
import type { Env } from '../env.ts';
import type { MessageExt } from '../message/message.ts';
import type { MessageQueue } from './message-queue.ts';

export function traceDelivery(
  env: Env,
  msg: MessageExt,
  mq: MessageQueue,
  who: { group: string; clientId: string; orderly: boolean },
): void {
  // `orderly` is added in place, last: no object spread per delivery.
  const fields: Record<string, unknown> = {
    key: msg.getKeys(),
    uniqKey: msg.getUniqKey(),
    group: who.group,
    clientId: who.clientId,
    topic: msg.topic,
    queueTopic: mq.topic,
    brokerName: mq.brokerName,
    queueId: mq.queueId,
    queueOffset: msg.queueOffset,
    reconsumeTimes: msg.reconsumeTimes,
    storeTimestamp: msg.storeTimestamp,
  };
  if (who.orderly) fields.orderly = true;
  env.trace('consumer.deliver', fields);
}
