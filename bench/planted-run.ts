// The planted-bug suite's means: throwaway copies of the tree (never the checkout itself), and the
// `rmqsim` command line run in a copy as a user runs it (claims at default seeds, then sweeps).
// Each outcome says what a user would have seen: a cell or lesson that the baseline did not lead
// to expect (claims --fail-fast --baseline), a sweep's violation, or a run that crashed.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** Top-level entries a copy leaves out: installed or generated, never read by a run. */
const NOT_COPIED = new Set(['node_modules', 'out', 'dist', '.git', 'coverage']);

export interface Workspace {
  readonly root: string;
  /** A fresh copy of the source tree under the workspace, its node_modules linked. */
  copy(name: string): string;
  /** Removes everything the workspace made. */
  dispose(): void;
}

export function makeWorkspace(source: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'rmqsim-planted-'));
  const modules = realpathSync(join(source, 'node_modules'));
  return {
    root,
    copy(name) {
      const dest = join(root, name);
      cpSync(source, dest, {
        recursive: true,
        filter: (src) => !NOT_COPIED.has(relative(source, src).split(sep)[0]!),
      });
      symlinkSync(modules, join(dest, 'node_modules'), 'dir');
      return dest;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** The child running now, so that Ctrl-C can stop it. */
let current: ChildProcess | undefined;

export function stopCurrent(): void {
  current?.kill('SIGINT');
}

/** `rmqsim ARGS` run from the sources of the tree at `cwd`, as `npx tsx bin/rmqsim.ts` would. */
export function runCli(cwd: string, args: readonly string[], timeoutMs: number): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/rmqsim.ts', ...args], {
      cwd,
      env: { ...process.env, RMQSIM_PROGRESS_MS: '3600000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    current = child;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (current === child) current = undefined;
      resolve({ code, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

/** The JSON object a `--json` command printed last, or undefined. */
export function lastJson(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What a run that did not answer normally said: its exit and the end of its stderr. */
export function crashDetail(result: CliResult): string {
  const exit = result.timedOut ? 'timed out' : `exit ${result.code ?? 'by signal'}`;
  const tail = result.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
  return tail === '' ? exit : `${exit}: ${tail}`;
}

export type Outcome =
  | {
      kind: 'refuted';
      by: 'cell' | 'lesson' | 'sweep';
      name: string;
      seed: number;
      what: string;
      detail: string;
    }
  | { kind: 'crashed'; by: 'claims' | 'sweep'; name: string; detail: string }
  | { kind: 'escaped' };

interface FailFastAnswer {
  failFast?: { kind: 'cell' | 'lesson'; name: string; seed: number; what: string; explanation: string };
  claims?: unknown;
}

/** `claims --fail-fast --baseline`: a surprise, a crash, or undefined (nothing surprising). */
export async function claimsOutcome(
  cwd: string,
  baselineFile: string,
  workers: number,
  timeoutMs: number,
): Promise<Outcome | undefined> {
  const outDir = join(cwd, 'out');
  const args = ['claims', '--fail-fast', '--baseline', baselineFile, '--json', '--out', outDir];
  const result = await runCli(cwd, [...args, '--workers', String(workers)], timeoutMs);
  const json = lastJson(result.stdout) as FailFastAnswer | undefined;
  const ff = json?.failFast;
  if (ff !== undefined) {
    return {
      kind: 'refuted',
      by: ff.kind,
      name: ff.name,
      seed: ff.seed,
      what: ff.what,
      detail: ff.explanation,
    };
  }
  if (json?.claims !== undefined && (result.code === 0 || result.code === 1)) return undefined;
  return { kind: 'crashed', by: 'claims', name: 'claims', detail: crashDetail(result) };
}

interface SweepAnswer {
  results?: {
    seed: number;
    ok: boolean;
    checks: { property: string; guaranteed: boolean; holds: boolean }[];
  }[];
}

/** `sweep NAME --from S --seeds N`: its first violation, a crash, or undefined (every seed held). */
export async function sweepOutcome(
  cwd: string,
  scenario: string,
  from: number,
  seeds: number,
  workers: number,
  timeoutMs: number,
): Promise<Outcome | undefined> {
  const range = ['--from', String(from), '--seeds', String(seeds)];
  const args = ['sweep', scenario, ...range, '--json', '--workers', String(workers)];
  const result = await runCli(cwd, args, timeoutMs);
  const json = lastJson(result.stdout) as SweepAnswer | undefined;
  if (result.code === 0 && json?.results !== undefined) return undefined;
  const failed = result.code === 1 ? json?.results?.find((r) => !r.ok) : undefined;
  if (failed === undefined)
    return { kind: 'crashed', by: 'sweep', name: scenario, detail: crashDetail(result) };
  const broken = failed.checks.filter((c) => c.guaranteed && !c.holds).map((c) => c.property);
  const what = broken.join(', ');
  const detail = `rmqsim sweep ${scenario}: seed ${failed.seed} violates ${what}`;
  return { kind: 'refuted', by: 'sweep', name: scenario, seed: failed.seed, what, detail };
}
