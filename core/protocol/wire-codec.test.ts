import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runs } from '../../properties/fc-setup.ts';
import { storeNode } from '../../properties/harness/store-node.ts';
import { propertyMap, recordInput } from '../message/arbitraries.ts';
import { concatBytes, utf8Decoder, utf8Encoder } from '../message/bytes.ts';
import { MessageConst, type MessageExt } from '../message/message.ts';
import { checkRecord, encodeRecord } from '../store/commit-log-record.ts';
import {
  decodeMessages,
  REQUEST_BODIES,
  RESPONSE_BODIES,
  V4_9_4,
  type RequestInfo,
} from './command-bodies.ts';
import { buildSubscriptionData, heartbeatDataSchema } from './heartbeat-data.ts';
import { registerBrokerBodySchema } from './namesrv-headers.ts';
import type { RemotingCommand } from './remoting-command.ts';
import { decodeFrame, encodeFrame, FrameDecoder, FrameError, type Frame } from './remoting-frame.ts';
import { RequestCode } from './request-code.ts';
import {
  commandToFrame,
  decodeCommand,
  encodeCommand,
  frameToCommand,
  RMQSIM_VERSION,
  type CommandKind,
} from './wire-codec.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const int = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const mq = fc.record({ topic: name, brokerName: name, queueId: fc.nat(64) });
const brokerData = fc.record({
  cluster: name,
  brokerName: name,
  brokerAddrs: fc.dictionary(fc.nat(3).map(String), name, { maxKeys: 3 }),
});

/** A stored message as a pull hands it over: decoded from its record. */
const message = recordInput.map((input) => {
  const result = checkRecord(encodeRecord(input), 0, { checkCRC: false });
  if (result.kind !== 'valid') throw new Error('the arbitrary record does not decode');
  return result.record;
});

/** For each body: an arbitrary and what the receiver makes of it (its schema, where it has one). */
interface BodyCase {
  arbitrary: fc.Arbitrary<unknown>;
  read?: (body: unknown) => unknown;
}

const REQUEST_CASES: Record<number, BodyCase> = {
  [RequestCode.SEND_MESSAGE]: { arbitrary: fc.uint8Array({ maxLength: 64 }) },
  [RequestCode.SEND_MESSAGE_V2]: { arbitrary: fc.uint8Array({ maxLength: 64 }) },
  [RequestCode.HEART_BEAT]: {
    arbitrary: fc.record({
      clientID: name,
      producerDataSet: fc.array(fc.record({ groupName: name }), { maxLength: 2 }),
      consumerDataSet: fc.array(
        fc.record({
          groupName: name,
          consumeType: fc.constantFrom('CONSUME_ACTIVELY', 'CONSUME_PASSIVELY'),
          messageModel: fc.constantFrom('BROADCASTING', 'CLUSTERING'),
          consumeFromWhere: fc.constantFrom('CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET'),
          subscriptionDataSet: fc.array(
            fc
              .tuple(name, fc.oneof(fc.constant('*'), text), fc.maxSafeInteger())
              .map(([t, sub, v]) => buildSubscriptionData(t, sub, v)),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
    read: (body) => heartbeatDataSchema.parse(body),
  },
  [RequestCode.REGISTER_BROKER]: {
    arbitrary: fc.record({
      topicConfigTable: fc.dictionary(
        name,
        fc.record({
          readQueueNums: fc.nat(64),
          writeQueueNums: fc.nat(64),
          perm: fc.nat(7),
          topicSysFlag: fc.nat(3),
        }),
        { maxKeys: 3 },
      ),
      dataVersion: fc.record({ timestamp: fc.maxSafeInteger(), counter: fc.nat() }),
    }),
    read: (body) => registerBrokerBodySchema.parse(body),
  },
  [RequestCode.LOCK_BATCH_MQ]: {
    arbitrary: fc.record({ consumerGroup: name, clientId: name, mqSet: fc.array(mq) }),
    read: lockRead,
  },
  [RequestCode.UNLOCK_BATCH_MQ]: {
    arbitrary: fc.record({ consumerGroup: name, clientId: name, mqSet: fc.array(mq) }),
    read: lockRead,
  },
  [RequestCode.RESET_CONSUMER_CLIENT_OFFSET]: {
    arbitrary: fc.record({ offsetTable: fc.array(fc.record({ mq, offset: fc.maxSafeInteger() })) }),
  },
};

function lockRead(body: unknown): unknown {
  const b = body as {
    consumerGroup: string;
    clientId: string;
    mqSet: { topic: string; brokerName: string; queueId: number }[];
  };
  return {
    consumerGroup: b.consumerGroup,
    clientId: b.clientId,
    mqSet: b.mqSet.map((m) => ({ topic: m.topic, brokerName: m.brokerName, queueId: m.queueId })),
  };
}

const RESPONSE_CASES: Record<number, BodyCase> = {
  [RequestCode.PULL_MESSAGE]: { arbitrary: fc.array(message, { maxLength: 3 }) },
  [RequestCode.QUERY_MESSAGE]: { arbitrary: fc.array(message, { maxLength: 3 }) },
  [RequestCode.VIEW_MESSAGE_BY_ID]: { arbitrary: message },
  [RequestCode.GET_ROUTEINFO_BY_TOPIC]: {
    arbitrary: fc.record({
      queueDatas: fc.array(
        fc.record({
          brokerName: name,
          readQueueNums: fc.nat(64),
          writeQueueNums: fc.nat(64),
          perm: fc.nat(7),
          topicSysFlag: fc.nat(3),
        }),
        { maxLength: 3 },
      ),
      brokerDatas: fc.array(brokerData, { maxLength: 3 }),
    }),
  },
  [RequestCode.GET_BROKER_CLUSTER_INFO]: {
    arbitrary: fc.record({
      brokerAddrTable: fc.dictionary(name, brokerData, { maxKeys: 3 }),
      clusterAddrTable: fc.dictionary(name, fc.array(name, { maxLength: 3 }), { maxKeys: 2 }),
    }),
  },
  [RequestCode.GET_CONSUMER_LIST_BY_GROUP]: { arbitrary: fc.record({ consumerIdList: fc.array(name) }) },
  [RequestCode.LOCK_BATCH_MQ]: { arbitrary: fc.record({ lockOKMQSet: fc.array(mq) }) },
  [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET]: {
    arbitrary: fc.record({ offsetTable: fc.array(fc.record({ mq, offset: fc.maxSafeInteger() })) }),
  },
  [RequestCode.GET_ALL_TOPIC_CONFIG]: { arbitrary: text },
  [RequestCode.GET_ALL_CONSUMER_OFFSET]: { arbitrary: text },
  [RequestCode.GET_ALL_DELAY_OFFSET]: { arbitrary: text },
  [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG]: { arbitrary: text },
};

const codes = Object.values(RequestCode);
const extFields = fc.dictionary(name, fc.oneof(text, int, fc.maxSafeInteger(), fc.boolean()), { maxKeys: 4 });

interface Sample {
  command: RemotingCommand;
  kind: CommandKind;
  answering?: RequestInfo;
  serializeType: 'JSON' | 'ROCKETMQ';
}

/** A command of any kind and code, its body of the kind that code carries (or none). */
const sample: fc.Arbitrary<Sample> = fc
  .record({
    kind: fc.constantFrom<CommandKind>('request', 'oneway', 'response'),
    code: fc.constantFrom(...codes),
    responseCode: fc.nat(300),
    ext: fc.option(extFields, { nil: undefined }),
    remark: fc.option(text, { nil: undefined }),
    serializeType: fc.constantFrom('JSON' as const, 'ROCKETMQ' as const),
    version: fc.constantFrom(121, V4_9_4 - 1, V4_9_4, RMQSIM_VERSION),
  })
  .chain((s) => {
    const cases = s.kind === 'response' ? RESPONSE_CASES : REQUEST_CASES;
    const bodyCase = cases[s.code];
    const body =
      bodyCase === undefined ? fc.constant(undefined) : fc.option(bodyCase.arbitrary, { nil: undefined });
    return body.map((b): Sample => {
      const command: { -readonly [K in keyof RemotingCommand]: RemotingCommand[K] } = {
        code: s.kind === 'response' ? s.responseCode : s.code,
      };
      if (s.ext !== undefined) command.extFields = s.ext;
      if (b !== undefined) command.body = b;
      if (s.remark !== undefined && s.kind === 'response') command.remark = s.remark;
      const answering = s.kind === 'response' ? { code: s.code, version: s.version } : undefined;
      return { command, kind: s.kind, serializeType: s.serializeType, ...(answering && { answering }) };
    });
  });

/** What the receiver reads: extFields as text (ROCKETMQ reads "" as no value), bodies as its schema has them. */
function received(s: Sample, command: RemotingCommand): unknown {
  const keep = (v: string) => s.serializeType === 'JSON' || v !== '';
  const fields = Object.entries(command.extFields ?? {})
    .map(([k, v]) => [k, String(v)])
    .filter(([, v]) => keep(v!));
  // ROCKETMQ writes an empty map as length 0, which reads back as no map.
  const noMap = command.extFields === undefined || (s.serializeType === 'ROCKETMQ' && fields.length === 0);
  const ext = noMap ? undefined : Object.fromEntries(fields);
  const cases = s.kind === 'response' ? RESPONSE_CASES : REQUEST_CASES;
  const read = cases[s.answering?.code ?? command.code]?.read ?? ((b: unknown) => b);
  const remark = command.remark !== undefined && keep(command.remark) ? command.remark : undefined;
  // A body of no bytes is no body (RemotingCommand.decode reads a body only if bodyLength > 0).
  const body = command.body;
  const empty =
    body === undefined ||
    ((body instanceof Uint8Array || Array.isArray(body) || typeof body === 'string') && body.length === 0);
  return { code: command.code, ext, body: empty ? undefined : normal(read(body)), remark };
}

/** Messages compared by their fields (a MessageExt's getters are not own properties). */
function normal(body: unknown): unknown {
  const one = (m: MessageExt) => ({ ...m, properties: [...m.properties], msgId: m.msgId });
  if (Array.isArray(body) && body.every((m) => typeof m === 'object' && m !== null && 'commitLogOffset' in m))
    return (body as MessageExt[]).map(one);
  if (typeof body === 'object' && body !== null && 'commitLogOffset' in body) return one(body as MessageExt);
  return body;
}

describe('the wire codec', () => {
  ptest.prop([sample], runs(400))(
    'every command round-trips: the same code, text fields, body and remark',
    (s) => {
      const bytes = encodeCommand(s.command, {
        kind: s.kind,
        opaque: 7,
        serializeType: s.serializeType,
        ...(s.answering && { answering: s.answering }),
      });
      const frame = decodeFrame(bytes.subarray(4));
      expect(frame.opaque).toBe(7);
      expect(frame.serializeType).toBe(s.serializeType);
      const back = frameToCommand(frame, s.answering);
      expect(received(s, back)).toEqual(received(s, s.command));
      expect(JSON.stringify(received(s, back))).toBe(JSON.stringify(received(s, s.command)));
    },
  );

  ptest.prop([fc.array(sample, { minLength: 1, maxLength: 3 }), fc.uint8Array({ maxLength: 40 })], runs(50))(
    'a stream split at any byte boundary decodes to the same frames',
    (samples, noise) => {
      const stream = concatBytes(
        samples.map((s, i) =>
          encodeCommand(s.command, {
            kind: s.kind,
            opaque: i,
            serializeType: s.serializeType,
            ...(s.answering && { answering: s.answering }),
          }),
        ),
      );
      const whole = new FrameDecoder().push(stream);
      expect(whole).toHaveLength(samples.length);
      // Each frame written again: byte-equal streams mean equal frames, and compare fast.
      const bytesOf = (frames: Frame[]) => Buffer.from(concatBytes(frames.map(encodeFrame)));
      const expected = bytesOf(whole);
      for (let cut = 0; cut <= stream.length; cut++) {
        const decoder = new FrameDecoder();
        const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
        if (!bytesOf(frames).equals(expected)) expect(frames).toStrictEqual(whole);
        expect(decoder.pending).toBe(0);
      }
      // Bytes past the last frame wait for more; a byte at a time gives the same frames.
      const decoder = new FrameDecoder();
      const oneByOne = [...stream, ...noise].flatMap((b) => {
        try {
          return decoder.push(Uint8Array.of(b));
        } catch (error) {
          if (error instanceof FrameError) return [];
          throw error;
        }
      });
      expect(bytesOf(oneByOne.slice(0, whole.length)).equals(expected)).toBe(true);
    },
  );

  ptest.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(8)], runs(1000))(
    'random bytes never crash the decoder: frames, a wait for more, or a FrameError',
    (bytes, prefix) => {
      const framed = concatBytes([Uint8Array.of(0, 0, 0, Math.min(bytes.length, prefix * 37)), bytes]);
      for (const input of [bytes, framed]) {
        try {
          for (const frame of new FrameDecoder().push(input))
            frameToCommand(frame, { code: RequestCode.PULL_MESSAGE, version: 0 });
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
        }
        try {
          decodeCommand(input);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
        }
      }
    },
  );

  test('every body codec has a case here', () => {
    expect(Object.keys(REQUEST_CASES).map(Number).sort()).toEqual([...REQUEST_BODIES.keys()].sort());
    expect(Object.keys(RESPONSE_CASES).map(Number).sort()).toEqual([...RESPONSE_BODIES.keys()].sort());
  });
});

describe("a pull's body", () => {
  ptest.prop(
    [fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), propertyMap), { minLength: 1, maxLength: 12 })],
    runs(30),
  )('is the stored records, byte for byte, and decodes to the messages the store read', (puts) => {
    const { world, put, store } = storeNode();
    for (const [body, properties] of puts) {
      properties.delete(MessageConst.DELAY); // a delayed message would go to SCHEDULE_TOPIC_XXXX
      put('T', 0, { body, properties });
    }
    world.runUntil(world.now + 10);
    const found = store().getMessage('T', 0, { offset: 0, maxMsgNums: 32 });
    expect(found.messages).toHaveLength(puts.length);
    const stored = concatBytes(
      found.messages.map((m) => store().commitLog.read(m.commitLogOffset, m.storeSize)!),
    );
    const wire = commandToFrame(
      { code: 0, body: found.messages },
      { kind: 'response', opaque: 1, answering: { code: RequestCode.PULL_MESSAGE, version: 0 } },
    ).body!;
    expect(Buffer.from(wire).equals(Buffer.from(stored))).toBe(true);
    expect(normal(decodeMessages(wire))).toEqual(normal(found.messages));
  });
});

describe('frames as RocketMQ 4.9 writes and reads them', () => {
  const header = (frame: Uint8Array) =>
    utf8Decoder.decode(frame.subarray(8, 8 + (new DataView(frame.buffer).getInt32(4) & 0xffffff)));

  test("a Java client's request: fastjson's field order, text extFields", () => {
    const frame = encodeCommand(
      { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic: 'TopicTest' } },
      { kind: 'request', opaque: 3 },
    );
    const json =
      '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":407}';
    expect(header(frame)).toBe(json);
    const view = new DataView(frame.buffer);
    expect(view.getInt32(0)).toBe(4 + json.length);
    expect(view.getInt32(4)).toBe(json.length);
  });

  test('a response sets flag bit 0, a one-way request bit 1', () => {
    expect(decodeFrame(encodeCommand({ code: 0 }, { kind: 'response', opaque: 1 }).subarray(4)).flag).toBe(1);
    expect(decodeFrame(encodeCommand({ code: 40 }, { kind: 'oneway', opaque: 1 }).subarray(4)).flag).toBe(2);
  });

  test("ali-ons's header (numbers in extFields, no serializeTypeCurrentRPC) reads as text", () => {
    const json =
      '{"code":11,"language":"JAVA","opaque":5,"flag":0,"version":121,"extFields":{"queueId":0,"queueOffset":1234567890123,"commitOffset":0,"subscription":"*","unitMode":false,"x":null}}';
    const bytes = utf8Encoder.encode(json);
    const frame = concatBytes([Uint8Array.of(0, 0, 0, bytes.length), bytes]);
    expect(decodeCommand(frame)).toStrictEqual({
      code: 11,
      extFields: {
        queueId: '0',
        queueOffset: '1234567890123',
        commitOffset: '0',
        subscription: '*',
        unitMode: 'false',
      },
    });
  });

  test('a ROCKETMQ header, byte by byte', () => {
    // prettier-ignore
    const header = [
      0x00, 0x22, 0x00, 0x01, 0x97, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, // code 34, JAVA, version 407, opaque 9, flag 0
      0x00, 0x00, 0x00, 0x00, //                                                      no remark
      0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x6b, 0x00, 0x00, 0x00, 0x01, 0x76, //     extFields: 8 bytes, k = v
    ];
    const bytes = Uint8Array.of(0x01, 0, 0, header.length, ...header);
    expect(decodeFrame(bytes)).toStrictEqual({
      code: 34,
      language: 'JAVA',
      version: 407,
      opaque: 9,
      flag: 0,
      extFields: { k: 'v' },
      serializeType: 'ROCKETMQ',
    });
    const again = encodeFrame(decodeFrame(bytes));
    expect([...again.subarray(4)]).toEqual([...bytes]);
  });

  test('a route answers an old client in fastjson (unquoted ids), 4.9.4+ or acceptStandardJsonOnly in standard JSON', () => {
    const route = {
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [
        { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: '127.0.0.1:10911' } },
      ],
    };
    const body = (answering: RequestInfo) => {
      const frame = commandToFrame({ code: 0, body: route }, { kind: 'response', opaque: 1, answering });
      return utf8Decoder.decode(frame.body);
    };
    const legacy = body({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, version: 121 });
    expect(legacy).toBe(
      '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
    expect(body({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, version: V4_9_4 })).toBe(
      legacy.replace('{0:', '{"0":'),
    );
    expect(
      body({
        code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
        version: 121,
        extFields: { acceptStandardJsonOnly: 'true' },
      }),
    ).toBe(legacy.replace('{0:', '{"0":'));
  });

  test('ResetOffsetBody keys its table by MessageQueue objects, as fastjson writes a map', () => {
    const frame = commandToFrame(
      {
        code: RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
        body: { offsetTable: [{ mq: { topic: 't', brokerName: 'b', queueId: 1 }, offset: 12 }] },
      },
      { kind: 'oneway', opaque: 1 },
    );
    expect(utf8Decoder.decode(frame.body)).toBe(
      '{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"t"}:12}}',
    );
  });

  test('a body that does not decode is left as bytes (the processor refuses it)', () => {
    const frame: Frame = {
      code: RequestCode.HEART_BEAT,
      language: 'JAVA',
      version: 0,
      opaque: 1,
      flag: 0,
      serializeType: 'JSON',
      body: utf8Encoder.encode('{oops'),
    };
    expect(frameToCommand(frame).body).toBeInstanceOf(Uint8Array);
  });

  test('a frame over 16 MiB or a header length past the frame is a FrameError', () => {
    expect(() => new FrameDecoder().push(Uint8Array.of(0x01, 0, 0, 1))).toThrow(FrameError);
    expect(() => decodeFrame(Uint8Array.of(0, 0, 0, 9, 1))).toThrow(/bad header length/);
    expect(() => decodeFrame(Uint8Array.of(0x02, 0, 0, 0))).toThrow(/serialize type/);
  });
});
