import { describe, expect, test } from 'vitest';
import { rngStream } from './rng.ts';

const draws = (seed: number, name: string, n = 20) => {
  const rng = rngStream(seed, name);
  return Array.from({ length: n }, () => rng.next());
};

describe('rng streams', () => {
  test('same seed and name give the same draws; another seed or name differs', () => {
    expect(draws(7, 'net')).toEqual(draws(7, 'net'));
    expect(draws(7, 'net')).not.toEqual(draws(8, 'net'));
    expect(draws(7, 'net')).not.toEqual(draws(7, 'disk'));
  });

  test('streams are independent: drawing from one does not shift another', () => {
    const a = rngStream(1, 'a');
    const b = rngStream(1, 'b');
    for (let i = 0; i < 100; i++) a.next();
    expect([b.next(), b.next()]).toEqual(draws(1, 'b', 2));
  });

  test('int stays in range and covers it; bad bounds are rejected', () => {
    const rng = rngStream(3, 'x');
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const v = rng.int(6);
      expect(v >= 0 && v < 6 && Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(6);
    expect(() => rng.int(0)).toThrow();
    expect(() => rng.int(2.5)).toThrow();
  });

  test('chance(0) is never true, chance(1) always', () => {
    const rng = rngStream(4, 'x');
    for (let i = 0; i < 200; i++) {
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(1)).toBe(true);
    }
  });

  test('exponential has roughly the requested mean and is never negative', () => {
    const rng = rngStream(5, 'x');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = rng.exponential(10);
      expect(v).toBeGreaterThanOrEqual(0);
      sum += v;
    }
    expect(sum / 20_000).toBeGreaterThan(9.5);
    expect(sum / 20_000).toBeLessThan(10.5);
  });
});
