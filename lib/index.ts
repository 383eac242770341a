// rmqsim as a library (`import … from 'rmqsim'`): run a scenario (a built-in by name, or a
// scenario object, validated by the exported zod schema) at a seed with the application's own
// consumer handler, sweep seeds (in this process with a handler, on worker processes without),
// judge the guarantees matrix, and turn results into the command line's JSON, text and HTML
// reports. The handler contract (AppHandler: RocketMQ's statuses, or a throw) is the runner's;
// the README's "Your own consumer handler" states it. The vitest helper is `rmqsim/vitest`.
import { z } from 'zod';
import { runJson } from '../reports/run-report.ts';
import { findScenario } from '../scenarios/library/index.ts';
import type { LessonVerdict } from '../scenarios/lessons.ts';
import { startClaims } from '../scenarios/matrix.ts';
import type { Pool, PoolTask } from '../scenarios/pool-task.ts';
import { runScenario as runParsed, type RunOptions, type RunResult } from '../scenarios/runner.ts';
import { parseScenario, scenarioSchema, type ScenarioInput } from '../scenarios/scenario-schema.ts';
import { WHOLE, type SeedRange, type Shard } from '../scenarios/seed-range.ts';
import { startSweep, type SweepResult } from '../scenarios/sweep.ts';
import type { ClaimName } from '../scenarios/claims-matrix.ts';
import type { CellVerdict } from '../scenarios/verdict.ts';
import type { AppHandler } from '../scenarios/workload.ts';
import { createPool, defaultWorkers } from './pool.ts';

export type { RunOptions, RunResult } from '../scenarios/runner.ts';
export {
  parseScenario,
  scenarioSchema,
  PROPERTIES,
  type Property,
  type Scenario,
  type ScenarioInput,
} from '../scenarios/scenario-schema.ts';
export { BUILT_IN_SCENARIOS, findScenario } from '../scenarios/library/index.ts';
export {
  HandlerError,
  STATUSES,
  type AppContext,
  type AppHandler,
  type ConsumeMode,
  type ConsumeStatus,
} from '../scenarios/workload.ts';
export type { MessageExt } from '../core/message/message.ts';
export type { CheckResult, RunStats } from '../scenarios/checks.ts';
export type { History, Op, Violation } from '../properties/history.ts';
export { toJsonLines } from '../properties/history.ts';
export { runJson, runText } from '../reports/run-report.ts';
export { runReportHtml } from '../reports/html/index.ts';
export { sweepText } from '../reports/sweep-report.ts';
export { CLAIM_NAMES, type ClaimName } from '../scenarios/claims-matrix.ts';
export type { CellVerdict, Counterexample } from '../scenarios/verdict.ts';
export type { LessonVerdict } from '../scenarios/lessons.ts';
export type { SeedSummary, SweepResult } from '../scenarios/sweep.ts';
export type { Shard } from '../scenarios/seed-range.ts';

/**
 * The scenario schema as JSON Schema, what an editor completes a scenario file from; a file may
 * name it in "$schema" (the command line ignores that key).
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  const properties = { $schema: { type: 'string' }, ...(schema.properties as Record<string, unknown>) };
  return { ...schema, properties };
}

/** A built-in scenario's name or a scenario object, as a scenario and how a replay names it. */
export function scenarioFrom(scenario: ScenarioInput | string): { input: ScenarioInput; source: string } {
  if (typeof scenario !== 'string') return { input: scenario, source: parseScenario(scenario).name };
  const builtIn = findScenario(scenario);
  if (builtIn === undefined)
    throw new Error(`no built-in scenario "${scenario}" (BUILT_IN_SCENARIOS lists them)`);
  return { input: builtIn, source: scenario };
}

/**
 * One run of a scenario (a built-in name or a scenario object) at a seed (default: the
 * scenario's), with the application's handler if given: verdicts, stats, history and trace hash.
 */
export function runScenario(scenario: ScenarioInput | string, options: RunOptions = {}): RunResult {
  const { input, source } = scenarioFrom(scenario);
  return runParsed(input, { source, ...options });
}

export interface SweepOptions {
  /** How many seeds (default 100), from `from` (default 1); `shard` keeps every n-th. */
  seeds?: number;
  from?: number;
  shard?: Shard;
  /** The application's consumer handler: the seeds then run in this process, one after another. */
  handler?: AppHandler;
  /** Worker processes without a handler (default: one a core). */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The seeds run in this process, with the application's handler (a function cannot go to a worker). */
function inProcess(handler: AppHandler): Pool {
  return {
    run: async <T>(task: PoolTask) => {
      if (task.kind !== 'seed') throw new Error(`an in-process pool runs seeds, not ${task.kind}`);
      return runJson(runParsed(task.scenario, { seed: task.seed, source: task.source, handler })) as T;
    },
    destroy: async () => {},
  };
}

/** A sweep, as `rmqsim sweep --json` answers it: seeds in order, stopping at the first violation. */
export async function sweep(
  scenario: ScenarioInput | string,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const { input, source } = scenarioFrom(scenario);
  const range: SeedRange = {
    from: options.from ?? 1,
    seeds: options.seeds ?? 100,
    shard: options.shard ?? WHOLE,
  };
  const workers = options.handler === undefined ? (options.workers ?? defaultWorkers()) : 1;
  const pool = options.handler === undefined ? createPool(workers) : inProcess(options.handler);
  try {
    return await startSweep(input, source, { range, workers, onProgress: options.onProgress }, pool).result;
  } finally {
    await pool.destroy();
  }
}

export interface ClaimsOptions {
  seeds?: number;
  from?: number;
  shard?: Shard;
  /** Only this claim's cells, and no lessons. */
  claim?: ClaimName;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The guarantees matrix, as `rmqsim claims` judges it (without its files). */
export async function judgeClaims(
  options: ClaimsOptions = {},
): Promise<{ claims: CellVerdict[]; lessons: LessonVerdict[] }> {
  const range: SeedRange = {
    from: options.from ?? 1,
    seeds: options.seeds ?? 6,
    shard: options.shard ?? WHOLE,
  };
  const workers = options.workers ?? defaultWorkers();
  const pool = createPool(workers);
  try {
    const { claim, onProgress } = options;
    const started = startClaims(pool, { range, claim, workers, onProgress });
    const [claims, lessons] = await Promise.all([started.result, started.lessons]);
    return { claims, lessons };
  } finally {
    await pool.destroy();
  }
}
