// npm run planted: the harness's bug-finding power, measured end to end. Each patch of
// bench/planted/ is applied alone to a throwaway copy of the tree, and only what a user has is
// run on it: `rmqsim claims` at default seeds (--fail-fast against the unpatched baseline's own
// result), then, if nothing showed, each library scenario that is clean on the baseline swept over
// up to 200 seeds (breadth first: every scenario's first 20 seeds, then the rest). A patch is refuted by the first difference a user would see (a cell the
// baseline holds refuted, a lesson failing, a sweep violation) or crashes a run (reported as such).
// The baseline is measured once per suite run: its claims (what --fail-fast compares with) and, for
// each seed a patched sweep violates, the same seed on the unpatched tree (a shared violation is
// no difference).
// Flags: --only NAME[,NAME] (or repeated), --json, --seeds N (sweeps, default 200), --workers K,
// --markdown FILE (a table of the results), --typecheck (tsc on each patched copy first), --tree
// DIR (the tree to copy and patch, e.g. /work/main; default: this checkout).
// Times are wall clock on a shared machine: the load average is printed beside them.
// Ctrl-C prints what completed, removes the copies and exits 130.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPlanted, loadPlanted, patchProblem, PlantedError, type PlantedBug } from './planted-bug.ts';
import {
  claimsOutcome,
  crashDetail,
  lastJson,
  makeWorkspace,
  runCli,
  stopCurrent,
  sweepOutcome,
  type Outcome,
  type Workspace,
} from './planted-run.ts';
import { markdownTable, median, outcomeText, type PatchResult } from './planted-report.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLAIMS_TIMEOUT = 20 * 60_000;
const SWEEP_TIMEOUT = 10 * 60_000;
/** The sweeps' first stage: every scenario over this many seeds before any goes further. */
const SWEEP_FIRST_SEEDS = 20;

interface Options {
  only: string[];
  json: boolean;
  seeds: number;
  workers: number;
  markdown?: string;
  typecheck: boolean;
  tree: string;
}

function usage(message: string): never {
  process.stderr.write(
    `error: ${message}\nusage: npm run planted -- [--only NAME] [--json] [--seeds N] [--workers K] [--markdown FILE] [--typecheck] [--tree DIR]\n`,
  );
  process.exit(2);
}

function whole(flag: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min)
    usage(`${flag} must be a whole number ≥ ${min}`);
  return Number(text);
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    only: [],
    json: false,
    seeds: 200,
    workers: Math.max(1, os.availableParallelism()),
    typecheck: false,
    tree: ROOT,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--only')
      options.only.push(
        ...value()
          .split(',')
          .filter((s) => s !== ''),
      );
    else if (flag === '--json') options.json = true;
    else if (flag === '--typecheck') options.typecheck = true;
    else if (flag === '--seeds') options.seeds = whole('--seeds', value(), 1);
    else if (flag === '--workers') options.workers = whole('--workers', value(), 1);
    else if (flag === '--markdown') options.markdown = value();
    else if (flag === '--tree') options.tree = resolve(value());
    else usage(`unknown flag ${flag}`);
  }
  return options;
}

/** The bugs to run: all, or those named by --only (an unknown name is bad input). */
function selected(bugs: PlantedBug[], only: string[]): PlantedBug[] {
  const names = new Set(bugs.map((b) => b.name));
  const unknown = only.filter((n) => !names.has(n));
  if (unknown.length > 0)
    usage(`--only: no planted bug named ${unknown.join(', ')} (bench/planted/ has ${[...names].join(', ')})`);
  return only.length === 0 ? bugs : bugs.filter((b) => only.includes(b.name));
}

interface Baseline {
  file: string;
  /** The unpatched copy: a seed a patched sweep violates is run on it too. */
  tree: string;
  ms: number;
  /** The library's scenarios. */
  scenarios: string[];
  /** Scenario and seed the unpatched tree violates too (found lazily): not a difference. */
  violates: Set<string>;
}

async function measureBaseline(
  ws: Workspace,
  options: Options,
  log: (line: string) => void,
): Promise<Baseline> {
  const started = performance.now();
  const tree = ws.copy('baseline');
  const args = [
    'claims',
    '--json',
    '--out',
    join(ws.root, 'baseline-out'),
    '--workers',
    String(options.workers),
  ];
  const claims = await runCli(tree, args, CLAIMS_TIMEOUT);
  const matrix = lastJson(claims.stdout);
  if (matrix?.['claims'] === undefined)
    throw new PlantedError(`the baseline's claims did not answer: ${crashDetail(claims)}`);
  const file = join(ws.root, 'baseline-claims.json');
  writeFileSync(file, JSON.stringify(matrix));
  log(`baseline claims: exit ${claims.code} in ${(claims.ms / 1000).toFixed(1)} s`);
  const list = lastJson((await runCli(tree, ['list', '--json'], 60_000)).stdout) as
    { scenarios?: { name: string }[] } | undefined;
  const scenarios = (list?.scenarios ?? []).map((s) => s.name);
  if (scenarios.length === 0) throw new PlantedError('the baseline lists no library scenario');
  return { file, tree, ms: performance.now() - started, scenarios, violates: new Set() };
}

/** Whether the unpatched tree violates the scenario's guarantees at that seed too (one run). */
async function baselineViolates(baseline: Baseline, scenario: string, seed: number): Promise<boolean> {
  const key = `${scenario}@${seed}`;
  if (baseline.violates.has(key)) return true;
  const out = join(baseline.tree, 'out', 'runs-check');
  const run = await runCli(
    baseline.tree,
    ['run', scenario, '--seed', String(seed), '--json', '--out', out],
    SWEEP_TIMEOUT,
  );
  if (run.code === 0) return false;
  baseline.violates.add(key);
  return true;
}

/** A crash counts against a patch only if the unpatched tree still runs (node_modules intact...). */
async function checkEnvironment(baseline: Baseline): Promise<void> {
  const list = await runCli(baseline.tree, ['list', '--json'], 60_000);
  if (list.code !== 0) throw new PlantedError(`the unpatched tree no longer runs: ${crashDetail(list)}`);
}

/** A patch not refuted yet: its patched copy, and what it has spent and reached so far. */
interface Pending {
  bug: PlantedBug;
  tree: string;
  seconds: number;
  sweeps: number;
  /** Scenarios whose violation the unpatched tree shares: not swept further for this patch. */
  shared: Set<string>;
  reached: string;
}

function finished(p: Pending, outcome: Outcome): PatchResult {
  rmSync(p.tree, { recursive: true, force: true });
  const load1m = Number(os.loadavg()[0]!.toFixed(2));
  return {
    name: p.bug.name,
    area: p.bug.area,
    outcome,
    sweeps: p.sweeps,
    seconds: p.seconds,
    load1m,
    reached: p.reached,
  };
}

/** The patched copy, and `claims --fail-fast` on it: a result, or the patch still pending. */
async function claimsPhase(ws: Workspace, bug: PlantedBug, baseline: Baseline, options: Options) {
  const started = performance.now();
  const tree = ws.copy(bug.name);
  applyPlanted(tree, bug);
  if (options.typecheck) {
    const tsc = spawnSync(
      process.execPath,
      [join(tree, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', tree],
      {
        encoding: 'utf8',
      },
    );
    if (tsc.status !== 0)
      throw new PlantedError(`${bug.name} does not type-check: ${tsc.stdout.split('\n')[0]}`);
  }
  const outcome = await claimsOutcome(tree, baseline.file, options.workers, CLAIMS_TIMEOUT);
  if (outcome?.kind === 'crashed') await checkEnvironment(baseline);
  const p: Pending = {
    bug,
    tree,
    seconds: (performance.now() - started) / 1000,
    sweeps: 0,
    shared: new Set(),
    reached: 'claims held',
  };
  return outcome === undefined ? p : finished(p, outcome);
}

/** One stage of the library's sweeps on a pending patch: every scenario over the stage's seeds. */
async function sweepStage(
  p: Pending,
  stage: { from: number; seeds: number },
  baseline: Baseline,
  options: Options,
) {
  for (const scenario of baseline.scenarios) {
    if (p.shared.has(scenario)) continue;
    const started = performance.now();
    p.sweeps++;
    const outcome = await sweepOutcome(
      p.tree,
      scenario,
      stage.from,
      stage.seeds,
      options.workers,
      SWEEP_TIMEOUT,
    );
    if (outcome?.kind === 'crashed') await checkEnvironment(baseline);
    const shared = outcome?.kind === 'refuted' && (await baselineViolates(baseline, scenario, outcome.seed));
    p.seconds += (performance.now() - started) / 1000;
    if (shared) p.shared.add(scenario);
    else if (outcome !== undefined) return finished(p, outcome);
  }
  p.reached = `claims and sweeps of seeds 1-${stage.from + stage.seeds - 1} held`;
  return p;
}

/**
 * Breadth first over the patches: claims on every patch, then every scenario's first seeds on
 * those still standing, then the rest of the seeds; so an interrupted suite has judged every
 * patch as far as the others. `onResult` gets each patch as it is refuted or escapes.
 */
async function runSuite(
  ws: Workspace,
  bugs: readonly PlantedBug[],
  baseline: Baseline,
  options: Options,
  state: { interrupted: boolean; pending: Pending[] },
  onResult: (r: PatchResult) => void,
): Promise<void> {
  for (const bug of bugs) {
    if (state.interrupted) return;
    const judged = await claimsPhase(ws, bug, baseline, options);
    if (state.interrupted) return;
    if ('outcome' in judged) onResult(judged);
    else state.pending.push(judged);
  }
  const first = Math.min(SWEEP_FIRST_SEEDS, options.seeds);
  const stages = [
    { from: 1, seeds: first },
    ...(options.seeds > first ? [{ from: first + 1, seeds: options.seeds - first }] : []),
  ];
  for (const [i, stage] of stages.entries()) {
    const last = i === stages.length - 1;
    for (const p of [...state.pending]) {
      const judged = await sweepStage(p, stage, baseline, options);
      if (state.interrupted) return;
      // A patch through the last stage has escaped now, not when the others are through too.
      if (!('outcome' in judged) && !last) continue;
      state.pending = state.pending.filter((q) => q !== p);
      onResult('outcome' in judged ? judged : finished(p, { kind: 'escaped' }));
    }
  }
}

function summary(results: readonly PatchResult[], total: number) {
  const caught = results.filter((r) => r.outcome.kind !== 'escaped');
  const refuted = results.filter((r) => r.outcome.kind === 'refuted').length;
  const crashed = results.filter((r) => r.outcome.kind === 'crashed').length;
  return {
    planted: total,
    completed: results.length,
    refuted,
    crashed,
    escaped: results.length - caught.length,
    percentCaught: results.length === 0 ? 0 : Number(((100 * caught.length) / results.length).toFixed(1)),
    medianSecondsToRefute:
      caught.length === 0 ? null : Number(median(caught.map((r) => r.seconds)).toFixed(1)),
    load1m: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let bugs: PlantedBug[];
  try {
    bugs = selected(await loadPlanted(join(ROOT, 'bench/planted')), options.only);
  } catch (error) {
    return usage((error as Error).message);
  }
  const problems = bugs.map((b) => patchProblem(options.tree, b)).filter((p) => p !== undefined);
  if (problems.length > 0) usage(`patches that do not apply exactly:\n  ${problems.join('\n  ')}`);
  const log = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const commit = spawnSync('git', ['-C', options.tree, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const tree = { path: options.tree, commit: commit.stdout.trim() };
  log(
    `planted bugs: ${bugs.length}; tree ${tree.path} at ${tree.commit}; machine: ${machine.cpus} cores, load ${machine.loadAverage.join(' ')}`,
  );
  const ws = makeWorkspace(options.tree);
  const results: PatchResult[] = [];
  let baseline: Baseline | undefined;
  const finish = (code: number) => {
    ws.dispose();
    const unfinished = state.pending.map((p) => ({
      name: p.bug.name,
      area: p.bug.area,
      reached: p.reached,
      seconds: p.seconds,
    }));
    const report = { tree, machine, baseline, results, unfinished, summary: summary(results, bugs.length) };
    if (options.json) console.log(JSON.stringify(report));
    else log(`\n${results.length} of ${bugs.length} run: ${JSON.stringify(report.summary)}`);
    if (options.markdown !== undefined)
      writeFileSync(options.markdown, markdownTable(results, unfinished, bugs, report.summary));
    process.exit(code);
  };
  const state = { interrupted: false, pending: [] as Pending[] };
  process.on('SIGINT', () => {
    if (state.interrupted) return;
    state.interrupted = true;
    log('\ninterrupted: the results so far; the copies are removed.');
    stopCurrent();
  });
  try {
    baseline = await measureBaseline(ws, options, log);
    await runSuite(ws, bugs, baseline, options, state, (result) => {
      results.push(result);
      log(`${result.name.padEnd(44)} ${result.area.padEnd(6)} ${outcomeText(result)}`);
    });
  } catch (error) {
    if (!state.interrupted) {
      log(`error: ${(error as Error).message}`);
      return finish(2);
    }
  }
  finish(state.interrupted ? 130 : 0);
}

await main();
