// A failing property prints one line that replays it (properties/fc-setup.ts). This runs the
// deliberately failing property of properties/replay/ in a vitest subprocess, takes the line it
// printed, runs that line as a shell would, and sees the same test fail with the same counterexample
// (under vitest 4, whose -t matches a test's names joined by spaces, not its " > " title).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const FIXTURE = 'properties/replay/failing-property.test.ts';

/** The environment of a vitest started from this one: the fixture included, no build, no colours. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RMQSIM_REPLAY_FIXTURE: '1',
    RMQSIM_NO_BUILD: '1',
    NO_COLOR: '1',
  };
  for (const name of Object.keys(env))
    if (name.startsWith('VITEST') || name === 'FORCE_COLOR') delete env[name];
  for (const name of ['FC_SEED', 'FC_PATH', 'FC_NUM_RUNS']) delete env[name];
  return env;
}

function shell(command: string): { status: number | null; output: string } {
  const run = spawnSync('sh', ['-c', command], { cwd: root, env: childEnv(), encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('the printed replay line reruns the same test to the same counterexample', () => {
  const first = shell(`npx vitest run ${FIXTURE}`);
  expect(first.status, first.output).toBe(1);
  const line = /^Replay: (FC_SEED=.*)$/m.exec(first.output)?.[1];
  expect(line, first.output).toBeDefined();
  const counterexample = /^Counterexample: (.*)$/m.exec(first.output)?.[1];
  // A real counterexample (fast-check's shrinking may stop at [[-988,-12]] as well as [[1000]]).
  const [xs] = JSON.parse(counterexample ?? 'null') as [number[]];
  expect(xs.reduce((a, b) => a + Math.abs(b), 0)).toBeGreaterThanOrEqual(1000);

  const again = shell(line!);
  expect(again.status, again.output).toBe(1);
  expect(again.output).toMatch(/Tests\s+1 failed \(1\)/);
  expect(/^Counterexample: (.*)$/m.exec(again.output)?.[1]).toBe(counterexample);
  expect(again.output).toContain('sums stay below 1000 (they do not)');
});
