// ConsumerManageProcessor: RocketMQ 4.9's GET_CONSUMER_LIST_BY_GROUP, UPDATE_CONSUMER_OFFSET and
// QUERY_CONSUMER_OFFSET.
// - GET_CONSUMER_LIST_BY_GROUP answers the clientIds of the group's connections, or SYSTEM_ERROR
//   when the group has none.
// - UPDATE_CONSUMER_OFFSET commits the offset unconditionally (a lower one too; any role).
// - QUERY_CONSUMER_OFFSET answers the committed offset. With none, 4.9 answers 0 with SUCCESS
//   (not QUERY_NOT_FOUND) when the queue's min offset is <= 0 and its offset 0 is not "in disk"
//   (checkInDiskByConsumeOffset: the entry is absent, or its CommitLog offset is within
//   accessMessageInMemoryMaxRatio% of physical memory behind the CommitLog's end). So a new
//   group whose clients say CONSUME_FROM_LAST_OFFSET starts from 0 on a young queue.
// Simplifications: none in the logic (bodies are objects here, JSON on the wire: command-bodies.ts).
import { z } from 'zod';
import { RequestCode } from '../protocol/request-code.ts';
import { response } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { DefaultMessageStore } from '../store/message-store.ts';
import type { BrokerContext, RequestProcessor } from './broker-context.ts';
import { malformed } from '../protocol/remoting-command.ts';
import type { ConsumerManager } from './consumer-manager.ts';
import { javaInt, javaLong } from '../protocol/header-reader.ts';
import { plainSafeParse } from '../protocol/plain-reader.ts';

const queueHeader = { consumerGroup: z.string().min(1), topic: z.string().min(1), queueId: javaInt() };
export const queryConsumerOffsetRequestHeaderSchema = z.object(queueHeader);
export const updateConsumerOffsetRequestHeaderSchema = z.object({
  ...queueHeader,
  commitOffset: javaLong(),
});
export const getConsumerListByGroupRequestHeaderSchema = z.object({ consumerGroup: z.string().min(1) });

const readConsumerListHeader = plainSafeParse(getConsumerListByGroupRequestHeaderSchema);
const readUpdateOffsetHeader = plainSafeParse(updateConsumerOffsetRequestHeaderSchema);
const readQueryOffsetHeader = plainSafeParse(queryConsumerOffsetRequestHeaderSchema);

/** GetConsumerListByGroupResponseBody. */
export interface GetConsumerListByGroupResponseBody {
  consumerIdList: string[];
}

/** DefaultMessageStore.checkInDiskByConsumeOffset: is the message at `consumeOffset` out of memory? */
export function checkInDiskByConsumeOffset(
  store: DefaultMessageStore,
  topic: string,
  queueId: number,
  consumeOffset: number,
): boolean {
  const entry = store.consumeQueues.find(topic, queueId)?.get(consumeOffset);
  if (entry === undefined) return false;
  const { physicalMemoryBytes, accessMessageInMemoryMaxRatio } = store.config;
  const memory = Math.floor(physicalMemoryBytes * (accessMessageInMemoryMaxRatio / 100));
  return store.commitLog.maxOffset() - entry.commitLogOffset > memory;
}

export function consumerManageProcessors(
  ctx: BrokerContext,
  consumers: ConsumerManager,
): Map<number, RequestProcessor> {
  const getConsumerListByGroup: RequestProcessor = (req, reply) => {
    const header = readConsumerListHeader(req.extFields ?? {});
    if (!header.success) return reply?.answer(malformed('GET_CONSUMER_LIST_BY_GROUP header', header.error));
    const group = header.data.consumerGroup;
    const consumerIdList = consumers.getConsumerGroupInfo(group)?.getAllClientId() ?? [];
    const body: GetConsumerListByGroupResponseBody = { consumerIdList };
    reply?.answer(
      consumerIdList.length > 0
        ? response(ResponseCode.SUCCESS, undefined, undefined, body)
        : response(ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`),
    );
  };
  const updateConsumerOffset: RequestProcessor = (req, reply, from) => {
    const header = readUpdateOffsetHeader(req.extFields ?? {});
    if (!header.success) return reply?.answer(malformed('UPDATE_CONSUMER_OFFSET header', header.error));
    const { consumerGroup, topic, queueId, commitOffset } = header.data;
    ctx.offsets.commitOffset(from, consumerGroup, topic, queueId, commitOffset);
    reply?.answer(response(ResponseCode.SUCCESS));
  };
  const queryConsumerOffset: RequestProcessor = (req, reply) => {
    const header = readQueryOffsetHeader(req.extFields ?? {});
    if (!header.success) return reply?.answer(malformed('QUERY_CONSUMER_OFFSET header', header.error));
    const { consumerGroup, topic, queueId } = header.data;
    const offset = ctx.offsets.queryOffset(consumerGroup, topic, queueId);
    if (offset >= 0) return reply?.answer(response(ResponseCode.SUCCESS, undefined, { offset }));
    const minOffset = ctx.store.getMinOffsetInQueue(topic, queueId);
    if (minOffset <= 0 && !checkInDiskByConsumeOffset(ctx.store, topic, queueId, 0)) {
      return reply?.answer(response(ResponseCode.SUCCESS, undefined, { offset: 0 }));
    }
    reply?.answer(
      response(
        ResponseCode.QUERY_NOT_FOUND,
        'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first',
      ),
    );
  };
  return new Map([
    [RequestCode.GET_CONSUMER_LIST_BY_GROUP, getConsumerListByGroup],
    [RequestCode.UPDATE_CONSUMER_OFFSET, updateConsumerOffset],
    [RequestCode.QUERY_CONSUMER_OFFSET, queryConsumerOffset],
  ]);
}
