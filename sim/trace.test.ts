import { describe, expect, test } from 'vitest';
import { Trace } from './trace.ts';

const fill = (trace: Trace, n: number) => {
  for (let i = 0; i < n; i++) trace.record(i, 'a', 'e', { i });
};

describe('Trace', () => {
  test('same records, same hash; one differing field, another hash', () => {
    const [a, b, c] = [new Trace(false), new Trace(false), new Trace(false)];
    fill(a, 100);
    fill(b, 100);
    fill(c, 99);
    c.record(99, 'a', 'e', { i: 100 });
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  test('order matters', () => {
    const [a, b] = [new Trace(false), new Trace(false)];
    a.record(0, 'x', 'one');
    a.record(0, 'x', 'two');
    b.record(0, 'x', 'two');
    b.record(0, 'x', 'one');
    expect(a.hash).not.toBe(b.hash);
  });

  test('records are kept only on request; the hash does not depend on it', () => {
    const [kept, hashed] = [new Trace(true), new Trace(false)];
    fill(kept, 3);
    fill(hashed, 3);
    expect(kept.records).toHaveLength(3);
    expect(kept.records[2]).toEqual({ t: 2, node: 'a', event: 'e', fields: { i: 2 } });
    expect(hashed.records).toHaveLength(0);
    expect(kept.hash).toBe(hashed.hash);
    expect(hashed.length).toBe(3);
  });
});
