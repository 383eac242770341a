// The event queue against a sorted list: any interleaving of pushes and pops yields events in
// (at, seq) order, ties in time broken by seq, with fractional and repeated times.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { EventQueue } from './event-queue.ts';

interface QueuedEvent {
  readonly at: number;
  readonly seq: number;
}

type Op = { push: number } | { pop: true };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ push: fc.oneof(fc.nat(5), fc.double({ min: 0, max: 5, noNaN: true })) }),
  },
  { weight: 2, arbitrary: fc.constant({ pop: true as const }) },
);

describe('EventQueue', () => {
  ptest.prop([fc.array(opArb, { minLength: 20, maxLength: 600, size: 'max' })])(
    'pops in (at, seq) order, as a sorted model does',
    (ops) => {
      const queue = new EventQueue<QueuedEvent>();
      let model: QueuedEvent[] = [];
      let seq = 0;
      for (const op of ops) {
        if ('push' in op) {
          const event = { at: op.push, seq: seq++ };
          queue.push(event, event.at, event.seq);
          model.push(event);
          model.sort((a, b) => a.at - b.at || a.seq - b.seq);
        } else {
          expect(queue.pop()).toBe(model[0]);
          model = model.slice(1);
        }
        expect(queue.length).toBe(model.length);
        expect(queue.peek()).toBe(model[0]);
        if (model.length > 0) expect(queue.peekAt()).toBe(model[0]!.at);
      }
    },
  );

  test('grows past its first capacity and empties in order', () => {
    const queue = new EventQueue<QueuedEvent>();
    for (let i = 0; i < 5_000; i++) {
      const event = { at: (i * 7919) % 5_000, seq: i };
      queue.push(event, event.at, event.seq);
    }
    const popped: number[] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e.at);
    expect(popped).toEqual([...popped].sort((a, b) => a - b));
    expect(popped).toHaveLength(5_000);
  });
});
