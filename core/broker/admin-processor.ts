// AdminBrokerProcessor, the part consumers and admin tools use (RocketMQ 4.9), with
// Broker2Client.resetOffset:
// - SEARCH_OFFSET_BY_TIMESTAMP, GET_MAX_OFFSET, GET_MIN_OFFSET: the store's answers for a queue
//   (no topic check, as in 4.9).
// - LOCK_BATCH_MQ / UNLOCK_BATCH_MQ: orderly consumers' queue locks (RebalanceLockManager); a lock
//   answers the queues this client now holds.
// - INVOKE_BROKER_TO_RESET_OFFSET (resetOffsetByTime): for each of the topic's writeQueueNums
//   queues (4.9 iterates write queues), the offset at the timestamp (-1: the max offset; a
//   negative result becomes 0), kept only if lower than the group's committed offset unless
//   isForce. A queue without a committed offset fails the whole request (SYSTEM_ERROR), a group
//   with no online client answers CONSUMER_NOT_ONLINE. Otherwise every client of the group gets a
//   one-way RESET_CONSUMER_CLIENT_OFFSET with the table, and the caller gets it too. The broker
//   does not commit the new offsets itself: the clients do, after their 10 s pause.
// Simplifications: GET_MIN_OFFSET of a queue the store never created answers 0 (4.9 creates the
// queue, whose min offset is 0, where this store answers -1); no client version check; the
// offset table is a list of {mq, offset} (on the wire, the map keyed by MessageQueue that
// fastjson writes: command-bodies.ts).
import { z } from 'zod';
import { RequestCode } from '../protocol/request-code.ts';
import { request, response, type RemotingCommand } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { BrokerContext, RequestProcessor } from './broker-context.ts';
import { malformed } from '../protocol/remoting-command.ts';
import type { ConsumerManager } from './consumer-manager.ts';
import type { MessageQueue } from './rebalance-lock-manager.ts';
import { javaBoolean, javaInt, javaLong } from '../protocol/header-reader.ts';

const queueHeaderSchema = z.object({ topic: z.string().min(1), queueId: javaInt() });
export const searchOffsetRequestHeaderSchema = queueHeaderSchema.extend({ timestamp: javaLong() });
export const resetOffsetRequestHeaderSchema = z.object({
  topic: z.string().min(1),
  group: z.string().min(1),
  timestamp: javaLong(),
  isForce: javaBoolean(z.boolean().default(false)),
});
const messageQueueSchema = z.object({
  topic: z.string().min(1),
  brokerName: z.string().min(1),
  queueId: z.number().int(),
});
export const lockBatchRequestBodySchema = z.object({
  consumerGroup: z.string().min(1),
  clientId: z.string().min(1),
  mqSet: z.array(messageQueueSchema),
});

/** LockBatchResponseBody. */
export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}

/** ResetOffsetBody: the body of RESET_CONSUMER_CLIENT_OFFSET and of the admin's answer. */
export interface ResetOffsetBody {
  offsetTable: { mq: MessageQueue; offset: number }[];
}

export function adminProcessors(
  ctx: BrokerContext,
  consumers: ConsumerManager,
): Map<number, RequestProcessor> {
  const { store } = ctx;
  const queueQuery =
    (name: string, answer: (topic: string, queueId: number) => number): RequestProcessor =>
    (req, reply) => {
      const header = queueHeaderSchema.safeParse(req.extFields ?? {});
      if (!header.success) return reply?.answer(malformed(`${name} header`, header.error));
      reply?.answer(
        response(ResponseCode.SUCCESS, undefined, { offset: answer(header.data.topic, header.data.queueId) }),
      );
    };
  const searchOffsetByTimestamp: RequestProcessor = (req, reply) => {
    const header = searchOffsetRequestHeaderSchema.safeParse(req.extFields ?? {});
    if (!header.success) return reply?.answer(malformed('SEARCH_OFFSET_BY_TIMESTAMP header', header.error));
    const { topic, queueId, timestamp } = header.data;
    reply?.answer(
      response(ResponseCode.SUCCESS, undefined, {
        offset: store.getOffsetInQueueByTime(topic, queueId, timestamp),
      }),
    );
  };
  const lockBatchMQ: RequestProcessor = (req, reply) => {
    const body = lockBatchRequestBodySchema.safeParse(req.body);
    if (!body.success) return reply?.answer(malformed('LOCK_BATCH_MQ body', body.error));
    const { consumerGroup, mqSet, clientId } = body.data;
    const locked: LockBatchResponseBody = {
      lockOKMQSet: [...ctx.locks.tryLockBatch(consumerGroup, mqSet, clientId)],
    };
    reply?.answer(response(ResponseCode.SUCCESS, undefined, undefined, locked));
  };
  const unlockBatchMQ: RequestProcessor = (req, reply) => {
    const body = lockBatchRequestBodySchema.safeParse(req.body);
    if (!body.success) return reply?.answer(malformed('UNLOCK_BATCH_MQ body', body.error));
    ctx.locks.unlockBatch(body.data.consumerGroup, body.data.mqSet, body.data.clientId);
    reply?.answer(response(ResponseCode.SUCCESS));
  };
  const resetOffset: RequestProcessor = (req, reply) => {
    const header = resetOffsetRequestHeaderSchema.safeParse(req.extFields ?? {});
    if (!header.success)
      return reply?.answer(malformed('INVOKE_BROKER_TO_RESET_OFFSET header', header.error));
    reply?.answer(resetOffsetByTime(ctx, consumers, header.data));
  };
  return new Map([
    [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, searchOffsetByTimestamp],
    [RequestCode.GET_MAX_OFFSET, queueQuery('GET_MAX_OFFSET', (t, q) => store.getMaxOffsetInQueue(t, q))],
    [
      RequestCode.GET_MIN_OFFSET,
      queueQuery('GET_MIN_OFFSET', (t, q) => Math.max(0, store.getMinOffsetInQueue(t, q))),
    ],
    [RequestCode.LOCK_BATCH_MQ, lockBatchMQ],
    [RequestCode.UNLOCK_BATCH_MQ, unlockBatchMQ],
    [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, resetOffset],
  ]);
}

/** Broker2Client.resetOffset: computes the table, pushes it to the group's clients, answers it. */
export function resetOffsetByTime(
  ctx: BrokerContext,
  consumers: ConsumerManager,
  { topic, group, timestamp, isForce }: z.output<typeof resetOffsetRequestHeaderSchema>,
): RemotingCommand {
  const topicConfig = ctx.topics.selectTopicConfig(topic);
  if (topicConfig === undefined) {
    return response(
      ResponseCode.SYSTEM_ERROR,
      `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`,
    );
  }
  const table: ResetOffsetBody = { offsetTable: [] };
  for (let queueId = 0; queueId < topicConfig.writeQueueNums; queueId++) {
    const consumerOffset = ctx.offsets.queryOffset(group, topic, queueId);
    if (consumerOffset === -1)
      return response(ResponseCode.SYSTEM_ERROR, `THe consumer group <${group}> not exist`);
    let offset =
      timestamp === -1
        ? ctx.store.getMaxOffsetInQueue(topic, queueId)
        : ctx.store.getOffsetInQueueByTime(topic, queueId, timestamp);
    if (offset < 0) offset = 0;
    const mq = { topic, brokerName: ctx.brokerName, queueId };
    table.offsetTable.push({ mq, offset: isForce || offset < consumerOffset ? offset : consumerOffset });
  }
  const clients = [...(consumers.getConsumerGroupInfo(group)?.channelInfoTable.values() ?? [])];
  if (clients.length === 0) {
    const detail = `Group: ${group} Topic: ${topic} Timestamp: ${timestamp}`;
    return response(
      ResponseCode.CONSUMER_NOT_ONLINE,
      `Consumer not online, so can not reset offset, ${detail}`,
    );
  }
  const push = request(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, { topic, group, timestamp }, table);
  for (const client of clients) ctx.env.net.oneway(client.addr, push);
  ctx.env.trace('broker.reset-offset', { topic, group, timestamp, clients: clients.length });
  return response(ResponseCode.SUCCESS, undefined, undefined, table);
}
