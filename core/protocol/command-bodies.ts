// The bodies of RemotingCommands in RocketMQ 4.9's own encodings, each beside the object form the
// simulation's processes exchange. A request's body is known by its code, a response's by the
// code of the request it answers:
// - SEND_MESSAGE(_V2): the message body's bytes;
// - HEART_BEAT: HeartbeatData, REGISTER_BROKER: RegisterBrokerBody (the topic table as
//   TopicConfigSerializeWrapper, an empty filterServerList), LOCK_BATCH_MQ / UNLOCK_BATCH_MQ:
//   Lock/UnlockBatchRequestBody, all fastjson with fields in alphabetical order;
// - RESET_CONSUMER_CLIENT_OFFSET and INVOKE_BROKER_TO_RESET_OFFSET's answer: ResetOffsetBody, a
//   map keyed by MessageQueue objects as fastjson writes one;
// - GET_ROUTEINFO_BY_TOPIC's answer: TopicRouteData, BrokerData.brokerAddrs keyed by unquoted
//   numbers, or quoted for a requester of version 4.9.4 or later or one that sets
//   acceptStandardJsonOnly (DefaultRequestProcessor.getRouteInfoByTopic);
// - GET_BROKER_CLUSTER_INFO: ClusterInfo; GET_CONSUMER_LIST_BY_GROUP: {consumerIdList};
//   LOCK_BATCH_MQ's answer: {lockOKMQSet};
// - PULL_MESSAGE and QUERY_MESSAGE answers: the records, each as the CommitLog holds it, one after
//   the other, read back as MessageDecoder.decodes does (no CRC check, stop at the first record
//   that does not decode); VIEW_MESSAGE_BY_ID's answer: one record;
// - the slave-synchronization answers (GET_ALL_*): the config file's text.
// Decoding builds the objects in the shapes and key orders the simulation's senders use, so a
// process receives the same values whether the network carries objects or frames.
// Simplifications: no compressed register body; a record's body is not decompressed (rmqsim never
// compresses); the records of a pull are encoded again from the messages (byte for byte what the
// CommitLog holds, which a test checks) rather than copied from the file.
import { z } from 'zod';
import { utf8Decoder, utf8Encoder } from '../message/bytes.ts';
import { MessageExt } from '../message/message.ts';
import { decodeRecord, encodeRecord, measureRecord, writeRecord } from '../store/commit-log-record.ts';
import { JavaMap, parseFastjson, toFastjson } from './fastjson.ts';
import type { HeartbeatData } from './heartbeat-data.ts';
import { RequestCode } from './request-code.ts';
import type { ClusterInfo, TopicRouteData } from './route-data.ts';
import type { TopicConfigSerializeWrapper } from './topic-config.ts';

/** What a response body is read against: the request it answers. */
export interface RequestInfo {
  readonly code: number;
  readonly version: number;
  readonly extFields?: Readonly<Record<string, unknown>>;
}

export interface BodyCodec {
  encode(body: unknown, answering: RequestInfo | undefined): Uint8Array;
  /** Throws when the bytes are not such a body. */
  decode(bytes: Uint8Array): unknown;
}

/** MQVersion.Version.V4_9_4.ordinal(): from here on a route is answered in standard JSON. */
export const V4_9_4 = 401;

/** A JSON body; `javaMaps`: it holds maps with keys that are not text, which need fastjson's writer. */
const json = (
  encode: (body: never, answering: RequestInfo | undefined) => unknown,
  decode: (value: unknown) => unknown,
  javaMaps = false,
): BodyCodec => ({
  encode: (body, answering) => {
    const bean = encode(body as never, answering);
    return utf8Encoder.encode(javaMaps ? toFastjson(bean) : JSON.stringify(bean));
  },
  decode: (bytes) => decode(parseFastjson(utf8Decoder.decode(bytes))),
});

const raw: BodyCodec = {
  encode: (body) => {
    if (!(body instanceof Uint8Array)) throw new TypeError('a message body must be bytes');
    return body;
  },
  decode: (bytes) => bytes,
};

const text: BodyCodec = {
  encode: (body) => utf8Encoder.encode(String(body)),
  decode: (bytes) => utf8Decoder.decode(bytes),
};

// ---- messages ----

/** MessageDecoder.decodes: records until the bytes end or one does not decode. */
export function decodeMessages(bytes: Uint8Array): MessageExt[] {
  const out: MessageExt[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const decoded = decodeRecord(bytes, pos, false);
    if (!(decoded instanceof MessageExt)) break;
    out.push(decoded);
    pos += decoded.storeSize;
  }
  return out;
}

/** The messages' records, one after the other: measured, then written in place into one buffer. */
export function encodeMessages(messages: readonly MessageExt[]): Uint8Array {
  const sizes = messages.map(recordSize);
  let total = 0;
  for (const size of sizes) total += size;
  const out = new Uint8Array(total);
  let pos = 0;
  for (let i = 0; i < messages.length; i++) {
    const size = sizes[i]!;
    writeRecord(out.subarray(pos, pos + size), messages[i]!, messages[i]!, size);
    pos += size;
  }
  return out;
}

/** A message's record size; a limit exceeded is encodeRecord's RangeError. */
function recordSize(message: MessageExt): number {
  const size = measureRecord(message);
  if (typeof size !== 'number') throw new RangeError(`${size.status}: ${size.detail}`);
  return size;
}

const messages: BodyCodec = {
  encode: (body) => encodeMessages(body as MessageExt[]),
  decode: decodeMessages,
};

const message: BodyCodec = {
  encode: (body) => encodeRecord(body as MessageExt),
  decode: (bytes) => {
    const [first] = decodeMessages(bytes);
    if (first === undefined) throw new RangeError('no message record in the body');
    return first;
  },
};

// ---- clients and brokers ----

const mqSchema = z.object({ topic: z.string(), brokerName: z.string(), queueId: z.number().int() });
type Mq = z.infer<typeof mqSchema>;
const mqBean = (mq: Mq) => ({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic });

const heartbeat = json(
  (h: HeartbeatData) => ({
    clientID: h.clientID,
    consumerDataSet: (h.consumerDataSet ?? []).map((c) => ({
      consumeFromWhere: c.consumeFromWhere,
      consumeType: c.consumeType,
      groupName: c.groupName,
      messageModel: c.messageModel,
      subscriptionDataSet: c.subscriptionDataSet.map((s) => ({
        classFilterMode: false,
        codeSet: s.codeSet,
        expressionType: s.expressionType,
        subString: s.subString,
        subVersion: s.subVersion,
        tagsSet: s.tagsSet,
        topic: s.topic,
      })),
      unitMode: false,
    })),
    producerDataSet: (h.producerDataSet ?? []).map((p) => ({ groupName: p.groupName })),
  }),
  (value) => value,
);

const lockBatchRequest = json(
  (b: { consumerGroup: string; clientId: string; mqSet: Mq[] }) => ({
    clientId: b.clientId,
    consumerGroup: b.consumerGroup,
    mqSet: b.mqSet.map(mqBean),
    onlyThisBroker: false,
  }),
  (value) => value,
);

// The answers' schemas are built once: a zod schema costs more to build than to parse with.
const lockBatchResponseSchema = z.object({ lockOKMQSet: z.array(mqSchema) });
const lockBatchResponse = json(
  (b: { lockOKMQSet: Mq[] }) => ({ lockOKMQSet: b.lockOKMQSet.map(mqBean) }),
  (value) => lockBatchResponseSchema.parse(value),
);

const resetOffsetBody = json(
  (b: { offsetTable: { mq: Mq; offset: number }[] }) => ({
    offsetTable: new JavaMap(b.offsetTable.map((row) => [mqBean(row.mq), row.offset])),
  }),
  (value) => {
    const table = (value as { offsetTable?: unknown }).offsetTable;
    const entries = table instanceof JavaMap ? table.entries : [];
    return {
      offsetTable: entries.map(([mq, offset]) => ({
        mq: mqSchema.parse(mq),
        offset: z.number().parse(offset),
      })),
    };
  },
  true,
);

const consumerListSchema = z.object({ consumerIdList: z.array(z.string()) });
const consumerList = json(
  (b: { consumerIdList: string[] }) => ({ consumerIdList: b.consumerIdList }),
  (value) => consumerListSchema.parse(value),
);

// ---- the NameServer ----

const registerBrokerBody = json(
  (w: TopicConfigSerializeWrapper) => ({
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: w.dataVersion.counter, timestamp: w.dataVersion.timestamp },
      topicConfigTable: Object.fromEntries(
        Object.entries(w.topicConfigTable).map(([topicName, c]) => [
          topicName,
          {
            order: false,
            perm: c.perm,
            readQueueNums: c.readQueueNums,
            topicFilterType: 'SINGLE_TAG',
            topicName,
            topicSysFlag: c.topicSysFlag,
            writeQueueNums: c.writeQueueNums,
          },
        ]),
      ),
    },
  }),
  (value) => (value as { topicConfigSerializeWrapper?: unknown }).topicConfigSerializeWrapper,
);

const count = z.number().int();
const queueDataSchema = z.object({
  brokerName: z.string(),
  readQueueNums: count,
  writeQueueNums: count,
  perm: count,
  topicSysFlag: count,
});
const brokerDataSchema = z.object({
  cluster: z.string(),
  brokerName: z.string(),
  brokerAddrs: z.record(z.string().regex(/^\d+$/), z.string()),
});
const routeSchema = z.object({
  queueDatas: z.array(queueDataSchema),
  brokerDatas: z.array(brokerDataSchema),
});
const clusterInfoSchema = z.object({
  brokerAddrTable: z.record(z.string(), brokerDataSchema),
  clusterAddrTable: z.record(z.string(), z.array(z.string())),
});

const brokerDataBean = (b: TopicRouteData['brokerDatas'][number]) => ({
  brokerAddrs: new Map(Object.entries(b.brokerAddrs).map(([id, addr]) => [Number(id), addr])),
  brokerName: b.brokerName,
  cluster: b.cluster,
});

/** TopicRouteData, fastjson's way or standard JSON (see the header). */
const route: BodyCodec = {
  encode: (body, answering) => {
    const r = body as TopicRouteData;
    const bean = {
      brokerDatas: r.brokerDatas.map(brokerDataBean),
      filterServerTable: {},
      queueDatas: r.queueDatas.map((q) => ({
        brokerName: q.brokerName,
        perm: q.perm,
        readQueueNums: q.readQueueNums,
        topicSysFlag: q.topicSysFlag,
        writeQueueNums: q.writeQueueNums,
      })),
    };
    const standardOnly = String(answering?.extFields?.['acceptStandardJsonOnly']).toLowerCase() === 'true';
    const standard = (answering?.version ?? 0) >= V4_9_4 || standardOnly;
    return utf8Encoder.encode(toFastjson(bean, standard));
  },
  decode: (bytes) => routeSchema.parse(parseFastjson(utf8Decoder.decode(bytes))),
};

const clusterInfo = json(
  (c: ClusterInfo) => ({
    brokerAddrTable: Object.fromEntries(
      Object.entries(c.brokerAddrTable).map(([name, b]) => [name, brokerDataBean(b)]),
    ),
    clusterAddrTable: c.clusterAddrTable,
  }),
  (value) => clusterInfoSchema.parse(value),
  true,
);

/** Request bodies by request code. */
export const REQUEST_BODIES: ReadonlyMap<number, BodyCodec> = new Map([
  [RequestCode.SEND_MESSAGE, raw],
  [RequestCode.SEND_MESSAGE_V2, raw],
  [RequestCode.HEART_BEAT, heartbeat],
  [RequestCode.REGISTER_BROKER, registerBrokerBody],
  [RequestCode.LOCK_BATCH_MQ, lockBatchRequest],
  [RequestCode.UNLOCK_BATCH_MQ, lockBatchRequest],
  [RequestCode.RESET_CONSUMER_CLIENT_OFFSET, resetOffsetBody],
]);

/** Response bodies by the code of the request answered. */
export const RESPONSE_BODIES: ReadonlyMap<number, BodyCodec> = new Map([
  [RequestCode.PULL_MESSAGE, messages],
  [RequestCode.QUERY_MESSAGE, messages],
  [RequestCode.VIEW_MESSAGE_BY_ID, message],
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, route],
  [RequestCode.GET_BROKER_CLUSTER_INFO, clusterInfo],
  [RequestCode.GET_CONSUMER_LIST_BY_GROUP, consumerList],
  [RequestCode.LOCK_BATCH_MQ, lockBatchResponse],
  [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, resetOffsetBody],
  [RequestCode.GET_ALL_TOPIC_CONFIG, text],
  [RequestCode.GET_ALL_CONSUMER_OFFSET, text],
  [RequestCode.GET_ALL_DELAY_OFFSET, text],
  [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, text],
]);
