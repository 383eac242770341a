import { describe, expect, test } from 'vitest';
import { clientWorld, NAMESRV, sendAndWait, utf8 } from '../../properties/harness/client-world.ts';
import { World } from '../../sim/world.ts';
import type { MessageExt } from '../message/message.ts';
import { DefaultLitePullConsumer } from './default-lite-pull-consumer.ts';
import { Message } from '../message/message.ts';
import { MessageQueue } from './message-queue.ts';

const C1 = '10.0.0.61:7001';
const C2 = '10.0.0.62:7001';

function world(seed = 7) {
  const { w, producer } = clientWorld(seed);
  /** Sends one message; the producer picks the queue. */
  const send = (topic: string, body: string) =>
    sendAndWait(w, (done) => producer.p!.send(new Message(topic, '', body, utf8(body)), done));
  return { w, send };
}

const mq = (q: number) => new MessageQueue('Orders', 'broker-a', q);

/** A lite consumer node; `box.c` is the live incarnation's. */
function addLite(w: World, addr: string, setup: (c: DefaultLitePullConsumer) => void) {
  const box: { c?: DefaultLitePullConsumer } = {};
  w.addNode(addr, (env) => {
    const c = new DefaultLitePullConsumer('LG', env);
    c.setNamesrvAddr(NAMESRV);
    setup(c);
    c.start();
    box.c = c;
    return c;
  });
  return box;
}

/** 40 messages sent to Orders, and a lite consumer of queue 0 from its first offset. */
function fortyOnQueueZero(more: (c: DefaultLitePullConsumer) => void = () => {}) {
  const { w, send } = world();
  for (let i = 0; i < 40; i++) send('Orders', `m${i}`);
  const box = addLite(w, C1, (c) => {
    c.setConsumeFromWhere('CONSUME_FROM_FIRST_OFFSET');
    more(c);
    c.assign([mq(0)]);
  });
  return { w, box };
}

/** Polls until `n` messages came or `ms` passed; the messages in poll order. */
function pollAll(w: World, c: DefaultLitePullConsumer, n: number, ms = 30_000): MessageExt[] {
  const got: MessageExt[] = [];
  const until = w.now + ms;
  let waiting = false;
  while (got.length < n && w.now < until) {
    if (!waiting) {
      waiting = true;
      c.poll(1_000, (msgs) => {
        waiting = false;
        got.push(...msgs);
      });
    }
    w.runUntil(w.now + 10);
  }
  return got;
}

describe('DefaultLitePullConsumer', () => {
  test('assign one queue: poll returns all its messages in queue order, in batches of at most 10', () => {
    const { w, box } = fortyOnQueueZero();
    w.runUntil(w.now + 500);
    const sizes: number[] = [];
    const got: MessageExt[] = [];
    for (let k = 0; k < 20; k++) {
      box.c!.poll(1_000, (msgs) => {
        sizes.push(msgs.length);
        got.push(...msgs);
      });
      w.runUntil(w.now + 1_100);
    }
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((m) => m.queueId === 0)).toBe(true);
    expect(got.map((m) => m.queueOffset)).toEqual(got.map((_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });

  test('commitSync, persisted within 10 s, then a restart resumes after the committed offset', () => {
    const { w, box } = fortyOnQueueZero((c) => {
      c.setAutoCommit(false);
      c.setPullBatchSize(3);
    });
    w.runUntil(w.now + 500);
    let first: MessageExt[] = [];
    box.c!.poll(1_000, (msgs) => (first = msgs));
    w.runUntil(w.now + 1_000);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(10);
    box.c!.commitSync();
    const committed = first.at(-1)!.queueOffset + 1;
    w.runUntil(w.now + 15_000); // persistConsumerOffset: first after 10 s
    w.node(C1).kill();
    w.runUntil(w.now + 500);
    w.node(C1).start();
    w.runUntil(w.now + 500);
    const again = pollAll(w, box.c!, 1, 5_000);
    expect(again[0]?.queueOffset).toBe(committed);
  });

  test('seek re-reads from an earlier offset', () => {
    const { w, box } = fortyOnQueueZero();
    w.runUntil(w.now + 500);
    const firstRun = pollAll(w, box.c!, 5, 5_000);
    expect(firstRun.length).toBeGreaterThan(0);
    let error: unknown = 'pending';
    box.c!.seek(mq(0), 0, (e) => (error = e));
    w.runUntil(w.now + 200);
    expect(error).toBeUndefined();
    const again = pollAll(w, box.c!, 1, 5_000);
    expect(again[0]?.queueOffset).toBe(0);
    let refused: unknown;
    box.c!.seek(mq(0), 1_000_000, (e) => (refused = e));
    w.runUntil(w.now + 200);
    expect(String(refused)).toMatch(/Seek offset illegal/);
  });

  test('subscribe: two lite consumers split the 4 queues 2/2', () => {
    const { w, send } = world();
    for (let i = 0; i < 8; i++) send('Orders', `m${i}`);
    const a = addLite(w, C1, (c) => c.subscribe('Orders', '*'));
    const b = addLite(w, C2, (c) => c.subscribe('Orders', '*'));
    w.runUntil(w.now + 25_000);
    const qa = a.c!.assignedQueues();
    const qb = b.c!.assignedQueues();
    expect(qa).toHaveLength(2);
    expect(qb).toHaveLength(2);
    expect(new Set([...qa, ...qb]).size).toBe(4);
    for (let i = 0; i < 8; i++) send('Orders', `n${i}`);
    const got = [...pollAll(w, a.c!, 16, 3_000), ...pollAll(w, b.c!, 16, 3_000)];
    // A new group starts at 0 here (the broker's queryConsumerOffset quirk), so m* come too.
    const fresh = got.map((m) => m.getKeys()!).filter((k) => k.startsWith('n'));
    expect(fresh.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `n${i}`));
  });
});
