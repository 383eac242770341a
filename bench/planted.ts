// npm run planted: the harness's bug-finding power, measured end to end. Each patch of
// bench/planted/ is applied alone to a throwaway copy of the tree, and only what a user has is
// run on it: `rmqsim claims` at default seeds (--fail-fast against the unpatched baseline's own
// result), then, if nothing showed, each library scenario that is clean on the baseline swept over
// up to 200 seeds. A patch is refuted by the first difference a user would see (a cell the
// baseline holds refuted, a lesson failing, a sweep violation) or crashes a run (reported as such).
// The baseline (claims and sweeps of the unpatched tree) is measured once per suite run.
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
  ms: number;
  /** Library scenarios whose sweep held at every seed on the unpatched tree. */
  clean: string[];
  /** The others, with their first violating seed. */
  dirty: string[];
}

async function measureBaseline(
  ws: Workspace,
  options: Options,
  log: (line: string) => void,
): Promise<Baseline> {
  const started = performance.now();
  const tree = ws.copy('baseline');
  const claims = await runCli(
    tree,
    ['claims', '--json', '--out', join(ws.root, 'baseline-out'), '--workers', String(options.workers)],
    CLAIMS_TIMEOUT,
  );
  const matrix = lastJson(claims.stdout);
  if (matrix?.['claims'] === undefined)
    throw new PlantedError(`the baseline's claims did not answer: ${crashDetail(claims)}`);
  const file = join(ws.root, 'baseline-claims.json');
  writeFileSync(file, JSON.stringify(matrix));
  log(`baseline claims: exit ${claims.code} in ${(claims.ms / 1000).toFixed(1)} s`);
  const list = lastJson((await runCli(tree, ['list', '--json'], 60_000)).stdout) as
    { scenarios?: { name: string }[] } | undefined;
  const clean: string[] = [];
  const dirty: string[] = [];
  for (const { name } of list?.scenarios ?? []) {
    const outcome = await sweepOutcome(tree, name, options.seeds, options.workers, SWEEP_TIMEOUT);
    if (outcome === undefined) clean.push(name);
    else dirty.push(`${name} (${outcome.kind === 'escaped' ? '' : outcome.detail})`);
  }
  if (clean.length + dirty.length === 0) throw new PlantedError('the baseline lists no library scenario');
  log(
    `baseline sweeps: ${clean.length} scenarios clean over ${options.seeds} seeds${dirty.length > 0 ? `; not swept for patches: ${dirty.join('; ')}` : ''}`,
  );
  return { file, ms: performance.now() - started, clean, dirty };
}

async function runPatch(
  ws: Workspace,
  bug: PlantedBug,
  baseline: Baseline,
  options: Options,
): Promise<PatchResult> {
  const started = performance.now();
  const tree = ws.copy(bug.name);
  try {
    applyPlanted(tree, bug);
    if (options.typecheck) {
      const tsc = spawnSync(
        process.execPath,
        [join(tree, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', tree],
        { encoding: 'utf8' },
      );
      if (tsc.status !== 0)
        throw new PlantedError(`${bug.name} does not type-check: ${tsc.stdout.split('\n')[0]}`);
    }
    const done = (outcome: Outcome, sweeps: number): PatchResult => ({
      name: bug.name,
      area: bug.area,
      outcome,
      sweeps,
      seconds: (performance.now() - started) / 1000,
      load1m: Number(os.loadavg()[0]!.toFixed(2)),
    });
    const claims = await claimsOutcome(tree, baseline.file, options.workers, CLAIMS_TIMEOUT);
    if (claims !== undefined) return done(claims, 0);
    for (const [i, scenario] of baseline.clean.entries()) {
      const swept = await sweepOutcome(tree, scenario, options.seeds, options.workers, SWEEP_TIMEOUT);
      if (swept !== undefined) return done(swept, i + 1);
    }
    return done({ kind: 'escaped' }, baseline.clean.length);
  } finally {
    rmSync(tree, { recursive: true, force: true });
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
    const report = { tree, machine, baseline, results, summary: summary(results, bugs.length) };
    if (options.json) console.log(JSON.stringify(report));
    else log(`\n${results.length} of ${bugs.length} run: ${JSON.stringify(report.summary)}`);
    if (options.markdown !== undefined)
      writeFileSync(options.markdown, markdownTable(results, bugs, report.summary));
    process.exit(code);
  };
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) return;
    interrupted = true;
    log('\ninterrupted: the results so far; the copies are removed.');
    stopCurrent();
  });
  try {
    baseline = await measureBaseline(ws, options, log);
    for (const bug of bugs) {
      if (interrupted) break;
      const result = await runPatch(ws, bug, baseline, options);
      if (interrupted) break;
      results.push(result);
      log(`${bug.name.padEnd(44)} ${bug.area.padEnd(6)} ${outcomeText(result)}`);
    }
  } catch (error) {
    if (!interrupted) {
      log(`error: ${(error as Error).message}`);
      return finish(2);
    }
  }
  finish(interrupted ? 130 : 0);
}

await main();
