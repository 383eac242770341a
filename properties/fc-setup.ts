// fast-check's global settings for every test file. A failing property prints one replay line;
// FC_SEED / FC_PATH replay it exactly, FC_NUM_RUNS widens a sweep (e.g. FC_NUM_RUNS=10000 npm test).
// RMQSIM_FRAMES=1 puts every simulated network on RocketMQ's frames (encode, bytes, decode).
import fc from 'fast-check';
import { expect, TestRunner } from 'vitest';
import { carryFramesByDefault } from '../sim/network.ts';

const env = process.env;

/**
 * The -t pattern that selects the running test and no other: vitest 4 matches a test's names from
 * its outermost describe in, joined by single spaces (its getTaskFullName), against the pattern as
 * a regex. @fast-check/vitest's " (with seed=N)" suffix is optional in it (replayed with FC_SEED,
 * the seed is the same; a plain test() calling fc.assert has none).
 */
function namePattern(): string {
  const names: string[] = [];
  for (let t: { name: string; suite?: unknown } | undefined = TestRunner.getCurrentTest(); t;) {
    names.unshift(t.name);
    t = t.suite as typeof t;
  }
  const name = names.join(' ').replace(/ \(with seed=-?\d+\)$/, '');
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(with seed=-?\\d+\\))?$`;
}

/** A word for a POSIX shell: single-quoted, a quote inside closed, escaped and reopened. */
const shellWord = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function replayLine(details: fc.RunDetails<unknown>): string {
  const file = expect.getState().testPath?.replace(`${process.cwd()}/`, '') ?? '';
  const path = details.counterexamplePath ?? '';
  return `Replay: FC_SEED=${details.seed} FC_PATH="${path}" npx vitest run ${file} -t ${shellWord(namePattern())}`;
}

function failWithReplay(details: fc.RunDetails<unknown>): void {
  if (!details.failed) return;
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${fc.defaultReportMessage(details)}\n\nFailure: ${cause}\n\n${replayLine(details)}`);
}

/** A property's run count: its own, unless FC_NUM_RUNS sets one for a wider (or narrower) sweep. */
export function runs(numRuns: number): { numRuns: number } {
  return { numRuns: env.FC_NUM_RUNS ? Number(env.FC_NUM_RUNS) : numRuns };
}

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  ...(env.FC_SEED ? { seed: Number(env.FC_SEED) } : {}),
  ...(env.FC_PATH ? { path: env.FC_PATH, endOnFailure: true } : {}),
  ...(env.FC_NUM_RUNS ? { numRuns: Number(env.FC_NUM_RUNS) } : {}),
  reporter: failWithReplay,
});

carryFramesByDefault(env.RMQSIM_FRAMES === '1');
