// What the sweeps and the matrix ask of a pool of workers: a task is plain data (one seed of a
// matrix cell, one seed of a scenario, one run's HTML report) and so is its answer. The pool itself
// (worker processes, the worker's glue between the runner and the reports) lives in lib/, above both.
import type { ScenarioInput } from './scenario-schema.ts';

export type PoolTask =
  | { kind: 'cell-seed'; cell: string; seed: number }
  | { kind: 'seed'; scenario: ScenarioInput; source: string; seed: number }
  | { kind: 'report'; scenario: ScenarioInput; source: string; seed: number };

export interface Pool {
  run<T>(task: PoolTask): Promise<T>;
  destroy(): Promise<void>;
}
