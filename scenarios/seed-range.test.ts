// Ranges, shards and resuming: shards of a range split it exactly, lazily; an interrupted search
// resumes at the first seed of its shard not done, as shard 1/n of the rest; a matrix resumes at
// the first seed that some cell has not judged, a refuted cell needing nothing past its refutation.
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from './claims-matrix.ts';
import { cellRange, startMatrix } from './matrix.ts';
import type { Pool, PoolTask } from './pool-task.ts';
import { resumeRange, shardSeeds, shardSize, type SeedRange } from './seed-range.ts';

describe('shards', () => {
  test('the shards of a range split it: each seed in exactly one, in order, as many as shardSize says', () => {
    for (const [from, seeds, count] of [
      [1, 10, 3],
      [7, 5, 5],
      [0, 3, 4],
      [100, 1, 1],
    ] as const) {
      const shards = Array.from({ length: count }, (_, k) => [
        ...shardSeeds({ from, seeds, shard: { index: k + 1, count } }),
      ]);
      expect(shards.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: seeds }, (_, k) => from + k));
      shards.forEach((s, k) =>
        expect(s.length).toBe(shardSize({ from, seeds, shard: { index: k + 1, count } })),
      );
    }
  });

  test('a billion seeds are produced one at a time', () => {
    const seeds = shardSeeds({ from: 1, seeds: 1_000_000_000, shard: { index: 2, count: 3 } });
    expect([seeds.next().value, seeds.next().value]).toEqual([2, 5]);
  });

  test("resuming a shard: the rest of the shard's seeds are the new range's shard 1/n", () => {
    const range: SeedRange = { from: 1, seeds: 20, shard: { index: 2, count: 3 } };
    const done = new Set([2, 5, 11]); // 8 is not done
    const next = resumeRange(range, (s) => done.has(s))!;
    expect(next).toEqual({ from: 8, seeds: 13, shard: { index: 1, count: 3 } });
    const left = [...shardSeeds(range)].filter((s) => s >= 8);
    expect([...shardSeeds(next)]).toEqual(left);
    expect(resumeRange(range, () => true)).toBeUndefined();
  });
});

test('an interrupted matrix resumes at the first seed some cell has not judged', async () => {
  const [slow, refuted] = [CLAIM_CELLS[1]!, CLAIM_CELLS[2]!];
  const never = new Promise<never>(() => {});
  const pool: Pool = {
    run: <T>(task: PoolTask): Promise<T> => {
      if (task.kind !== 'cell-seed') throw new Error(task.kind);
      if (task.cell === slow.id && task.seed === 3) return never; // still running at the interrupt
      const counterexample = task.cell === refuted.id && task.seed === 2 ? { seed: 2 } : null;
      return Promise.resolve({ seed: task.seed, counterexample, probes: [] } as T);
    },
    destroy: async () => {},
  };
  const range: SeedRange = { from: 1, seeds: 6, shard: { index: 1, count: 1 } };
  const started = startMatrix(pool, { range, workers: 4 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(started.resume()).toEqual({ from: 3, seeds: 4, shard: { index: 1, count: 1 } });
  const everyOther = CLAIM_CELLS.filter((c) => c !== slow && c !== refuted);
  // The refuted cell stopped after seed 2; the slow one answered every seed but 3.
  const judged = everyOther.reduce((n, c) => n + cellRange(c, range).seeds, 0) + 2 + 5;
  expect(started.done()).toBe(judged);
});
