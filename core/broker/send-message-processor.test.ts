import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { SMALL_FILES } from '../../properties/harness/store-node.ts';
import { World } from '../../sim/world.ts';
import type { DiskConfig } from '../../sim/disk.ts';
import { parseHost } from '../message/host.ts';
import { decodeOffsetMsgId } from '../message/message-id.ts';
import { MessageConst, SCHEDULE_TOPIC, type MessageExt } from '../message/message.ts';
import { request, type ExtFields, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { DefaultMessageStore } from '../store/message-store.ts';
import type { AfterPut, BrokerContext, RequestProcessor } from './broker-context.ts';
import { brokerConfFrom } from './broker-config.ts';
import { ConsumerOffsetManager } from './consumer-offset-manager.ts';
import { queryMessageProcessors } from './query-message-processor.ts';
import { RebalanceLockManager } from './rebalance-lock-manager.ts';
import { messageTimeup } from './schedule-message-service.ts';
import { sendMessageProcessors } from './send-message-processor.ts';
import { SubscriptionGroupManager } from './subscription-group-manager.ts';
import { TopicConfigManager } from './topic-config-manager.ts';
import { runs } from '../../properties/fc-setup.ts';
import {
  sendStatusOf,
  type SendMessageRequestHeader,
  SEND_HEADER_V2_NAMES,
} from '../protocol/send-message-header.ts';

const BROKER = '10.0.0.1:10911';
const PRODUCER = '10.0.0.9:5555';

interface BrokerNodeOptions {
  seed?: number;
  conf?: Record<string, unknown>;
  disk?: Partial<DiskConfig>;
  afterPut?: AfterPut;
}

/** A broker's store, managers and these processors on one simulated node, driven by the test. */
function brokerNode(options: BrokerNodeOptions = {}) {
  const world = new World({ seed: options.seed ?? 1, disk: options.disk ?? {}, keepTrace: true });
  const created: string[] = [];
  let parts:
    { store: DefaultMessageStore; topics: TopicConfigManager; groups: SubscriptionGroupManager } | undefined;
  let table = new Map<number, RequestProcessor>();
  const node = world.addNode(BROKER, (env) => {
    const conf = brokerConfFrom({ ...SMALL_FILES, ...options.conf });
    const root = conf.store.storePathRootDir;
    const store = new DefaultMessageStore({ env, config: conf.store, storeHost: parseHost(BROKER) });
    store.start();
    const topics = new TopicConfigManager({
      env,
      broker: conf.broker,
      storePathRootDir: root,
      onTopicCreated: (topic) => created.push(topic),
    });
    topics.load();
    const autoCreateSubscriptionGroup = conf.broker.autoCreateSubscriptionGroup;
    const groups = new SubscriptionGroupManager({ env, autoCreateSubscriptionGroup, storePathRootDir: root });
    groups.load();
    const ctx: BrokerContext = {
      env,
      conf,
      brokerName: 'broker-a',
      brokerAddr: BROKER,
      store,
      offsets: new ConsumerOffsetManager(env, root),
      locks: new RebalanceLockManager(env),
      topics,
    };
    const afterPut = options.afterPut;
    table = new Map([
      ...sendMessageProcessors({ ctx, topics, groups, afterPut }),
      ...queryMessageProcessors(store),
    ]);
    parts = { store, topics, groups };
    return { shutdown: (done) => store.shutdown(done) };
  });
  /** Sends a request to the processor; the answer, once given, is read with the returned function. */
  const call = (code: number, extFields: ExtFields, body?: unknown) => {
    let answer: RemotingCommand | undefined;
    table.get(code)!(
      request(code, extFields, body),
      { answer: (b) => (answer = b as RemotingCommand) },
      PRODUCER,
      1,
    );
    return () => answer;
  };
  const header = (
    topic: string,
    props: Record<string, string> = {},
    extra: Partial<SendMessageRequestHeader> = {},
  ) => ({
    producerGroup: 'PG',
    topic,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: world.config.epochMs,
    flag: 0,
    properties: propertiesString({ UNIQ_KEY: 'U0', ...props }),
    ...extra,
  });
  const send = (
    topic: string,
    props: Record<string, string> = {},
    extra: Partial<SendMessageRequestHeader> = {},
  ) =>
    call(
      RequestCode.SEND_MESSAGE,
      header(topic, props, extra),
      new TextEncoder().encode(`body of ${topic}`),
    )()!;
  const sendBack = (offset: number, group: string, extra: Record<string, number | string> = {}) =>
    call(RequestCode.CONSUMER_SEND_MSG_BACK, { offset, group, delayLevel: 0, ...extra })()!;
  const read = (topic: string, queueId: number): MessageExt[] =>
    parts!.store.getMessage(topic, queueId, { offset: 0, maxMsgNums: 1000 }).messages;
  const settle = () => world.runUntil(world.now + 10);
  return { world, node, created, call, header, send, sendBack, read, settle, parts: () => parts! };
}

/** MessageDecoder.messageProperties2String (4.9.1+: no separator after the last entry). */
function propertiesString(props: Record<string, string>): string {
  return Object.entries(props)
    .map(([name, value]) => `${name}\u0001${value}`)
    .join('\u0002');
}

const offsetOf = (answer: RemotingCommand) =>
  decodeOffsetMsgId(String(answer.extFields!.msgId)).commitLogOffset;

describe('SEND_MESSAGE', () => {
  test('a send is stored and answered SUCCESS with msgId, queueId and queueOffset', () => {
    const { send, read, settle } = brokerNode();
    const first = send('T', { KEYS: 'k1' }, { queueId: 2 });
    const second = send('T', { KEYS: 'k2' }, { queueId: 2 });
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(sendStatusOf(first.code)).toBe('SEND_OK');
    expect(first.extFields).toMatchObject({ queueId: 2, queueOffset: 0 });
    expect(second.extFields).toMatchObject({ queueId: 2, queueOffset: 1 });
    const { storeHost, commitLogOffset } = decodeOffsetMsgId(String(first.extFields!.msgId));
    expect(storeHost).toEqual(parseHost(BROKER));
    expect(commitLogOffset).toBe(0);
    settle();
    const [m] = read('T', 2);
    expect(m!.msgId).toBe(first.extFields!.msgId);
    expect(new TextDecoder().decode(m!.body)).toBe('body of T');
    expect(m!.getKeys()).toBe('k1');
    expect(m!.getUniqKey()).toBe('U0');
    expect(m!.getProperty(MessageConst.CLUSTER)).toBe('DefaultCluster');
    expect(m!.bornHost).toEqual(parseHost(PRODUCER));
  });

  test('SEND_MESSAGE_V2 reads the one-letter header names a..m', () => {
    const { call, header, read, settle } = brokerNode();
    const v1 = header('T', { KEYS: 'v2' }, { queueId: 1, flag: 5, reconsumeTimes: 3 });
    const v2 = Object.fromEntries(
      Object.entries(v1).map(([name, value]) => [SEND_HEADER_V2_NAMES[name as keyof typeof v1], value]),
    );
    expect(Object.keys(v2).sort().join('')).toBe('abcdefghij');
    const answer = call(RequestCode.SEND_MESSAGE_V2, v2, new Uint8Array([1]))()!;
    expect(answer).toMatchObject({ code: ResponseCode.SUCCESS, extFields: { queueId: 1, queueOffset: 0 } });
    settle();
    expect(read('T', 1).map((m) => [m.getKeys(), m.flag, m.reconsumeTimes])).toEqual([['v2', 5, 3]]);
  });

  test('auto-create: a new topic gets min(TBW102 queues, the client default) and TBW102 perm without INHERIT', () => {
    const { send, parts, created, world } = brokerNode();
    const before = parts().topics.dataVersion;
    expect(parts().topics.selectTopicConfig('TBW102')).toMatchObject({ writeQueueNums: 8, perm: 7 });
    expect(send('A', {}, { defaultTopicQueueNums: 4 }).code).toBe(ResponseCode.SUCCESS);
    expect(send('B', {}, { defaultTopicQueueNums: 16 }).code).toBe(ResponseCode.SUCCESS);
    expect(parts().topics.selectTopicConfig('A')).toEqual({
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicSysFlag: 0,
    });
    expect(parts().topics.selectTopicConfig('B')).toMatchObject({ readQueueNums: 8, writeQueueNums: 8 });
    expect(created).toEqual(['A', 'B']);
    expect(parts().topics.dataVersion.counter).toBe(before.counter + 2);
    world.runUntil(world.now + 100);
    const wrapper = parts().topics.topicConfigWrapper();
    expect(Object.keys(wrapper.topicConfigTable)).toContain('A');
  });

  test('auto-create off: an unknown topic is TOPIC_NOT_EXIST, a %RETRY% one is made with 1 queue', () => {
    const { send, parts } = brokerNode({ conf: { autoCreateTopicEnable: false } });
    expect(parts().topics.selectTopicConfig('TBW102')).toBeUndefined();
    expect(send('A').code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(parts().topics.selectTopicConfig('A')).toBeUndefined();
    expect(send('%RETRY%G').code).toBe(ResponseCode.SUCCESS);
    expect(parts().topics.selectTopicConfig('%RETRY%G')).toMatchObject({ writeQueueNums: 1, perm: 6 });
  });

  test('NO_PERMISSION for SCHEDULE_TOPIC_XXXX; a read-only broker still stores non-order sends, as 4.9 does', () => {
    const { send } = brokerNode({ conf: { brokerPermission: 4 } });
    expect(send(SCHEDULE_TOPIC).code).toBe(ResponseCode.NO_PERMISSION);
    expect(send('T').code).toBe(ResponseCode.SUCCESS);
  });

  test('a queueId beyond the topic queues is SYSTEM_ERROR; a bad or missing header field too', () => {
    const { send, call } = brokerNode();
    expect(send('T', {}, { queueId: 3 }).code).toBe(ResponseCode.SUCCESS);
    expect(send('T', {}, { queueId: 4 }).code).toBe(ResponseCode.SYSTEM_ERROR);
    const answer = call(RequestCode.SEND_MESSAGE, { topic: 'T' })()!;
    expect(answer.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(answer.remark).toContain('is null');
  });

  ptest.prop([fc.integer({ min: 1, max: 1000 })], runs(20))(
    'a negative queueId picks a write queue of the topic',
    (seed) => {
      const { send } = brokerNode({ seed });
      for (let i = 0; i < 5; i++) {
        const answer = send('T', {}, { queueId: -1 });
        expect(answer.code).toBe(ResponseCode.SUCCESS);
        expect(Number(answer.extFields!.queueId)).toBeGreaterThanOrEqual(0);
        expect(Number(answer.extFields!.queueId)).toBeLessThan(4);
      }
    },
  );

  ptest.prop(
    [fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /[^%|a-zA-Z0-9_-]/.test(s))],
    runs(50),
  )('a topic with a character outside [%|a-zA-Z0-9_-] is SYSTEM_ERROR and is not created', (topic) => {
    const { send, parts } = brokerNode();
    expect(send(topic).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(parts().topics.selectTopicConfig(topic)).toBeUndefined();
  });

  test('SYNC_FLUSH with a disk slower than syncFlushTimeout answers FLUSH_DISK_TIMEOUT, the message stored', () => {
    const { call, header, world, read } = brokerNode({
      conf: { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 1_000 },
      disk: { flushLatencyMs: 3_000 },
    });
    const answer = call(RequestCode.SEND_MESSAGE, header('T'), new Uint8Array([1]));
    expect(answer()).toBeUndefined();
    world.runUntil(world.now + 2_000);
    expect(answer()!.code).toBe(ResponseCode.FLUSH_DISK_TIMEOUT);
    expect(sendStatusOf(answer()!.code)).toBe('FLUSH_DISK_TIMEOUT');
    expect(answer()!.extFields).toMatchObject({ queueId: 0, queueOffset: 0 });
    expect(read('T', 0)).toHaveLength(1);
  });

  test('the AfterPut step decides the answer, and is skipped for WAIT=false', () => {
    let calls = 0;
    const afterPut: AfterPut = (result, done) => {
      calls++;
      done({ ...result, status: 'FLUSH_SLAVE_TIMEOUT' });
    };
    const { send } = brokerNode({ afterPut });
    const answer = send('T');
    expect(answer.code).toBe(ResponseCode.FLUSH_SLAVE_TIMEOUT);
    expect(answer.extFields).toHaveProperty('msgId');
    expect(send('T', { WAIT: 'false' }).code).toBe(ResponseCode.SUCCESS);
    expect(calls).toBe(1);
  });

  test('a slave refuses sends with SERVICE_NOT_AVAILABLE', () => {
    const { send } = brokerNode({ conf: { brokerRole: 'SLAVE', brokerId: 1 } });
    expect(send('T').code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
  });

  test('a send to %RETRY%<group> at reconsumeTimes >= maxReconsumeTimes goes to %DLQ%<group>', () => {
    const { send, read, settle, parts } = brokerNode();
    expect(send('%RETRY%G', {}, { reconsumeTimes: 15 }).code).toBe(ResponseCode.SUCCESS);
    expect(send('%RETRY%G', {}, { reconsumeTimes: 16 }).code).toBe(ResponseCode.SUCCESS);
    expect(send('%RETRY%G', {}, { reconsumeTimes: 2, maxReconsumeTimes: 2 }).code).toBe(ResponseCode.SUCCESS);
    settle();
    expect(read('%RETRY%G', 0).map((m) => m.reconsumeTimes)).toEqual([15]);
    expect(read('%DLQ%G', 0).map((m) => m.reconsumeTimes)).toEqual([16, 2]);
    expect(parts().topics.selectTopicConfig('%DLQ%G')).toMatchObject({ writeQueueNums: 1, perm: 6 });
  });
});

describe('CONSUMER_SEND_MSG_BACK', () => {
  test('the first send-back goes to %RETRY%<group> at level 3 with RETRY_TOPIC and ORIGIN_MESSAGE_ID', () => {
    const { send, sendBack, read, settle, parts } = brokerNode();
    const sent = send('T', { KEYS: 'k' });
    expect(sendBack(offsetOf(sent), 'G').code).toBe(ResponseCode.SUCCESS);
    expect(parts().topics.selectTopicConfig('%RETRY%G')).toMatchObject({ writeQueueNums: 1, perm: 6 });
    settle();
    const [copy] = read(SCHEDULE_TOPIC, 2);
    expect(copy!.getProperty(MessageConst.REAL_TOPIC)).toBe('%RETRY%G');
    expect(copy!.getProperty(MessageConst.DELAY)).toBe('3');
    expect(copy!.getProperty(MessageConst.RETRY_TOPIC)).toBe('T');
    expect(copy!.getProperty(MessageConst.ORIGIN_MESSAGE_ID)).toBe(sent.extFields!.msgId);
    expect([copy!.getUniqKey(), copy!.getKeys(), copy!.reconsumeTimes]).toEqual(['U0', 'k', 1]);
    expect(copy!.bornHost).toEqual(parseHost(PRODUCER));
  });

  test('retryMaxTimes 16: 16 send-backs retry at levels 3..18, the 17th lands in %DLQ%<group>', () => {
    const { world, send, sendBack, read, settle, parts } = brokerNode();
    const sent = send('T');
    let offset = offsetOf(sent);
    const levels: number[] = [];
    for (let i = 0; i < 16; i++) {
      expect(sendBack(offset, 'G').code).toBe(ResponseCode.SUCCESS);
      settle();
      const level = 3 + i;
      levels.push(level);
      const scheduled = read(SCHEDULE_TOPIC, level - 1).at(-1)!;
      expect(scheduled.reconsumeTimes).toBe(i + 1);
      expect(scheduled.getProperty(MessageConst.RETRY_TOPIC)).toBe('T');
      expect(scheduled.getProperty(MessageConst.ORIGIN_MESSAGE_ID)).toBe(sent.extFields!.msgId);
      // What ScheduleMessageService does when the level is due: put it back to %RETRY%G.
      parts().store.putMessage(messageTimeup(scheduled)!, (r) => (offset = r.appendResult!.wroteOffset));
      world.runUntil(world.now + 10);
    }
    expect(levels).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(read('%RETRY%G', 0)).toHaveLength(16);
    expect(read('%DLQ%G', 0)).toHaveLength(0);
    expect(sendBack(offset, 'G').code).toBe(ResponseCode.SUCCESS);
    settle();
    const [dead] = read('%DLQ%G', 0);
    expect(dead!.reconsumeTimes).toBe(17);
    expect(dead!.getProperty(MessageConst.RETRY_TOPIC)).toBe('T');
    expect(dead!.getProperty(MessageConst.ORIGIN_MESSAGE_ID)).toBe(sent.extFields!.msgId);
    expect(parts().topics.selectTopicConfig('%DLQ%G')).toMatchObject({ readQueueNums: 1, perm: 6 });
  });

  test("a negative delayLevel or the header's maxReconsumeTimes sends to the DLQ at once", () => {
    const { send, sendBack, read, settle } = brokerNode();
    expect(sendBack(offsetOf(send('T')), 'G', { delayLevel: -1 }).code).toBe(ResponseCode.SUCCESS);
    expect(sendBack(offsetOf(send('T')), 'H', { maxReconsumeTimes: 0 }).code).toBe(ResponseCode.SUCCESS);
    expect(sendBack(offsetOf(send('T')), 'K', { delayLevel: 5 }).code).toBe(ResponseCode.SUCCESS);
    settle();
    expect(read('%DLQ%G', 0)).toHaveLength(1);
    expect(read('%DLQ%H', 0)).toHaveLength(1);
    expect(read(SCHEDULE_TOPIC, 4).map((m) => m.getProperty(MessageConst.REAL_TOPIC))).toEqual(['%RETRY%K']);
  });

  test('an unknown offset is SYSTEM_ERROR; a read-only broker is NO_PERMISSION; no auto group is NOT_EXIST', () => {
    expect(brokerNode().sendBack(123_456, 'G').code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(brokerNode({ conf: { brokerPermission: 4 } }).sendBack(0, 'G').code).toBe(
      ResponseCode.NO_PERMISSION,
    );
    const strict = brokerNode({ conf: { autoCreateSubscriptionGroup: false } });
    expect(strict.sendBack(0, 'G').code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    expect(strict.sendBack(offsetOf(strict.send('T')), 'CID_RMQ_SYS_X').code).toBe(ResponseCode.SUCCESS);
  });
});

describe('QUERY_MESSAGE and VIEW_MESSAGE_BY_ID', () => {
  test('query by key finds the messages in the time range; view by offsetMsgId finds one', () => {
    const { send, call, settle, world } = brokerNode();
    const epoch = world.config.epochMs;
    const a = send('T', { KEYS: 'order-1' });
    send('T', { KEYS: 'order-2' });
    send('T', { KEYS: 'order-1 other' });
    settle();
    const range = { beginTimestamp: epoch, endTimestamp: Number.MAX_SAFE_INTEGER };
    const found = call(RequestCode.QUERY_MESSAGE, { topic: 'T', key: 'order-1', maxNum: 32, ...range })()!;
    expect(found.code).toBe(ResponseCode.SUCCESS);
    expect((found.body as MessageExt[]).map((m) => m.getKeys()).sort()).toEqual(['order-1', 'order-1 other']);
    expect(found.extFields).toHaveProperty('indexLastUpdatePhyoffset');
    const none = call(RequestCode.QUERY_MESSAGE, { topic: 'T', key: 'nope', maxNum: 32, ...range })()!;
    expect(none.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    const before = { beginTimestamp: 0, endTimestamp: epoch - 1 };
    const early = call(RequestCode.QUERY_MESSAGE, { topic: 'T', key: 'order-1', maxNum: 32, ...before })()!;
    expect(early.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    const byUniq = call(RequestCode.QUERY_MESSAGE, {
      topic: 'T',
      key: 'U0',
      maxNum: 1,
      _UNIQUE_KEY_QUERY: 'true',
      ...range,
    })()!;
    expect((byUniq.body as MessageExt[]).length).toBe(3);
    const viewed = call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: offsetOf(a) })()!;
    expect(viewed.code).toBe(ResponseCode.SUCCESS);
    expect((viewed.body as MessageExt).msgId).toBe(a.extFields!.msgId);
    expect(call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: 99_999 })()!.code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});
