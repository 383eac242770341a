import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { SpanSet } from './span-set.ts';

const op = fc.record({
  add: fc.boolean(),
  start: fc.integer({ min: 0, max: 60 }),
  length: fc.integer({ min: 0, max: 20 }),
});

/** The ranges of a byte map, as [start0, end0, ...]. */
function rangesOf(bytes: boolean[]): number[] {
  const out: number[] = [];
  bytes.forEach((dirty, i) => {
    if (!dirty) return;
    if (out.length > 0 && out[out.length - 1] === i) out[out.length - 1] = i + 1;
    else out.push(i, i + 1);
  });
  return out;
}

test.prop([fc.array(op, { maxLength: 40 }), fc.nat(80), fc.nat(30)])(
  'adds and removes agree with a map of bytes, and so do the pieces of a range',
  (ops, from, length) => {
    const set = new SpanSet();
    const model: boolean[] = Array.from({ length: 80 }, () => false);
    for (const { add, start, length: n } of ops) {
      if (add) set.add(start, start + n);
      else set.remove(start, start + n);
      for (let i = start; i < start + n; i++) model[i] = add;
    }
    expect(set.snapshot()).toEqual(rangesOf(model));
    expect(set.bytes).toBe(model.filter(Boolean).length);
    const inRange = model.map((dirty, i) => dirty && i >= from && i < from + length);
    const pieces: number[] = [];
    set.forEachIn(from, from + length, (s, e) => pieces.push(s, e));
    expect(pieces).toEqual(rangesOf(inRange));
    expect(set.bytesIn(from, from + length)).toBe(inRange.filter(Boolean).length);
  },
);
