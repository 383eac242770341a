// What a worker of the pool runs: one seed of a matrix cell (the shrunk counterexample, or null
// where the claim held, and the probes the run hit), one seed of a scenario (its run.json object), or one run's HTML report. Workers are separate processes; a task and its answer are
// plain data. The worker is glue between the runner and the reports, so it imports both.
import { runReportHtml } from '../reports/html/index.ts';
import { runJson } from '../reports/run-report.ts';
import { CLAIM_CELLS } from '../scenarios/claims-matrix.ts';
import type { PoolTask } from '../scenarios/pool-task.ts';
import { runScenario } from '../scenarios/runner.ts';
import { judgeCellSeed } from '../scenarios/verdict.ts';

export default function work(task: PoolTask) {
  switch (task.kind) {
    case 'seed':
      return runJson(runScenario(task.scenario, { seed: task.seed, source: task.source }));
    case 'report':
      return runReportHtml(
        runScenario(task.scenario, { seed: task.seed, source: task.source, keepTrace: true }),
        task.scenario,
      );
    case 'cell-seed': {
      const cell = CLAIM_CELLS.find((c) => c.id === task.cell);
      if (cell === undefined) throw new Error(`no matrix cell ${task.cell}`);
      return judgeCellSeed(cell, task.seed);
    }
  }
}
