// fast-check's global settings for every test file. A failing property prints one replay line;
// FC_SEED / FC_PATH replay it exactly, FC_NUM_RUNS widens a sweep (e.g. FC_NUM_RUNS=10000 npm test).
// RMQSIM_FRAMES=1 puts every simulated network on RocketMQ's frames (encode, bytes, decode).
import fc from 'fast-check';
import { expect } from 'vitest';
import { carryFramesByDefault } from '../sim/network.ts';

const env = process.env;

function replayLine(details: fc.RunDetails<unknown>): string {
  // @fast-check/vitest appends " (with seed=N)"; -t takes a regex, so drop it and escape the rest.
  const title = (expect.getState().currentTestName ?? '').replace(/ \(with seed=-?\d+\)$/, '');
  const name = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const file = expect.getState().testPath?.replace(`${process.cwd()}/`, '') ?? '';
  const path = details.counterexamplePath ?? '';
  return `Replay: FC_SEED=${details.seed} FC_PATH="${path}" npx vitest run ${file} -t ${JSON.stringify(name)}`;
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
