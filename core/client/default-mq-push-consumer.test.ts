import { describe, expect, test } from 'vitest';
import { clientWorld, NAMESRV, sendAndWait, utf8 } from '../../properties/harness/client-world.ts';
import { World } from '../../sim/world.ts';
import type { TraceRecord } from '../../sim/trace.ts';
import type { Env, ProcessMain } from '../env.ts';
import type { MessageExt } from '../message/message.ts';
import { DefaultMQProducer } from './default-mq-producer.ts';
import {
  DefaultMQPushConsumer,
  type ConsumeConcurrentlyContext,
  type ConsumeConcurrentlyStatus,
} from './default-mq-push-consumer.ts';
import { Message } from '../message/message.ts';

const C1 = '10.0.0.61:7001';
const C2 = '10.0.0.62:7001';
const C3 = '10.0.0.63:7001';

/** A NameServer, broker-a and a producer node (group P) whose producer is in `producer.p`. */
function world(seed = 7) {
  const { w, producer, records } = clientWorld(seed);
  /** Sends one message and runs until its callback; fails the test on an error. */
  const send = (topic: string, body: string, keys = body) =>
    sendAndWait(w, (done) => producer.p!.send(new Message(topic, '', keys, utf8(body)), done));
  return { w, records, send, producer };
}

type Listener = (msgs: MessageExt[], context: ConsumeConcurrentlyContext) => ConsumeConcurrentlyStatus;

/** A consumer node of group G subscribed to `topic`; `box.consumer` is the live incarnation's. */
function addConsumer(
  w: World,
  addr: string,
  topic: string,
  listener: Listener = () => 'CONSUME_SUCCESS',
  configure: (c: DefaultMQPushConsumer, env: Env) => void = () => {},
) {
  const box: { consumer?: DefaultMQPushConsumer } = {};
  w.addNode(addr, (env) => {
    const consumer = new DefaultMQPushConsumer('G', env);
    consumer.setNamesrvAddr(NAMESRV);
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener({ consumeMessage: listener });
    configure(consumer, env);
    consumer.start();
    box.consumer = consumer;
    return consumer;
  });
  return box;
}

const delivered = (records: TraceRecord[]) => records.map((r) => r.fields!);

describe('DefaultMQPushConsumer: the seed article', () => {
  test('the Java consumer example, line for line, prints what the producer example sent', () => {
    const { w, records } = world();
    // The producer example (as in the producer's tests), then the consumer example.
    let sent = false;
    w.addNode('10.0.0.51:5555', (env) => {
      const producer = new DefaultMQProducer('myProducerGroup', env);
      producer.setNamesrvAddr('127.0.0.1:9876');
      producer.setSendMsgTimeout(60000);
      producer.start();
      const msg = new Message('myTopic', 'TagA', new TextEncoder().encode('我是一个同步消息 '));
      producer.send(msg, (error) => {
        expect(error).toBeUndefined();
        sent = true;
        producer.shutdown();
      });
      return producer;
    });
    w.runUntil(w.now + 3_000);
    expect(sent).toBe(true);

    const consumerOne: ProcessMain = (env) => {
      const consumer = new DefaultMQPushConsumer('myConsumerGroup', env);
      consumer.setNamesrvAddr('127.0.0.1:9876');
      consumer.subscribe('myTopic', '*');
      consumer.registerMessageListener({
        consumeMessage(msgs: MessageExt[], _context: ConsumeConcurrentlyContext): ConsumeConcurrentlyStatus {
          for (const msg of msgs) {
            env.trace('stdout', { line: `消费消息:${new TextDecoder().decode(msg.body)}\n` });
          }
          return 'CONSUME_SUCCESS';
        },
      });
      consumer.start();
      env.trace('stdout', { line: 'ConsumerOne Started.\n' }); // System.out.printf("ConsumerOne Started.%n");
      return consumer;
    };
    w.addNode(C1, consumerOne);
    w.runUntil(w.now + 5_000);

    const lines = records('stdout').map((r) => r.fields?.line);
    expect(lines).toEqual(['ConsumerOne Started.\n', '消费消息:我是一个同步消息 \n']);
    const [d] = delivered(records('consumer.deliver'));
    expect(d).toMatchObject({
      group: 'myConsumerGroup',
      topic: 'myTopic',
      brokerName: 'broker-a',
      reconsumeTimes: 0,
    });
    // Within 15 s the consumed offset reaches the broker (persistAll after 10 s).
    w.runUntil(w.now + 15_000);
    const persisted = records('consumer.offset-persist').filter(
      (r) => r.fields?.mq === `myTopic@broker-a@${d!.queueId}`,
    );
    expect(persisted.at(-1)?.fields?.offset).toBe(1);
  });
});

describe('DefaultMQPushConsumer: clustering', () => {
  test('two consumers split 4 queues 2/2; a third joining triggers a rebalance to 2/1/1', () => {
    const { w, send, records } = world();
    for (let i = 0; i < 8; i++) send('Orders', `m${i}`);
    const a = addConsumer(w, C1, 'Orders');
    const b = addConsumer(w, C2, 'Orders');
    w.runUntil(w.now + 25_000);
    const qa = a.consumer!.assignedQueues().filter((k) => k.startsWith('Orders@'));
    const qb = b.consumer!.assignedQueues().filter((k) => k.startsWith('Orders@'));
    expect(qa).toHaveLength(2);
    expect(qb).toHaveLength(2);
    expect(new Set([...qa, ...qb]).size).toBe(4);
    // Every message consumed (at least once).
    const keys = new Set(delivered(records('consumer.deliver')).map((f) => f.key));
    expect(keys.size).toBe(8);

    const notifiesBefore = records('consumer.notify-ids-changed').length;
    const c = addConsumer(w, C3, 'Orders');
    w.runUntil(w.now + 5_000);
    expect(records('consumer.notify-ids-changed').length).toBeGreaterThan(notifiesBefore);
    const sizes = [a, b, c]
      .map((x) => x.consumer!.assignedQueues().filter((k) => k.startsWith('Orders@')).length)
      .sort();
    expect(sizes).toEqual([1, 1, 2]);
    const all = [a, b, c].flatMap((x) => x.consumer!.assignedQueues().filter((k) => k.startsWith('Orders@')));
    expect(new Set(all).size).toBe(4);
    // Messages sent after the rebalance are consumed once each by the new owners.
    const before = records('consumer.deliver').length;
    for (let i = 0; i < 8; i++) send('Orders', `n${i}`);
    w.runUntil(w.now + 3_000);
    const after = delivered(records('consumer.deliver').slice(before));
    expect(after.map((f) => f.key).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `n${i}`));
  });

  test('RECONSUME_LATER: the message comes back from %RETRY% with reconsumeTimes 1 after ~10 s', () => {
    const { w, send, records } = world();
    send('Orders', 'warm');
    const failedOnce = new Set<string>();
    addConsumer(w, C1, 'Orders', (msgs) => {
      const m = msgs[0]!;
      if (m.getKeys()!.startsWith('bad') && !failedOnce.has(m.getKeys()!)) {
        failedOnce.add(m.getKeys()!);
        return 'RECONSUME_LATER';
      }
      return 'CONSUME_SUCCESS';
    });
    w.runUntil(w.now + 5_000);
    // The first failure creates %RETRY%G; its route reaches the consumer within a poll and a rebalance.
    send('Orders', 'bad-0');
    w.runUntil(w.now + 70_000);
    expect(delivered(records('consumer.deliver')).filter((f) => f.key === 'bad-0')).toHaveLength(2);

    send('Orders', 'bad-1');
    w.runUntil(w.now + 30_000);
    const rows = records('consumer.deliver').filter((r) => r.fields?.key === 'bad-1');
    expect(rows).toHaveLength(2);
    const [first, retry] = rows;
    expect(first!.fields).toMatchObject({ topic: 'Orders', queueTopic: 'Orders', reconsumeTimes: 0 });
    expect(retry!.fields).toMatchObject({ topic: 'Orders', queueTopic: '%RETRY%G', reconsumeTimes: 1 });
    expect(retry!.fields?.uniqKey).toBe(first!.fields?.uniqKey);
    const gap = retry!.t - first!.t;
    expect(gap).toBeGreaterThanOrEqual(10_000);
    expect(gap).toBeLessThan(11_500);
    const backs = records('consumer.send-back').filter((r) => r.fields?.uniqKey === first!.fields?.uniqKey);
    expect(backs.map((r) => r.fields?.outcome)).toEqual(['SUCCESS']);
  });

  test('a consumer killed before its offsets are persisted redelivers after a restart', () => {
    const { w, send, records } = world();
    send('Orders', 'warm');
    // Each PULL_MESSAGE carries the in-memory offset (commitOffset), so with instant consumption the
    // next pull would already commit it; a 100 ms handling time leaves it in memory only, until the
    // held pull returns (15 s) or persistAll runs (every 5 s).
    addConsumer(w, C1, 'Orders', undefined, (c) => c.setConsumeServiceTime(100));
    w.runUntil(w.now + 20_000);
    // Steady state: offsets persisted; now five new messages are consumed and the node killed at once.
    for (let i = 0; i < 5; i++) send('Orders', `k${i}`);
    w.runUntil(w.now + 1_000);
    const firstRun = delivered(records('consumer.deliver')).filter((f) => String(f.key).startsWith('k'));
    expect(firstRun).toHaveLength(5);
    w.node(C1).kill();
    w.runUntil(w.now + 1_000);
    w.node(C1).start();
    w.runUntil(w.now + 10_000);
    const all = delivered(records('consumer.deliver')).filter((f) => String(f.key).startsWith('k'));
    const byKey = new Map<unknown, number>();
    for (const f of all) byKey.set(f.key, (byKey.get(f.key) ?? 0) + 1);
    // Duplicates by design: each of the five comes again, from a new client id, same queue offset.
    expect([...byKey.values()]).toEqual([2, 2, 2, 2, 2]);
    const clientIds = new Set(all.map((f) => f.clientId));
    expect(clientIds.size).toBe(2);
    for (const f of firstRun) {
      const again = all.filter((g) => g.uniqKey === f.uniqKey && g.clientId !== f.clientId);
      expect(again).toHaveLength(1);
      expect(again[0]!.queueOffset).toBe(f.queueOffset);
    }
  });

  test('a clean shutdown persists offsets first: a restart does not redeliver', () => {
    const { w, send, records } = world();
    send('Orders', 'warm');
    const box = addConsumer(w, C1, 'Orders');
    w.runUntil(w.now + 20_000);
    for (let i = 0; i < 5; i++) send('Orders', `s${i}`);
    w.runUntil(w.now + 1_000);
    let stopped = false;
    box.consumer!.shutdown(() => (stopped = true));
    w.runUntil(w.now + 1_000);
    expect(stopped).toBe(true);
    addConsumer(w, C2, 'Orders');
    w.runUntil(w.now + 10_000);
    const keys = delivered(records('consumer.deliver'))
      .filter((f) => String(f.key).startsWith('s'))
      .map((f) => f.key);
    expect(keys.sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });
});

/** Runs one seed: 20 messages to a 1-queue topic, consumed with random service times. */
function deliveryOrder(seed: number, threads: number): number[] {
  const { w, send, records } = world(seed);
  send('Solo', 'warm');
  w.runUntil(w.now + 1);
  addConsumer(
    w,
    C1,
    'Solo',
    () => 'CONSUME_SUCCESS',
    (c, env) => {
      c.setConsumeThreadMin(threads);
      c.setConsumeThreadMax(Math.max(threads, 20));
      c.setConsumeServiceTime(() => env.rng.int(40));
    },
  );
  w.runUntil(w.now + 5_000);
  // Sends while the consumer pulls: they land in one queue of the topic's four, or several.
  for (let i = 0; i < 20; i++) send('Solo', `o${i}`);
  w.runUntil(w.now + 5_000);
  const rows = delivered(records('consumer.deliver')).filter((f) => String(f.key).startsWith('o'));
  expect(rows).toHaveLength(20);
  // Per queue, the queue offsets in delivery order; flattened queue by queue.
  const byQueue = new Map<unknown, number[]>();
  for (const f of rows) byQueue.set(f.queueId, [...(byQueue.get(f.queueId) ?? []), f.queueOffset as number]);
  return [...byQueue.values()].flatMap((offsets) => (isSorted(offsets) ? [0] : [1]));
}

const isSorted = (xs: readonly number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

describe('DefaultMQPushConsumer: concurrent consumption', () => {
  test('with several threads and service times, a queue can be consumed out of order (seed search)', () => {
    let found: number | undefined;
    for (let seed = 1; seed <= 20 && found === undefined; seed++) {
      if (deliveryOrder(seed, 8).includes(1)) found = seed;
    }
    expect(found).toBeDefined();
  });

  test('with one consume thread, every queue is consumed in order', () => {
    for (const seed of [1, 2, 3]) expect(deliveryOrder(seed, 1).every((x) => x === 0)).toBe(true);
  });
});

describe('DefaultMQPushConsumer: broadcasting', () => {
  test('every consumer gets every message, offsets stay in a local file, failures are dropped', () => {
    const { w, records, send } = world();
    const broadcast = (c: DefaultMQPushConsumer) => {
      c.setMessageModel('BROADCASTING');
      c.setConsumeFromWhere('CONSUME_FROM_FIRST_OFFSET');
    };
    for (let i = 0; i < 6; i++) send('News', `n${i}`);
    addConsumer(w, '10.0.0.61:5555', 'News', () => 'CONSUME_SUCCESS', broadcast);
    addConsumer(
      w,
      '10.0.0.62:5555',
      'News',
      (msgs) => (msgs[0]!.getKeys() === 'n2' ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS'),
      broadcast,
    );
    w.runUntil(w.now + 20_000);
    const byConsumer = new Map<string, string[]>();
    for (const r of records('consumer.deliver')) {
      byConsumer.set(r.node, [...(byConsumer.get(r.node) ?? []), String(r.fields?.key)].sort());
    }
    const all = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
    expect([...byConsumer.values()]).toEqual([all, all]);
    expect(records('consumer.broadcast-drop').map((r) => r.fields?.key)).toEqual(['n2']);
    expect(records('consumer.send-back')).toEqual([]);
    const files = w
      .node('10.0.0.62:5555')
      .disk.paths()
      .filter((p) => p.endsWith('offsets.json'));
    expect(files).toHaveLength(1);
  });
});
