// The command line as other tools use it (../shared/DESIGN.md): JSON fields, exit codes 0/1/2,
// replays that reproduce a run's trace hash, sweeps whose per-seed results do not depend on the
// number of workers or on sharding, and bad input that names what is wrong and writes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

function rmqsim(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/rmqsim.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'rmqsim-cli-'));

describe('bad input: exit 2, the fault named, nothing written', () => {
  test.each([
    [['run', 'no-such-scenario'], /unknown scenario "no-such-scenario"/],
    [['run', 'quick-start', '--seed', 'abc'], /--seed must be a whole number/],
    [['run', 'quick-start', '--colour', 'red'], /Unknown option '--colour'/],
    [['sweep', 'quick-start', '--shard', '3/2'], /--shard must be i\/n/],
    [['replay', 'quick-start'], /a replay token is <scenario\|file\.json>@<seed>/],
    [['claims', '--seeds', '0'], /--seeds must be a whole number ≥ 1/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j', (args, message) => {
    const out = tmp();
    const writes = ['run', 'replay', 'claims'].includes(args[0]!);
    const { code, err } = rmqsim(...args, ...(writes ? ['--out', join(out, 'o')] : []));
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(existsSync(join(out, 'o'))).toBe(false);
  });

  test('a scenario file with a bad field: the field is named', () => {
    const dir = tmp();
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'bad',
        title: 't',
        lesson: { teaches: 't', expect: 'e', why: 'w' },
        workload: { messages: -1 },
      }),
    );
    const { code, err } = rmqsim('run', file, '--out', join(dir, 'o'));
    expect(code).toBe(2);
    expect(err).toMatch(/workload\.messages/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });
});

describe('run and replay', () => {
  test('run --json has the contract fields; replay gives the same trace hash and writes the files', () => {
    const dir = tmp();
    const run = rmqsim('run', 'quick-start', '--seed', '3', '--json', '--out', join(dir, 'run'));
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out);
    for (const field of [
      'scenario',
      'seed',
      'traceHash',
      'virtualTimeMs',
      'events',
      'stats',
      'checks',
      'replay',
    ]) {
      expect(json).toHaveProperty(field);
    }
    expect(json.stats).toMatchObject({ sent: expect.any(Number), acked: expect.any(Number), lost: 0 });
    expect(json.checks[0]).toEqual(
      expect.objectContaining({
        property: expect.any(String),
        guaranteed: expect.any(Boolean),
        holds: true,
        violations: 0,
      }),
    );
    expect(json.replay).toBe('npx rmqsim replay quick-start@3');
    const replay = rmqsim('replay', 'quick-start@3', '--json', '--out', join(dir, 'replay'));
    expect(JSON.parse(replay.out).traceHash).toBe(json.traceHash);
    const history = readFileSync(join(dir, 'replay', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(history[0]!)).toEqual(expect.objectContaining({ index: 0, type: 'invoke', f: 'send' }));
    expect(readFileSync(join(dir, 'replay', 'trace.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(100);
  });

  test('a violated guarantee exits 1 and prints the replay command', () => {
    const dir = tmp();
    const file = join(dir, 'promise.json');
    const scenario = JSON.parse(rmqsim('list', '--json').out).scenarios.find(
      (s: { name: string }) => s.name === 'async-flush-power-loss',
    );
    expect(scenario).toBeDefined();
    writeFileSync(
      file,
      JSON.stringify({
        name: 'broken-promise',
        title: 'ASYNC_FLUSH promised not to lose',
        lesson: { teaches: 't', expect: 'e', why: 'w' },
        workload: { messages: 300, intervalMs: 10 },
        faults: { schedule: [{ at: 4_000, fault: 'power-off', node: 'broker-a-master' }] },
        guarantees: ['lost'],
      }),
    );
    const { code, out } = rmqsim('run', file, '--seed', '1', '--out', join(dir, 'o'));
    expect(code).toBe(1);
    expect(out).toMatch(/lost +guaranteed +VIOLATED/);
    expect(out).toContain(`replay: npx rmqsim replay ${file}@1`);
  });
});

describe('sweep', () => {
  const results = (out: string) =>
    JSON.parse(out).results.map((r: { seed: number; traceHash: string }) => [r.seed, r.traceHash]);

  test('per-seed results do not depend on the number of workers, and shards merge to the whole range', () => {
    const whole = rmqsim('sweep', 'quick-start', '--seeds', '4', '--workers', '1', '--json');
    expect(whole.code).toBe(0);
    const shard = (i: number) =>
      results(
        rmqsim('sweep', 'quick-start', '--seeds', '4', '--workers', '2', '--shard', `${i}/2`, '--json').out,
      );
    const [a, b] = [shard(1), shard(2)];
    expect(a.map((r: number[]) => r[0])).toEqual([1, 3]);
    expect([...a, ...b].sort((x, y) => x[0] - y[0])).toEqual(results(whole.out));
  });
});

test('list names at least 15 scenarios, each with its lesson', () => {
  const { code, out } = rmqsim('list', '--json');
  expect(code).toBe(0);
  const { scenarios } = JSON.parse(out);
  expect(scenarios.length).toBeGreaterThanOrEqual(15);
  for (const s of scenarios) expect(s.teaches.length).toBeGreaterThan(10);
});
