import { describe, expect, test } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import {
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  type AllocateMessageQueueStrategy,
} from './allocate-message-queue.ts';
import { MessageQueue } from './message-queue.ts';
import type { MessageExt } from '../message/message.ts';
import { ProcessQueue } from './process-queue.ts';

const queues = (n: number, broker = 'broker-a') =>
  Array.from({ length: n }, (_, i) => new MessageQueue('T', broker, i));
const names = (mqs: MessageQueue[]) => mqs.map((mq) => `${mq.brokerName}:${mq.queueId}`);

describe('allocation strategies', () => {
  test('Averagely: 8 queues over 3 consumers are 3/3/2 contiguous ranges', () => {
    const s = new AllocateMessageQueueAveragely();
    const cids = ['c', 'a', 'b'];
    expect(names(s.allocate('G', 'a', queues(8), cids))).toEqual(['broker-a:0', 'broker-a:1', 'broker-a:2']);
    expect(names(s.allocate('G', 'b', queues(8), cids))).toEqual(['broker-a:3', 'broker-a:4', 'broker-a:5']);
    expect(names(s.allocate('G', 'c', queues(8), cids))).toEqual(['broker-a:6', 'broker-a:7']);
    expect(s.allocate('G', 'x', queues(8), cids)).toEqual([]);
  });

  test('ByCircle: 8 queues over 3 consumers go round the circle', () => {
    const s = new AllocateMessageQueueAveragelyByCircle();
    const cids = ['a', 'b', 'c'];
    expect(names(s.allocate('G', 'a', queues(8), cids))).toEqual(['broker-a:0', 'broker-a:3', 'broker-a:6']);
    expect(names(s.allocate('G', 'c', queues(8), cids))).toEqual(['broker-a:2', 'broker-a:5']);
  });

  test('more consumers than queues: the last ones get nothing', () => {
    const s = new AllocateMessageQueueAveragely();
    const cids = ['a', 'b', 'c', 'd', 'e'];
    expect(cids.map((c) => s.allocate('G', c, queues(3), cids).length)).toEqual([1, 1, 1, 0, 0]);
  });

  for (const strategy of [new AllocateMessageQueueAveragely(), new AllocateMessageQueueAveragelyByCircle()]) {
    ptest.prop([
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 12 }),
      fc.uniqueArray(fc.stringMatching(/^[a-z0-9@.]{1,8}$/), { minLength: 1, maxLength: 10 }),
      fc.integer(),
    ])(
      `${strategy.getName()}: the consumers' shares partition the queues, sizes within one, in any input order`,
      (nA, nB, cids, shuffleSeed) => {
        const mqs = [...queues(nA, 'broker-a'), ...queues(nB, 'broker-b')];
        const shuffled = [...mqs].sort(
          (x, y) => ((x.queueId * 31 + shuffleSeed) % 7) - ((y.queueId * 31 + shuffleSeed) % 7),
        );
        const shares = cids.map((c) =>
          (strategy as AllocateMessageQueueStrategy).allocate('G', c, shuffled, [...cids].reverse()),
        );
        const all = shares.flat().map((mq) => mq.key);
        expect(new Set(all).size).toBe(all.length);
        expect(all.sort()).toEqual(mqs.map((mq) => mq.key).sort());
        const sizes = shares.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      },
    );
  }
});

const msg = (queueOffset: number) => ({ queueOffset, body: new Uint8Array(3) }) as unknown as MessageExt;

describe('ProcessQueue', () => {
  test('removeMessage answers the smallest offset in flight, or max + 1 when empty', () => {
    const pq = new ProcessQueue(0);
    expect(pq.removeMessage([msg(0)])).toBe(-1);
    pq.putMessage([msg(5), msg(6), msg(7)]);
    expect(pq.getMaxSpan()).toBe(2);
    expect(pq.removeMessage([msg(6)])).toBe(5);
    expect(pq.removeMessage([msg(5)])).toBe(7);
    expect(pq.removeMessage([msg(7)])).toBe(8);
    expect(pq.msgCount).toBe(0);
  });

  ptest.prop([
    fc.uniqueArray(fc.nat(200), { minLength: 1, maxLength: 40 }),
    fc.array(fc.boolean(), { maxLength: 40 }),
  ])('the committed offset never passes a message still in flight', (offsets, removeFlags) => {
    const pq = new ProcessQueue(0);
    pq.putMessage(offsets.map(msg));
    const removed = offsets.filter((_, i) => removeFlags[i] ?? false);
    const left = offsets.filter((o) => !removed.includes(o));
    const committed = pq.removeMessage(removed.map(msg));
    if (left.length > 0) expect(committed).toBe(Math.min(...left));
    else expect(committed).toBe(Math.max(...offsets) + 1);
    expect(pq.msgCount).toBe(left.length);
    expect(pq.msgSize).toBe(3 * left.length);
  });
});
