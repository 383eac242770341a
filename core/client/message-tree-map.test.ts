import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runs } from '../../properties/fc-setup.ts';
import type { MessageExt } from '../message/message.ts';
import { MessageTreeMap } from './message-tree-map.ts';

const msg = (offset: number) => ({ queueOffset: offset }) as unknown as MessageExt;

describe('MessageTreeMap', () => {
  test('in order: the ends, lookups and holes', () => {
    const tree = new MessageTreeMap();
    for (const o of [3, 4, 5, 6]) tree.set(o, msg(o));
    expect([tree.firstKey(), tree.lastKey(), tree.size]).toEqual([3, 6, 4]);
    expect(tree.delete(4)).toBe(true);
    expect(tree.delete(4)).toBe(false);
    expect(tree.keys()).toEqual([3, 5, 6]);
    expect(tree.delete(3)).toBe(true);
    expect(tree.firstKey()).toBe(5);
    tree.set(2, msg(2));
    expect(tree.keys()).toEqual([2, 5, 6]);
    tree.clear();
    expect([tree.size, tree.firstKey(), tree.get(5)]).toEqual([0, undefined, undefined]);
  });

  // Any order of puts and removals answers as a Map with its keys sorted.
  const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }));
  ptest.prop([fc.array(op, { maxLength: 200 })], runs(200))('answers as a sorted Map', (ops) => {
    const tree = new MessageTreeMap();
    const map = new Map<number, MessageExt>();
    for (const [put, offset] of ops) {
      if (put) {
        const m = msg(offset);
        tree.set(offset, m);
        map.set(offset, m);
      } else expect(tree.delete(offset)).toBe(map.delete(offset));
      const keys = [...map.keys()].sort((a, b) => a - b);
      expect(tree.keys()).toEqual(keys);
      expect(tree.size).toBe(map.size);
      expect(tree.firstKey()).toBe(keys[0]);
      expect(tree.lastKey()).toBe(keys.at(-1));
      for (let o = 0; o <= 40; o += 7) expect(tree.get(o)).toBe(map.get(o));
    }
  });
});
