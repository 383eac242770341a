import { fc, test as ptest } from '@fast-check/vitest';
import { BROKER_A, clientWorld, NAMESRV, sendAndWait, utf8 } from '../../properties/harness/client-world.ts';
import { describe, expect, test } from 'vitest';
import { World } from '../../sim/world.ts';
import type { TraceRecord } from '../../sim/trace.ts';
import { onResult, type Env } from '../env.ts';
import type { MessageExt } from '../message/message.ts';
import { request } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import {
  DefaultMQPushConsumer,
  type ConsumeOrderlyContext,
  type ConsumeOrderlyStatus,
} from './default-mq-push-consumer.ts';
import { Message } from '../message/message.ts';
import { SelectMessageQueueByHash } from './message-queue-selector.ts';
import { runs } from '../../properties/fc-setup.ts';

const ADMIN = '10.0.0.70:9999';
const C1 = '10.0.0.61:7001';
const C2 = '10.0.0.62:7001';

/** The world of default-mq-push-consumer.test.ts, with ordered sends (SelectMessageQueueByHash on the key's group). */
function world(seed = 7) {
  const { w, producer, records } = clientWorld(seed);
  /** Sends `keys` to the queue chosen by hashing `orderKey`, and runs until the result. */
  const sendOrdered = (topic: string, orderKey: string, keys: string) =>
    sendAndWait(w, (done) =>
      producer.p!.send(
        new Message(topic, '', keys, utf8(keys)),
        new SelectMessageQueueByHash(),
        orderKey,
        done,
      ),
    );
  return { w, records, sendOrdered };
}

type OrderlyFn = (msgs: MessageExt[], context: ConsumeOrderlyContext) => ConsumeOrderlyStatus;

function addOrderlyConsumer(
  w: World,
  addr: string,
  topic: string,
  listener: OrderlyFn = () => 'SUCCESS',
  configure: (c: DefaultMQPushConsumer, env: Env) => void = () => {},
) {
  const box: { consumer?: DefaultMQPushConsumer } = {};
  w.addNode(addr, (env) => {
    const consumer = new DefaultMQPushConsumer('G', env);
    consumer.setNamesrvAddr(NAMESRV);
    consumer.setConsumeFromWhere('CONSUME_FROM_FIRST_OFFSET');
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener({ orderly: true, consumeMessage: listener });
    configure(consumer, env);
    consumer.start();
    box.consumer = consumer;
    return consumer;
  });
  return box;
}

/** Deliveries of keys "<group>:<index>", in trace order. */
type Row = Record<string, unknown> & { t: number; group: string; index: number };
function deliveries(records: TraceRecord[]): Row[] {
  return records
    .map((r): Record<string, unknown> => ({ ...r.fields, t: r.t }))
    .filter((f) => /^[a-z]+\d*:\d+$/.test(String(f.key)))
    .map((f) => {
      const [group, index] = String(f.key).split(':');
      return { ...f, t: Number(f.t), group: group!, index: Number(index) };
    });
}

/** Per key group, the indexes in order of their first consumption. */
function firstConsumptionOrder(rows: ReturnType<typeof deliveries>): Map<string, number[]> {
  const seen = new Set<string>();
  const order = new Map<string, number[]>();
  for (const r of rows) {
    if (seen.has(String(r.key))) continue;
    seen.add(String(r.key));
    order.set(r.group, [...(order.get(r.group) ?? []), r.index]);
  }
  return order;
}

const range = (n: number) => [...Array(n).keys()];

describe('orderly consumption', () => {
  test('(a) ordered sends by key are consumed in per-key order with several consume threads', () => {
    const { w, records, sendOrdered } = world(3);
    sendOrdered('Seq', 'warm', 'warm');
    addOrderlyConsumer(w, C1, 'Seq', undefined, (c, env) => {
      c.setConsumeThreadMin(8);
      c.setConsumeServiceTime(() => env.rng.int(30));
    });
    w.runUntil(w.now + 5_000);
    const groups = ['a', 'b', 'c', 'd', 'e'];
    for (const i of range(10)) for (const g of groups) sendOrdered('Seq', g, `${g}:${i}`);
    w.runUntil(w.now + 10_000);
    const rows = deliveries(records('consumer.deliver'));
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.orderly === true)).toBe(true);
    for (const g of groups) expect(rows.filter((r) => r.group === g).map((r) => r.index)).toEqual(range(10));
    // Several queues were consumed at the same time (the threads were used).
    expect(new Set(rows.map((r) => r.queueId)).size).toBeGreaterThan(1);
  });

  test('(d) SUSPEND_CURRENT_QUEUE_A_MOMENT: the batch comes back after 1 s, before anything after it', () => {
    const { w, records, sendOrdered } = world();
    sendOrdered('Seq', 'warm', 'warm');
    let failed = false;
    addOrderlyConsumer(w, C1, 'Seq', (msgs) => {
      if (msgs[0]!.getKeys() === 'x:0' && !failed) {
        failed = true;
        return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
      }
      return 'SUCCESS';
    });
    w.runUntil(w.now + 5_000);
    for (const i of range(3)) sendOrdered('Seq', 'x', `x:${i}`);
    w.runUntil(w.now + 5_000);
    const rows = deliveries(records('consumer.deliver'));
    expect(rows.map((r) => r.key)).toEqual(['x:0', 'x:0', 'x:1', 'x:2']);
    expect(rows.map((r) => r.reconsumeTimes)).toEqual([0, 1, 0, 0]);
    const gap = rows[1]!.t - rows[0]!.t;
    expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(gap).toBeLessThan(1_100);
    expect(records('consumer.send-back')).toHaveLength(0);
  });

  test('(d2) at maxReconsumeTimes the message goes to the DLQ and the queue moves on', () => {
    const { w, records, sendOrdered } = world();
    sendOrdered('Seq', 'warm', 'warm');
    addOrderlyConsumer(
      w,
      C1,
      'Seq',
      (msgs) => (msgs[0]!.getKeys() === 'x:0' ? 'SUSPEND_CURRENT_QUEUE_A_MOMENT' : 'SUCCESS'),
      (c) => c.setMaxReconsumeTimes(2),
    );
    w.runUntil(w.now + 5_000);
    for (const i of range(2)) sendOrdered('Seq', 'x', `x:${i}`);
    w.runUntil(w.now + 10_000);
    const rows = deliveries(records('consumer.deliver'));
    expect(rows.map((r) => `${r.key}/${r.reconsumeTimes}`)).toEqual(['x:0/0', 'x:0/1', 'x:0/2', 'x:1/0']);
    const backs = records('consumer.send-back');
    expect(backs.map((r) => [r.fields?.dlq, r.fields?.outcome])).toEqual([[true, 'SUCCESS']]);
  });

  test('(c) a paused consumer whose broker lock expires: another takes the queue after 60 s, with overlap', () => {
    const { w, records, sendOrdered } = world();
    sendOrdered('Seq', 'warm', 'warm');
    const all = { allocate: (_g: string, _c: string, mqAll: readonly never[]) => [...mqAll] };
    // Both claim every queue (as two consumers briefly do when their rebalances disagree).
    addOrderlyConsumer(w, C1, 'Seq', undefined, (c) => {
      c.setAllocateMessageQueueStrategy(all as never);
      c.setConsumeServiceTime(2_000);
    });
    w.runUntil(w.now + 5_000);
    addOrderlyConsumer(w, C2, 'Seq', undefined, (c) => c.setAllocateMessageQueueStrategy(all as never));
    w.runUntil(w.now + 25_000);
    expect(records('consumer.queue-lock-failed').some((r) => r.fields?.clientId !== undefined)).toBe(true);
    for (const i of range(3)) sendOrdered('Seq', 'p', `p:${i}`);
    w.runUntil(w.now + 500); // C1 is inside the listener for p:0
    const pausedAt = w.now;
    w.node(C1).pause();
    w.runUntil(w.now + 100_000);
    const c2Id = records('consumer.start').find((r) => String(r.fields?.clientId).startsWith('10.0.0.62'))!
      .fields!.clientId;
    const byC2 = deliveries(records('consumer.deliver')).filter((r) => r.clientId === c2Id);
    expect(byC2.map((r) => r.key)).toEqual(['p:0', 'p:1', 'p:2']);
    // Not before C1's last renewal (at most 20 s before the pause) plus the broker's 60 s.
    expect(byC2[0]!.t).toBeGreaterThan(pausedAt + 40_000);
    w.node(C1).resume();
    w.runUntil(w.now + 10_000);
    // C1's listener was running when it paused: it finishes p:0 too (the overlap), and takes no more.
    const byC1 = deliveries(records('consumer.deliver')).filter((r) => r.clientId !== c2Id);
    expect(byC1.map((r) => r.key)).toEqual(['p:0']);
    expect(byC1[0]!.t).toBeGreaterThan(byC2[0]!.t);
  });

  ptest.prop(
    [
      fc.integer({ min: 0, max: 4_000 }),
      fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 4, max: 10 }),
      fc.integer({ min: 1, max: 1000 }),
    ],
    runs(8),
  )(
    '(b) per-key order of first consumption survives a consumer crash and a rebalance',
    (crashAfter, keyCount, perKey, seed) => {
      const { w, records, sendOrdered } = world(seed);
      sendOrdered('Seq', 'warm', 'warm');
      const slow = (c: DefaultMQPushConsumer, env: Env) => {
        c.setConsumeThreadMin(4);
        c.setConsumeServiceTime(() => 20 + env.rng.int(40));
      };
      addOrderlyConsumer(w, C1, 'Seq', undefined, slow);
      addOrderlyConsumer(w, C2, 'Seq', undefined, slow);
      w.runUntil(w.now + 25_000);
      const groups = range(keyCount).map((k) => `k${k}`);
      const crashAt = w.now + crashAfter;
      let crashed = false;
      for (const i of range(perKey)) {
        for (const g of groups) {
          sendOrdered('Seq', g, `${g}:${i}`);
          if (!crashed && w.now >= crashAt) {
            crashed = true;
            w.node(C2).kill();
          }
        }
      }
      if (!crashed) {
        w.runUntil(crashAt);
        w.node(C2).kill();
      }
      w.runUntil(w.now + 2_000);
      w.node(C2).start();
      w.runUntil(w.now + 150_000);
      const rows = deliveries(records('consumer.deliver'));
      const order = firstConsumptionOrder(rows);
      for (const g of groups) expect(order.get(g)).toEqual(range(perKey));
      // Not vacuous: k0..k3 hash to four queues, split 2/2, so the crashed consumer held some.
      const consumers = new Set(
        records('consumer.deliver')
          .filter((r) => r.fields?.topic === 'Seq')
          .map((r) => r.node),
      );
      expect(consumers).toEqual(new Set([C1, C2]));
    },
  );
});

describe('resetOffsetByTime', () => {
  test('(e) the group re-consumes the messages stored at or after T', () => {
    const { w, records, sendOrdered } = world();
    sendOrdered('Seq', 'warm', 'warm');
    const storeTimes = new Map<string, number>();
    addOrderlyConsumer(w, C1, 'Seq', (msgs) => {
      for (const m of msgs) storeTimes.set(m.getKeys()!, m.storeTimestamp);
      return 'SUCCESS';
    });
    w.runUntil(w.now + 5_000);
    for (const i of range(4)) sendOrdered('Seq', 'r', `r:${i}`);
    w.runUntil(w.now + 2_000);
    for (const i of range(4)) sendOrdered('Seq', 'r', `r:${i + 4}`);
    w.runUntil(w.now + 15_000); // offsets persisted
    expect(deliveries(records('consumer.deliver'))).toHaveLength(8);
    const T = storeTimes.get('r:4')!;
    expect(storeTimes.get('r:3')!).toBeLessThan(T);
    let answer: unknown;
    w.addNode(ADMIN, (env) => {
      const header = { topic: 'Seq', group: 'G', timestamp: T, isForce: false };
      env.net.request(
        BROKER_A,
        request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, header),
        5_000,
        onResult((r) => {
          answer = r;
        }),
      );
      return {};
    });
    w.runUntil(w.now + 1_000);
    expect(answer).toMatchObject({ ok: true, body: { code: 0 } });
    expect(records('consumer.reset-offset')).toHaveLength(1);
    w.runUntil(w.now + 8_000);
    expect(deliveries(records('consumer.deliver'))).toHaveLength(8); // still paused
    w.runUntil(w.now + 10_000);
    const rows = deliveries(records('consumer.deliver'));
    expect(rows.map((r) => r.key)).toEqual([...range(8), 4, 5, 6, 7].map((i) => `r:${i}`));
  });
});
