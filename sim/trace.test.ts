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

  test('a filter keeps what it accepts, never a timer marker; all three ways hash alike', () => {
    const [all, events, none] = [new Trace(true), new Trace((_, event) => event !== 'e'), new Trace(false)];
    for (const trace of [all, events, none]) {
      trace.record(1.5, 'a', 'e', { i: 1 });
      trace.timer(2.25, 'a');
      trace.record(3, 'b', 'timer-like');
    }
    expect(all.records.map((r) => r.event)).toEqual(['e', 'timer', 'timer-like']);
    expect(events.records.map((r) => r.event)).toEqual(['timer-like']);
    expect(none.records).toEqual([]);
    expect(new Set([all.hash, events.hash, none.hash]).size).toBe(1);
    expect(none.length).toBe(3);
  });

  test('a timer marker hashes as a record named timer', () => {
    const [marker, record] = [new Trace(false), new Trace(false)];
    marker.timer(7.125, 'n');
    record.record(7.125, 'n', 'timer');
    expect(marker.hash).toBe(record.hash);
  });

  test('numbers hash by value: nearby times, a number and its digits as a string, all differ', () => {
    const hashOf = (t: number, fields?: Record<string, unknown>) => {
      const trace = new Trace(false);
      trace.record(t, 'a', 'e', fields);
      return trace.hash;
    };
    expect(hashOf(0.1 + 0.2)).not.toBe(hashOf(0.3));
    expect(hashOf(1, { x: 12 })).not.toBe(hashOf(1, { x: '12' }));
    expect(hashOf(1, { x: 12 })).toBe(hashOf(1, { x: 12 }));
    // As JSON writes them: a number that is not finite is null.
    expect(hashOf(1, { x: NaN })).toBe(hashOf(1, { x: null }));
    expect(hashOf(1, { x: Infinity })).toBe(hashOf(1, { x: null }));
  });
});
