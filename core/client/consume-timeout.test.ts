// The consume timeout (ConsumeMessageConcurrentlyService.cleanExpireMsg, ProcessQueue.cleanExpiredMsg):
// a message still in its listener consumeTimeout minutes after its consumption began is sent back
// with delay level 3 and dropped from the ProcessQueue, so it is consumed again while the first
// call still runs; an orderly consumer is never cleaned; a failed send-back leaves the message.
import { describe, expect, test } from 'vitest';
import { BROKER_A, clientWorld, NAMESRV, sendAndWait, utf8 } from '../../properties/harness/client-world.ts';
import { Message, MessageConst, MessageExt } from '../message/message.ts';
import { DefaultMQPushConsumer } from './default-mq-push-consumer.ts';
import { ProcessQueue } from './process-queue.ts';

const C1 = '10.0.0.61:7001';
const MINUTE = 60_000;

/** A world with a consumer of group G on `Orders`, its handler taking `serviceMs(msg)`; consumeTimeout 1 min. */
function slowWorld(serviceMs: (msg: MessageExt) => number, orderly = false) {
  const { w, producer, records } = clientWorld(11);
  const send = (key: string) =>
    sendAndWait(w, (done) => producer.p!.send(new Message('Orders', '', key, utf8(key)), done));
  send('warm');
  w.addNode(C1, (env) => {
    const consumer = new DefaultMQPushConsumer('G', env);
    consumer.setNamesrvAddr(NAMESRV);
    consumer.subscribe('Orders', '*');
    consumer.setConsumeTimeout(1);
    consumer.setConsumeServiceTime((msgs) => serviceMs(msgs[0]!));
    if (orderly)
      consumer.registerMessageListener({ orderly: true, consumeMessage: () => 'SUCCESS' as const });
    else consumer.registerMessageListener({ consumeMessage: () => 'CONSUME_SUCCESS' as const });
    consumer.start();
    return consumer;
  });
  w.runUntil(w.now + 5_000);
  return { w, send, records, startedAt: w.now - 5_000 };
}

const slowFirstTime = (ms: number) => (msg: MessageExt) =>
  msg.getKeys() === 'slow' && msg.reconsumeTimes === 0 ? ms : 1;

const deliveries = (records: (e: string) => { t: number; fields?: Record<string, unknown> }[], key: string) =>
  records('consumer.deliver').filter((r) => r.fields?.key === key);

describe('consume timeout', () => {
  test('a handler slower than consumeTimeout: its message is sent back and consumed again while it still runs', () => {
    const { w, send, records } = slowWorld(slowFirstTime(150_000));
    send('slow');
    const began = w.now;
    w.runUntil(began + 200_000);
    const cleaned = records('consumer.consume-timeout');
    expect(cleaned.map((r) => r.fields?.sentBack)).toEqual([true]);
    // The first clean round after the consumption began plus one minute (rounds are a minute apart).
    expect(cleaned[0]!.t).toBeGreaterThan(began + MINUTE);
    expect(cleaned[0]!.t).toBeLessThan(began + 2 * MINUTE + 1_000);
    const [retry, first] = deliveries(records, 'slow');
    // The listener call is recorded when it ends: the copy from %RETRY%G (level 3: 10 s later)
    // finished while the first call, 150 s long, was still running.
    expect(retry!.fields).toMatchObject({ queueTopic: '%RETRY%G', reconsumeTimes: 1 });
    expect(first!.fields).toMatchObject({ queueTopic: 'Orders', reconsumeTimes: 0 });
    expect(retry!.t).toBeLessThan(first!.t);
    expect(retry!.t - cleaned[0]!.t).toBeGreaterThanOrEqual(10_000);
    expect(deliveries(records, 'slow')).toHaveLength(2);
    expect(w.probes.count('client.consume-timeout-send-back')).toBe(1);
    const backs = records('broker.send-back').filter((r) => r.fields?.delay === '3');
    expect(backs).toHaveLength(1);
  });

  test('a handler within consumeTimeout is left alone', () => {
    const { w, send, records } = slowWorld(slowFirstTime(50_000));
    send('slow');
    w.runUntil(w.now + 4 * MINUTE);
    expect(records('consumer.consume-timeout')).toEqual([]);
    expect(deliveries(records, 'slow')).toHaveLength(1);
  });

  test('an orderly consumer is never cleaned, however long its listener takes', () => {
    const { w, send, records } = slowWorld(slowFirstTime(150_000), true);
    send('slow');
    w.runUntil(w.now + 4 * MINUTE);
    expect(records('consumer.consume-timeout')).toEqual([]);
    expect(deliveries(records, 'slow')).toHaveLength(1);
  });

  test('a send-back that fails leaves the message; each round looks at it at most 16 times', () => {
    const { w, send, records } = slowWorld(slowFirstTime(10 * MINUTE));
    send('slow');
    // The broker goes before the first clean round can send the message back.
    w.node(BROKER_A).kill();
    const killedAt = w.now;
    w.runUntil(killedAt + 2 * MINUTE - 1_000);
    const cleaned = records('consumer.consume-timeout');
    expect(cleaned.length).toBe(16);
    expect(cleaned.every((r) => r.fields?.sentBack === false)).toBe(true);
    expect(w.probes.count('client.consume-timeout-send-back-failed')).toBe(16);
    expect(w.probes.count('client.consume-timeout-send-back')).toBe(0);
  });
});

describe('ProcessQueue.expiredHead', () => {
  const msg = (queueOffset: number, startedAt?: number) => {
    const host = { ip: '10.0.0.1', port: 10911 };
    const stored = { queueId: 0, queueOffset, commitLogOffset: 0, storeSize: 0, sysFlag: 0, bodyCRC: 0 };
    const times = { bornTimestamp: 0, storeTimestamp: 0, reconsumeTimes: 0, preparedTransactionOffset: 0 };
    const m = new MessageExt('T', utf8('x'), {}, { ...stored, ...times, bornHost: host, storeHost: host });
    if (startedAt !== undefined) m.putProperty(MessageConst.CONSUME_START_TIME, String(startedAt));
    return m;
  };

  test('only the first cached message counts, and only once its consumption began over the timeout ago', () => {
    const pq = new ProcessQueue(0);
    const [first, second] = [msg(5, 1_000), msg(6, 0)];
    pq.putMessage([second, first]);
    expect(pq.expiredHead(61_000, MINUTE)).toBeUndefined(); // exactly the timeout: not over it
    expect(pq.expiredHead(61_001, MINUTE)).toBe(first);
    pq.removeIfFirst(second); // not first: stays
    expect(pq.cachedOffsets()).toEqual([5, 6]);
    pq.removeIfFirst(first);
    expect(pq.cachedOffsets()).toEqual([6]);
    expect(pq.expiredHead(61_001, MINUTE)).toBe(second);
    expect(new ProcessQueue(0).expiredHead(1e9, MINUTE)).toBeUndefined();
    const unstarted = new ProcessQueue(0);
    unstarted.putMessage([msg(1)]);
    expect(unstarted.expiredHead(1e9, MINUTE)).toBeUndefined();
  });
});
