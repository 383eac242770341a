// A sweep: one scenario over a range of seeds on a pool of workers, in increasing order, stopping at
// the first seed that violates a guaranteed property (ordered-search.ts: the answer is the same with
// one worker or many, and a range run in shards merges to the range run whole). `--shard i/n`
// keeps every n-th seed of the range (seed-range.ts). A started sweep can be asked, when it is
// interrupted, where a new sweep would resume.
import type { runJson } from '../reports/run-report.ts';
import { coverageOf, type Coverage } from './coverage.ts';
import { OrderedSearch } from './ordered-search.ts';
import type { Pool } from './pool-task.ts';
import type { ScenarioInput } from './scenario-schema.ts';
import { resumeRange, shardSeeds, shardSize, type SeedRange, type Shard } from './seed-range.ts';

export type SeedSummary = ReturnType<typeof runJson>;
export type { Shard };

export interface SweepOptions {
  range: SeedRange;
  workers: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SweepResult {
  scenario: string;
  /** How a replay names the scenario (a built-in name or a file path). */
  source: string;
  from: number;
  /** The range's length (a shard runs every n-th of them). */
  seeds: number;
  shard: Shard;
  /** Per seed run, in seed order. */
  results: SeedSummary[];
  firstFailure?: SeedSummary;
  /** Every probe of core/ with how many of the seeds run hit it. */
  coverage: Coverage;
}

export interface StartedSweep {
  result: Promise<SweepResult>;
  /** How many seeds the sweep runs at most. */
  total: number;
  /** Seeds answered so far. */
  done(): number;
  /** Where a sweep of the rest of the range starts (undefined once nothing is left). */
  resume(): SeedRange | undefined;
}

export function startSweep(
  scenario: ScenarioInput,
  source: string,
  options: SweepOptions,
  pool: Pool,
): StartedSweep {
  const { range } = options;
  const search = new OrderedSearch<SeedSummary>((r) => !r.ok);
  let answered = 0;
  const total = shardSize(range);
  const jobs = (function* () {
    for (const seed of shardSeeds(range)) yield { group: '', seed };
  })();
  const runJob = ({ seed }: { seed: number }) =>
    pool.run<SeedSummary>({ kind: 'seed', scenario, source, seed });
  const result = search
    .run(jobs, options.workers, runJob, (n) => {
      answered = n;
      options.onProgress?.(n, total);
    })
    .then((): SweepResult => sweepResult(scenario.name, source, range, search.kept('')));
  return {
    result,
    total,
    done: () => answered,
    resume: () => resumeRange(range, (s) => search.isDone('', s)),
  };
}

export function sweepResult(
  scenario: string,
  source: string,
  range: SeedRange,
  results: SeedSummary[],
): SweepResult {
  const firstFailure = results.find((r) => !r.ok);
  return {
    scenario,
    source,
    from: range.from,
    seeds: range.seeds,
    shard: range.shard,
    results,
    ...(firstFailure && { firstFailure }),
    coverage: coverageOf(results.map((r) => Object.keys(r.probes))),
  };
}

export function sweep(
  scenario: ScenarioInput,
  source: string,
  options: SweepOptions,
  pool: Pool,
): Promise<SweepResult> {
  return startSweep(scenario, source, options, pool).result;
}
