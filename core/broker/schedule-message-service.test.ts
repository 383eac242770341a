import { describe, expect, test } from 'vitest';
import { SMALL_FILES, STORE_HOST } from '../../properties/harness/store-node.ts';
import { World } from '../../sim/world.ts';
import { parseHost } from '../message/host.ts';
import { MessageConst, SCHEDULE_TOPIC } from '../message/message.ts';
import type { PutMessageRequest } from '../store/commit-log.ts';
import type { MessageStoreConfigInput } from '../store/message-store-config.ts';
import { DefaultMessageStore } from '../store/message-store.ts';
import type { PutMessageStatus } from '../store/put-message-result.ts';
import { DELAY_FOR_A_WHILE, MAX_NOT_DUE_SLEEP, ScheduleMessageService } from './schedule-message-service.ts';

/** A master's store with its ScheduleMessageService, started and stopped as the broker does. */
function scheduleNode(config: MessageStoreConfigInput = {}, withService = true) {
  const world = new World({ seed: 1, disk: {}, keepTrace: true });
  let store: DefaultMessageStore | undefined;
  let service: ScheduleMessageService | undefined;
  const node = world.addNode(STORE_HOST, (env) => {
    store = new DefaultMessageStore({
      env,
      config: { ...SMALL_FILES, ...config },
      storeHost: parseHost(STORE_HOST),
    });
    store.start();
    if (!withService) return { shutdown: (done) => store!.shutdown(done) };
    service = new ScheduleMessageService({ env, store, flushDelayOffsetInterval: 10_000 });
    service.start();
    return { shutdown: (done) => service!.shutdown(() => store!.shutdown(done)) };
  });
  const put = (key: string, delay: number, topic = 'T', queueId = 1) => {
    const properties = new Map([
      [MessageConst.KEYS, key],
      [MessageConst.UNIQ_KEY, `U${key}`],
      [MessageConst.DELAY, String(delay)],
    ]);
    const request: PutMessageRequest = {
      topic,
      queueId,
      flag: 7,
      body: new TextEncoder().encode(`body of ${key}`),
      properties,
      sysFlag: 0,
      bornTimestamp: world.config.epochMs,
      bornHost: parseHost('10.0.0.9:5555'),
      reconsumeTimes: 2,
      preparedTransactionOffset: 0,
    };
    store!.putMessage(request, (result) => expect(result.status).toBe('PUT_OK'));
  };
  /** The messages of a real queue, in queue order. */
  const delivered = (topic = 'T', queueId = 1) =>
    store!.getMessage(topic, queueId, { offset: 0, maxMsgNums: 1_000 }).messages;
  const keys = (topic = 'T', queueId = 1) => delivered(topic, queueId).map((m) => m.getKeys());
  const events = (event: string) => world.trace.records.filter((r) => r.event === event);
  return { world, node, put, delivered, keys, events, store: () => store!, service: () => service! };
}

describe('ScheduleMessageService', () => {
  test('DELAY=3 is delivered to its real topic 10 s after it was stored, not before', () => {
    const { world, put, delivered, store } = scheduleNode();
    put('k0', 3);
    world.runUntil(9_999);
    expect(delivered()).toEqual([]);
    world.runUntil(10_100);
    const [message] = delivered();
    expect(message).toBeDefined();
    expect(message!.storeTimestamp).toBe(world.config.epochMs + 10_000);
    expect(new TextDecoder().decode(message!.body)).toBe('body of k0');
    expect(message!.getUniqKey()).toBe('Uk0');
    expect([message!.flag, message!.reconsumeTimes, message!.queueOffset]).toEqual([7, 2, 0]);
    expect(message!.bornTimestamp).toBe(world.config.epochMs);
    expect(message!.getProperty(MessageConst.DELAY)).toBeUndefined();
    expect(message!.getProperty(MessageConst.REAL_TOPIC)).toBe('T');
    // The delayed copy stays in SCHEDULE_TOPIC_XXXX queue 2; the new one has its own msgId.
    const scheduled = store().getMessage(SCHEDULE_TOPIC, 2, { offset: 0, maxMsgNums: 10 }).messages;
    expect(scheduled.map((m) => m.getUniqKey())).toEqual(['Uk0']);
    expect(scheduled[0]!.msgId).not.toBe(message!.msgId);
  });

  test("the store's delivery time (tagsCode) is the service's computeDeliverTimestamp", () => {
    const { world, put, store, service } = scheduleNode();
    for (let level = 1; level <= 20; level++) put(`k${level}`, level);
    world.runUntil(1);
    for (let level = 1; level <= 18; level++) {
      const cq = store().consumeQueues.find(SCHEDULE_TOPIC, level - 1)!;
      const entries = cq.getEntries(0, 10);
      const stored = store().lookMessageByOffset(entries[0]!.commitLogOffset)!;
      expect(entries.map((e) => e.tagsCode)).toEqual(
        entries.map(() => service().computeDeliverTimestamp(level, stored.storeTimestamp)),
      );
    }
    expect(store().consumeQueues.find(SCHEDULE_TOPIC, 17)!.maxOffsetInQueue()).toBe(3); // 18, 19, 20 capped
  });

  test('due messages of a level arrive in the order they were stored; levels run independently', () => {
    const { world, put, keys } = scheduleNode();
    put('a0', 2);
    world.runUntil(100);
    put('a1', 2);
    put('a2', 2);
    world.runUntil(500);
    put('b0', 1);
    world.runUntil(4_000);
    expect(keys()).toEqual(['b0']);
    world.runUntil(6_000);
    expect(keys()).toEqual(['b0', 'a0', 'a1', 'a2']);
  });

  test('after a clean shutdown the progress is kept: nothing is delivered twice', () => {
    const { world, node, put, keys, service } = scheduleNode();
    put('k0', 1);
    put('k1', 2);
    world.runUntil(3_000);
    expect(keys()).toEqual(['k0']);
    node.shutdown();
    world.runUntil(4_000);
    node.start();
    expect([...service().offsetTable]).toEqual([[1, 1]]);
    world.runUntil(20_000);
    expect(keys()).toEqual(['k0', 'k1']);
  });

  test("delayOffset.json's text follows every delivery (it is kept only while nothing changes)", () => {
    const { world, put, service } = scheduleNode();
    const table = () => JSON.parse(service().encode()).offsetTable;
    expect(table()).toEqual({});
    put('k0', 1);
    world.runUntil(3_000);
    expect(table()).toEqual({ 1: 1 });
    put('k1', 1);
    put('k2', 2);
    world.runUntil(9_000);
    expect(table()).toEqual({ 1: 2, 2: 1 });
  });

  test('after a crash only the last persisted progress is left: RocketMQ delivers again (duplicates)', () => {
    const { world, node, put, keys, events } = scheduleNode();
    put('k0', 1);
    put('k1', 1);
    world.runUntil(3_000); // delivered; the first persist of delayOffset.json is due at 10 s
    node.kill();
    node.start();
    world.runUntil(6_000);
    expect(keys()).toEqual(['k0', 'k1', 'k0', 'k1']);
    const uniq = events('schedule.delivered').map((r) => r.fields!.uniqKey);
    expect(uniq).toEqual(['Uk0', 'Uk1', 'Uk0', 'Uk1']);
  });

  test('after a persist, a crash repeats only what was delivered since', () => {
    const { world, node, put, keys } = scheduleNode();
    put('k0', 1);
    world.runUntil(10_500); // k0 delivered at 1 s, persisted at 10 s
    put('k1', 1);
    world.runUntil(13_000);
    node.kill();
    node.start();
    world.runUntil(16_000);
    expect(keys()).toEqual(['k0', 'k1', 'k1']);
  });

  test("a progress past the queue's end is clamped to it at load: what is before it is never sent", () => {
    const { world, node, put, keys, service, events } = scheduleNode();
    put('k0', 2);
    world.runUntil(1_000);
    node.kill();
    node.disk.write('store/config/delayOffset.json', 0, new TextEncoder().encode('{"offsetTable":{2:99}}'));
    node.start();
    expect(service().offsetTable.get(2)).toBe(1);
    expect(events('schedule.offset-corrected').map((r) => r.fields)).toEqual([
      { level: 2, offset: 99, corrected: 1 },
    ]);
    world.runUntil(10_000);
    expect(keys()).toEqual([]);
  });

  test('a put that is not PUT_OK is retried 100 ms later from the same message', () => {
    const { world, put, keys, store, events } = scheduleNode();
    put('k0', 1);
    put('k1', 1);
    const realPut = store().putMessage.bind(store());
    let failures = 3;
    store().putMessage = (request, done) =>
      failures-- > 0 ? done({ status: 'OS_PAGECACHE_BUSY' }) : realPut(request, done);
    world.runUntil(1_400);
    expect(events('schedule.put-failed').map((r) => r.t)).toEqual([1_000, 1_100, 1_200]);
    expect(keys()).toEqual(['k0', 'k1']);
  });

  test('a put answered later holds its level until the answer, then goes on in order', () => {
    const { world, put, keys, store, service, events } = scheduleNode();
    for (const key of ['k0', 'k1', 'k2']) put(key, 1);
    const realPut = store().putMessage.bind(store());
    store().putMessage = (request, done) => {
      world.scheduler.schedule(50, () => realPut(request, done));
    };
    world.runUntil(1_120);
    expect(keys()).toEqual(['k0', 'k1']);
    world.runUntil(1_300);
    expect(keys()).toEqual(['k0', 'k1', 'k2']);
    expect(events('schedule.delivered').map((r) => r.t)).toEqual([1_050, 1_100, 1_150]);
    expect(service().offsetTable.get(1)).toBe(3);
  });

  test('a FLUSH_DISK_TIMEOUT stored the message, yet is retried: a duplicate', () => {
    const { world, put, keys, store } = scheduleNode();
    put('k0', 1);
    const realPut = store().putMessage.bind(store());
    let status: PutMessageStatus = 'FLUSH_DISK_TIMEOUT';
    store().putMessage = (request, done) =>
      realPut(request, (result) => {
        done({ ...result, status });
        status = 'PUT_OK';
      });
    world.runUntil(2_000);
    expect(keys()).toEqual(['k0', 'k0']);
  });

  test('with SYNC_FLUSH the delivery does not wait for the flush (WAIT=false)', () => {
    const { world, put, delivered } = scheduleNode({ flushDiskType: 'SYNC_FLUSH' });
    put('k0', 1);
    world.runUntil(1_100);
    expect(delivered().map((m) => m.getProperty(MessageConst.WAIT))).toEqual(['false']);
  });

  test('a clock stepped back delivers what is due further ahead than its level allows, within a sleep', () => {
    const { world, node, put, keys } = scheduleNode();
    put('k0', 18); // 2 h
    world.runUntil(2_000);
    expect(keys()).toEqual([]);
    node.clock.jump(-3 * 3_600_000);
    world.runUntil(2_000 + MAX_NOT_DUE_SLEEP + DELAY_FOR_A_WHILE);
    expect(keys()).toEqual(['k0']);
  });

  test('idle levels sleep: a minute without delayed messages fires only the persist timer', () => {
    const timers = (withService: boolean) => {
      const { world, events } = scheduleNode({}, withService);
      world.runUntil(61_000);
      return events('timer').length;
    };
    const serviceTimers = timers(true) - timers(false);
    // The 18 first rounds at 1 s, then delayOffset.json every 10 s; polling would fire 18 * 600 more.
    expect(serviceTimers).toBeGreaterThanOrEqual(18 + 5);
    expect(serviceTimers).toBeLessThanOrEqual(18 + 7);
  });

  test('a sleeping level wakes when an entry arrives, and delivers on its next tick after the delay', () => {
    const { world, put, delivered } = scheduleNode();
    world.runUntil(30_000.5);
    put('k0', 1);
    world.runUntil(30_999);
    expect(delivered()).toEqual([]);
    world.runUntil(31_100.5);
    expect(delivered().map((m) => m.getKeys())).toEqual(['k0']);
  });
});
