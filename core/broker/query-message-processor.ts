// QueryMessageProcessor: QUERY_MESSAGE (the messages indexed under topic#key within a store-time
// range, as `mqadmin queryMsgByKey` and queryMsgByUniqueKey ask) and VIEW_MESSAGE_BY_ID (the one
// message at a CommitLog offset: the client decodes an offsetMsgId into store host and offset,
// and asks that host for the offset), as RocketMQ 4.9.x answers them.
// QUERY_MESSAGE reads header topic, key, maxNum, beginTimestamp, endTimestamp; with extField
// `_UNIQUE_KEY_QUERY` = "true" maxNum becomes defaultQueryMaxNum (32). Found messages are SUCCESS
// with indexLastUpdateTimestamp and indexLastUpdatePhyoffset; none is QUERY_NOT_FOUND.
// VIEW_MESSAGE_BY_ID reads header offset; a missing message is SYSTEM_ERROR.
// Simplifications: the body carries MessageExt objects (an array for QUERY_MESSAGE, one message
// for VIEW_MESSAGE_BY_ID) instead of the records' bytes; defaultQueryMaxNum is fixed at 32.
import { response } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { DefaultMessageStore } from '../store/message-store.ts';
import type { RequestProcessor } from './broker-context.ts';
import { guarded } from './send-message-processor.ts';
import { intField, longField, NO_FIELDS, required, stringField } from '../protocol/header-reader.ts';

/** MixAll.UNIQUE_MSG_QUERY_FLAG. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
/** MessageStoreConfig.defaultQueryMaxNum. */
export const DEFAULT_QUERY_MAX_NUM = 32;

/** The processors of QUERY_MESSAGE and VIEW_MESSAGE_BY_ID over `store`. */
export function queryMessageProcessors(store: DefaultMessageStore): Map<number, RequestProcessor> {
  const queryMessage: RequestProcessor = (request, reply) => {
    const e = request.extFields ?? NO_FIELDS;
    const topic = required(e, 'topic', stringField);
    const key = required(e, 'key', stringField);
    const unique = stringField(e, UNIQUE_MSG_QUERY_FLAG) === 'true';
    const maxNum = unique ? DEFAULT_QUERY_MAX_NUM : required(e, 'maxNum', intField);
    const begin = required(e, 'beginTimestamp', longField);
    const end = required(e, 'endTimestamp', longField);
    const found = store.indexService.queryOffset(topic, key, maxNum, begin, end);
    const messages = found.phyOffsets.flatMap((offset) => store.lookMessageByOffset(offset) ?? []);
    const header = {
      indexLastUpdateTimestamp: found.indexLastUpdateTimestamp,
      indexLastUpdatePhyoffset: found.indexLastUpdatePhyoffset,
    };
    reply?.answer(
      messages.length > 0
        ? response(ResponseCode.SUCCESS, undefined, header, messages)
        : response(
            ResponseCode.QUERY_NOT_FOUND,
            'can not find message, maybe time range not correct',
            header,
          ),
    );
  };
  const viewMessageById: RequestProcessor = (request, reply) => {
    const offset = required(request.extFields ?? NO_FIELDS, 'offset', longField);
    const message = store.lookMessageByOffset(offset);
    reply?.answer(
      message === undefined
        ? response(ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`)
        : response(ResponseCode.SUCCESS, undefined, undefined, message),
    );
  };
  return new Map([
    [RequestCode.QUERY_MESSAGE, guarded(queryMessage)],
    [RequestCode.VIEW_MESSAGE_BY_ID, guarded(viewMessageById)],
  ]);
}
