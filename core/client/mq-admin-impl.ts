// MQAdminImpl's queue offset queries (RocketMQ 4.9.x): GET_MAX_OFFSET, GET_MIN_OFFSET and
// SEARCH_OFFSET_BY_TIMESTAMP to the master of the queue's broker group, whose address is fetched
// from a NameServer once when it is not known yet. The answer is the offset, or -1 when there is
// no broker, the request fails or the broker does not answer SUCCESS (Java throws MQClientException;
// every caller here turns that into -1).
import { request } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import { onInvokeResult } from './response-future.ts';

/** The client's admin request timeout (ms), as MQAdminImpl's default. */
export const MQ_ADMIN_TIMEOUT = 3_000;

/** A queue offset query by `code`; `extra` header fields (the timestamp of a search). */
export function queryQueueOffset(
  factory: MQClientInstance,
  mq: MessageQueue,
  code: number,
  extra: Record<string, number>,
  done: (offset: number) => void,
): void {
  const send = (addr: string | undefined) => {
    if (addr === undefined) return done(-1);
    const command = request(code, { topic: mq.topic, queueId: mq.queueId, ...extra });
    factory.invoke(
      addr,
      command,
      MQ_ADMIN_TIMEOUT,
      onInvokeResult((result) => {
        if (!result.ok || result.response.code !== ResponseCode.SUCCESS) return done(-1);
        const offset = Number(result.response.extFields?.['offset']);
        done(Number.isFinite(offset) ? offset : -1);
      }),
    );
  };
  const addr = factory.findBrokerAddressInPublish(mq.brokerName);
  if (addr !== undefined) return send(addr);
  factory.updateTopicRouteInfoFromNameServer(mq.topic, () =>
    send(factory.findBrokerAddressInPublish(mq.brokerName)),
  );
}
