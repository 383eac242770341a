// The vitest helper (`import { checkHandler } from 'rmqsim/vitest'`), in the spirit of
// @fast-check/vitest: one call in the application's own test runs a scenario over N seeds with
// the application's consumer handler, and fails the test at the first seed where a guaranteed
// property breaks (by default the scenario's guarantees and effects-once: each message's side
// effect happens once). The failure says what broke, in words, and gives one command line that
// runs that test again at that seed only (RMQSIM_SEED), from any directory, and the seed's HTML
// report. Runs in the test's process, one seed after another.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { runReportHtml } from '../reports/html/index.ts';
import { runScenario, type RunResult } from '../scenarios/runner.ts';
import { parseScenario, type Property, type ScenarioInput } from '../scenarios/scenario-schema.ts';
import { HandlerError, type AppHandler } from '../scenarios/workload.ts';
import { scenarioFrom } from './index.ts';

export interface HandlerCheckOptions {
  /** How many seeds (default 10), from `from` (default 1). */
  seeds?: number;
  from?: number;
  /** The properties the handler must keep besides the scenario's guarantees (default: effects-once). */
  guarantees?: readonly Property[];
}

/** A seed the handler failed at: its message is the explanation and the replay line. */
export class HandlerCheckError extends Error {
  override readonly name = 'HandlerCheckError';
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The command that runs the current test again at `seed` only (undefined outside a test). */
export function replayLine(seed: number): string | undefined {
  const { currentTestName, testPath } = expect.getState();
  if (currentTestName === undefined || testPath === undefined) return undefined;
  // vitest's -t matches the names of the test and its suites joined by spaces; the state joins them by " > ".
  const name = currentTestName.split(' > ').map(escapeRegExp).join('(?: > | )');
  const root = process.cwd();
  return `cd ${quote(root)} && RMQSIM_SEED=${seed} npx vitest run ${quote(relative(root, testPath))} -t ${quote(`^${name}$`)}`;
}

function explain(result: RunResult, scenario: ScenarioInput, handler: AppHandler): string {
  const lines = [`${result.scenario} seed ${result.seed}: the handler broke a guaranteed property`];
  for (const check of result.checks.filter((c) => c.guaranteed && !c.holds)) {
    lines.push(`  ${check.property}, ${check.violations} violation${check.violations === 1 ? '' : 's'}:`);
    for (const example of check.examples.slice(0, 3)) lines.push(`    ${example}`);
  }
  const replay = replayLine(result.seed);
  if (replay !== undefined) lines.push(`replay: ${replay}`);
  lines.push(`report: ${writeReport(result.seed, scenario, handler)}`);
  return lines.join('\n');
}

/** The failing seed again, with its whole trace, as an HTML report in a temporary directory. */
function writeReport(seed: number, scenario: ScenarioInput, handler: AppHandler): string {
  const run = runScenario(scenario, { seed, handler, keepTrace: true });
  const file = join(mkdtempSync(join(tmpdir(), 'rmqsim-vitest-')), 'report.html');
  writeFileSync(file, runReportHtml(run, scenario));
  return file;
}

/**
 * Runs the scenario (a built-in name or a scenario object) at each seed with `handler` for every
 * consumer group; throws a HandlerCheckError at the first seed where a guaranteed property breaks.
 * With RMQSIM_SEED set, runs that seed only. Returns the runs.
 */
export function checkHandler(
  scenario: ScenarioInput | string,
  handler: AppHandler,
  options: HandlerCheckOptions = {},
): RunResult[] {
  const { input } = scenarioFrom(scenario);
  const guarantees = [...parseScenario(input).guarantees, ...(options.guarantees ?? ['effects-once'])];
  const checked: ScenarioInput = { ...input, guarantees: [...new Set(guarantees)] };
  const only = process.env.RMQSIM_SEED;
  if (only !== undefined && !/^\d+$/.test(only))
    throw new Error(`RMQSIM_SEED must be a seed (a whole number), got "${only}"`);
  const from = only === undefined ? (options.from ?? 1) : Number(only);
  const seeds = only === undefined ? (options.seeds ?? 10) : 1;
  const runs: RunResult[] = [];
  for (let seed = from; seed < from + seeds; seed++) {
    const result = runSeed(checked, seed, handler);
    runs.push(result);
    if (!result.ok) throw new HandlerCheckError(explain(result, checked, handler));
  }
  return runs;
}

/** One seed; a handler that breaks the contract (a HandlerError) is reported with its seed's replay line. */
function runSeed(scenario: ScenarioInput, seed: number, handler: AppHandler): RunResult {
  try {
    return runScenario(scenario, { seed, handler });
  } catch (error) {
    if (!(error instanceof HandlerError)) throw error;
    const replay = replayLine(seed);
    throw new HandlerCheckError(
      `seed ${seed}: ${error.message}${replay === undefined ? '' : `\nreplay: ${replay}`}`,
    );
  }
}
