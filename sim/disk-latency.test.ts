// A flush's latency drawn per flush (flushLatencyMaxMs): within its range, different from flush to
// flush, and no draw at all without it (a disk that does not opt in keeps its stream, and so its
// torn pages and bit flips, where they were).
import { describe, expect, test } from 'vitest';
import { diskConfigSchema, SimDisk } from './disk.ts';
import { SeededRng } from './rng.ts';
import { Scheduler } from './scheduler.ts';

function completions(config: { flushLatencyMs: number; flushLatencyMaxMs?: number }, seed: string) {
  const scheduler = new Scheduler({ maxEvents: 1_000_000, maxTimeMs: 1e12 });
  const rng = new SeededRng(seed);
  const parsed = diskConfigSchema.parse({ dirtyExpireMs: Infinity, ...config });
  const disk = new SimDisk({ scheduler, rng, config: parsed });
  const done: number[] = [];
  for (let i = 0; i < 20; i++) {
    disk.write(`f${i}`, 0, Uint8Array.of(i));
    disk.flush(`f${i}`, () => done.push(scheduler.now));
  }
  scheduler.runUntilQuiet();
  return { done, next: rng.next() };
}

describe('flush latency drawn per flush', () => {
  test('each flush completes within [flushLatencyMs, flushLatencyMaxMs], not all at once', () => {
    const { done } = completions({ flushLatencyMs: 10, flushLatencyMaxMs: 50 }, 's1');
    expect(done).toHaveLength(20);
    expect(Math.min(...done)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...done)).toBeLessThanOrEqual(50);
    expect(new Set(done).size).toBeGreaterThan(10);
  });

  test('without flushLatencyMaxMs (or equal to the minimum) no flush draws from the stream', () => {
    const fresh = new SeededRng('s2').next();
    expect(completions({ flushLatencyMs: 10 }, 's2')).toEqual({ done: Array(20).fill(10), next: fresh });
    expect(completions({ flushLatencyMs: 10, flushLatencyMaxMs: 10 }, 's2').next).toBe(fresh);
  });

  test('a maximum below the minimum is refused, naming the field', () => {
    const parsed = diskConfigSchema.safeParse({ flushLatencyMs: 10, flushLatencyMaxMs: 5 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['flushLatencyMaxMs']);
  });
});
