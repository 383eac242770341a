// A sweep: one scenario over many seeds on a pool of workers. Seeds are handed out in increasing
// order and a sweep stops at the first seed that violates a guaranteed property: no seed above it
// is started, every seed below it is finished, and results above it are dropped, so the answer
// (which seeds ran, the first failing one) is the same with one worker or many, in any order.
// `--shard i/n` keeps the seeds whose rank in the range is i-1 modulo n, so n machines can split
// one range and their results merge by seed.
import type { runJson } from '../reports/run-report.ts';
import type { Pool } from './pool-task.ts';
import type { ScenarioInput } from './scenario-schema.ts';

export type SeedSummary = ReturnType<typeof runJson>;

export interface Shard {
  index: number;
  count: number;
}

export interface SweepOptions {
  seeds: number;
  from: number;
  shard: Shard;
  workers: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SweepResult {
  scenario: string;
  from: number;
  shard: Shard;
  /** Per seed run, in seed order. */
  results: SeedSummary[];
  firstFailure?: SeedSummary;
}

function shardSeeds(seeds: number, from: number, { index, count }: Shard): number[] {
  return Array.from({ length: seeds }, (_, k) => from + k).filter((_, k) => k % count === index - 1);
}

export async function sweep(
  scenario: ScenarioInput,
  source: string,
  options: SweepOptions,
  pool: Pool,
): Promise<SweepResult> {
  const queue = shardSeeds(options.seeds, options.from, options.shard);
  const total = queue.length;
  const results = new Map<number, SeedSummary>();
  let stopAt = Infinity;
  const lane = async (): Promise<void> => {
    for (let seed = queue.shift(); seed !== undefined && seed < stopAt; seed = queue.shift()) {
      const result = await pool.run<SeedSummary>({ kind: 'seed', scenario, source, seed });
      results.set(seed, result);
      if (!result.ok) stopAt = Math.min(stopAt, seed);
      options.onProgress?.(results.size, total);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
  const ran = [...results.values()].filter((r) => r.seed <= stopAt).sort((a, b) => a.seed - b.seed);
  const firstFailure = ran.find((r) => !r.ok);
  return {
    scenario: scenario.name,
    from: options.from,
    shard: options.shard,
    results: ran,
    ...(firstFailure && { firstFailure }),
  };
}
