// The package from outside, as a user gets it: `npm pack`, then examples/handler-test (a project
// of its own) installs the tarball into a temporary folder and runs under plain node, with no
// tsx: its vitest test of an idempotent handler passes; its test of a naive handler fails with a
// replay line that, run from another directory, fails the same seed again; `npx rmqsim` answers
// and sweeps on worker processes; `import 'rmqsim'` runs a scenario.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const ENV = { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
let app: string;

function run(command: string, args: string[], cwd = app) {
  const result = spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  // dist/ is built already (vitest.build.ts); packing without scripts leaves it alone while other
  // test files run it.
  const dir = mkdtempSync(join(tmpdir(), 'rmqsim-package-'));
  execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT,
    env: ENV,
    stdio: 'ignore',
  });
  const tarball = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
  );
  app = join(dir, 'app');
  cpSync(join(ROOT, 'examples', 'handler-test'), app, {
    recursive: true,
    filter: (source) => !source.includes('node_modules'),
  });
  // The registry's packages come from npm's cache, filled by the project's own npm ci.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    env: ENV,
    stdio: 'ignore',
  });
}, 240_000);

test('installed: no tsx, a bin and the library under plain node', () => {
  expect(existsSync(join(app, 'node_modules', 'rmqsim', 'dist', 'lib', 'index.js'))).toBe(true);
  expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  expect(run('npx', ['rmqsim', '--version'])).toEqual({ code: 0, out: `${version}\n` });
  const sweep = run('npx', ['rmqsim', 'sweep', 'quick-start', '--seeds', '2', '--workers', '2', '--json']);
  expect(sweep.code, sweep.out).toBe(0);
  const script = `import { runScenario } from 'rmqsim'; console.log(runScenario('quick-start', { seed: 2 }).ok)`;
  expect(run(process.execPath, ['--input-type=module', '-e', script])).toEqual({ code: 0, out: 'true\n' });
  const schema = run(process.execPath, ['-e', "console.log(require.resolve('rmqsim/scenario.schema.json'))"]);
  expect(schema.code).toBe(0);
});

test('the idempotent handler passes; the naive one fails with a line that replays its seed from anywhere', () => {
  const passed = run('npx', ['vitest', 'run', 'test/idempotent.test.ts']);
  expect(passed.code, passed.out).toBe(0);
  const failed = run('npx', ['vitest', 'run', 'test/naive.test.ts']);
  expect(failed.code).toBe(1);
  expect(failed.out).toMatch(/consumer-crash-redelivery seed \d+: the handler broke a guaranteed property/);
  expect(failed.out).toMatch(/group \S+ applied the effect of m\d+ more than once/);
  const replay = /replay: (cd .* && RMQSIM_SEED=(\d+) npx vitest run 'test\/naive\.test\.ts' -t '.*')$/m.exec(
    failed.out,
  );
  expect(replay, failed.out).not.toBeNull();
  const again = run('sh', ['-c', replay![1]!], tmpdir());
  expect(again.code).toBe(1);
  expect(again.out).toContain(`consumer-crash-redelivery seed ${replay![2]}: the handler broke`);
  expect(again.out).toMatch(/Tests +1 failed \(1\)/);
});
