// The command line as other tools use it (../shared/DESIGN.md), run as a user runs it: the
// compiled package under plain node (cli-test-helpers.ts). JSON fields, exit codes
// 0/1/2, replays that reproduce a run's trace hash from any directory, sweeps whose per-seed
// results do not depend on the number of workers or on sharding, and bad input that names what
// is wrong, writes nothing and ends at once.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROBE_NAMES } from '../core/probes.ts';
import { rmqsim, tmp } from './cli-test-helpers.ts';

describe('bad input: exit 2 at once, the fault named, nothing written', () => {
  test.each([
    [['run', 'no-such-scenario'], /unknown scenario "no-such-scenario"/],
    [
      ['run', 'quick-start', '--seed', 'abc'],
      /'--seed <n>' argument 'abc' is invalid\. must be a whole number ≥ 0/,
    ],
    [['run', 'quick-start', '--seed', '-3'], /'--seed <n>' argument '-3' is invalid\. must be ≥ 0/],
    [['run', 'quick-start', '--colour', 'red'], /unknown option '--colour'/],
    [
      ['run', 'quick-start', '--seed', '1', '--seed', '2'],
      /'--seed <n>' argument '2' is invalid\. the flag is given twice/,
    ],
    [
      ['sweep', 'quick-start', '--shard', '3/2'],
      /'--shard <i\/n>' argument '3\/2' is invalid\. must be i\/n with 1 ≤ i ≤ n/,
    ],
    [['sweep', 'quick-start', '--seeds', '-1'], /'--seeds <n>' argument '-1' is invalid\. must be ≥ 1/],
    [
      ['sweep', 'quick-start', '--seeds', '999999999999'],
      /'--seeds <n>' argument '999999999999' is invalid\. must be ≤ 1000000000/,
    ],
    [
      ['sweep', 'quick-start', '--from', '9007199254740990'],
      /--from 9007199254740990 with --seeds 100 ends past the largest seed/,
    ],
    [['sweep', 'quick-start', '--workers', '0'], /'--workers <k>' argument '0' is invalid\. must be ≥ 1/],
    [['sweep', 'nope'], /unknown scenario "nope"/],
    [['replay', 'quick-start'], /a replay token is <scenario\|file\.json>@<seed>/],
    [['replay', 'quick-start@-1'], /the seed of the replay token "quick-start@-1" must be ≥ 0/],
    [['claims', '--seeds', '0'], /'--seeds <n>' argument '0' is invalid\. must be ≥ 1/],
    [
      ['claims', '--claim', 'fast'],
      /argument 'fast' is invalid\. Allowed choices are deterministic, not-lost/,
    ],
    [['claims', '--baseline', 'package.json'], /--baseline is read by --fail-fast only: give both/],
    [
      ['claims', '--fail-fast', '--baseline', 'package.json'],
      /--baseline package\.json is not the --json result of `rmqsim claims`/,
    ],
    [['claims', '--fail-fast', '--baseline', 'no-such.json'], /cannot read --baseline no-such\.json/],
    [['merge'], /missing required argument 'results'/],
    [
      ['merge', 'package.json'],
      /package\.json is not the --json result of `rmqsim sweep` or `rmqsim claims`/,
    ],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run', 'quick-start', '--out', ''], /'--out <dir>' argument '' is invalid\. must name a directory/],
    [[], /Usage: rmqsim \[options\] \[command\]/],
  ])('%j', (args, message) => {
    const out = tmp();
    const writes = ['run', 'replay', 'claims'].includes(args[0]!);
    const started = Date.now();
    const { code, err } = rmqsim([...args, ...(writes ? ['--out', join(out, 'o')] : [])]);
    expect(err).toMatch(message);
    expect(code).toBe(2);
    expect(err).not.toMatch(/\n +at /); // no stack trace
    expect(existsSync(join(out, 'o'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test.each([
    ['/proc/x', 'the file system refuses to create /proc/x'],
    ['/sys/x', 'permission denied at /sys/x'],
    ['/dev/null', '/dev/null is not a directory'],
    ['FILE/x', 'FILE is not a directory'],
  ])('--out %s cannot be written: said before the run, nothing made', (out, why) => {
    const dir = tmp();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const target = out.replace('FILE', file);
    for (const command of [['run', 'quick-start'], ['replay', 'quick-start@1'], ['claims']]) {
      const started = Date.now();
      const { code, err, out: stdout } = rmqsim([...command, '--out', target]);
      expect(err).toContain(`error: cannot write --out ${target}: ${why.replace('FILE', file)}`);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(existsSync('/proc/x') || existsSync('/sys/x')).toBe(false);
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
    const { code, err } = rmqsim(['run', file, '--out', join(dir, 'o')]);
    expect(code).toBe(2);
    expect(err).toMatch(/workload\.messages/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });
});

describe('conventions', () => {
  test("--version prints the package version; help <command> prints that command's usage", () => {
    const version = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version;
    expect(rmqsim(['--version'])).toMatchObject({ code: 0, out: `${version}\n` });
    const help = rmqsim(['help', 'sweep']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: rmqsim sweep \[options\] <scenario>/);
    expect(help.out).toContain('--shard <i/n>');
    expect(rmqsim(['sweep', '--help']).out).toBe(help.out);
  });
});

describe('run and replay', () => {
  test('run --json has the contract fields; replay gives the same trace hash and writes the files', () => {
    const dir = tmp();
    const run = rmqsim(['run', 'quick-start', '--seed', '3', '--json', '--out', join(dir, 'run')]);
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
    const replay = rmqsim(['replay', 'quick-start@3', '--json', '--out', join(dir, 'replay')]);
    expect(JSON.parse(replay.out).traceHash).toBe(json.traceHash);
    const history = readFileSync(join(dir, 'replay', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(history[0]!)).toEqual(expect.objectContaining({ index: 0, type: 'invoke', f: 'send' }));
    expect(readFileSync(join(dir, 'replay', 'trace.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(100);
  });

  test('a violated guarantee exits 1 and prints a replay command that works from any directory', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'promise.json'),
      JSON.stringify({
        name: 'broken-promise',
        title: 'ASYNC_FLUSH promised not to lose',
        lesson: { teaches: 't', expect: 'e', why: 'w' },
        workload: { messages: 300, intervalMs: 10 },
        faults: { schedule: [{ at: 4_000, fault: 'power-off', node: 'broker-a-master' }] },
        guarantees: ['lost'],
      }),
    );
    // Run from the scenario's directory, naming the file relatively, as a user would.
    const run = rmqsim(['run', 'promise.json', '--seed', '1', '--out', 'o'], dir);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/│ property +│ kind +│ verdict +│/);
    expect(run.out).toMatch(/│ lost +│ guaranteed +│ VIOLATED ×\d+ +│/);
    const replay = /^replay: (npx rmqsim replay (\S+))$/m.exec(run.out)!;
    expect(replay[2]).toBe(`${join(dir, 'promise.json')}@1`);
    // The printed token, from another directory, replays the same run.
    const elsewhere = tmp();
    const again = rmqsim(['replay', replay[2]!, '--json', '--out', join(elsewhere, 'o')], elsewhere);
    expect(again.code).toBe(1);
    const first = JSON.parse(readFileSync(join(dir, 'o', 'run.json'), 'utf8'));
    expect(JSON.parse(again.out).traceHash).toBe(first.traceHash);
  });
});

test('list names at least 15 scenarios, each with its lesson, in a table with a header row', () => {
  const { code, out } = rmqsim(['list', '--json']);
  expect(code).toBe(0);
  const { scenarios } = JSON.parse(out);
  expect(scenarios.length).toBeGreaterThanOrEqual(15);
  for (const s of scenarios) expect(s.teaches.length).toBeGreaterThan(10);
  const table = rmqsim(['list']).out.split('\n');
  expect(table[1]).toMatch(/│ scenario +│ teaches +│/);
  expect(table[3]).toMatch(/│ quick-start +│ Without faults/);
});

describe('coverage', () => {
  test('sweep --coverage lists every probe with the runs that hit it; --json carries it per seed and summed', () => {
    const dir = tmp();
    const file = join(dir, 'power.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'power',
        title: 'a power loss on the master, which the final heal restarts',
        lesson: { teaches: 't', expect: 'e', why: 'w' },
        workload: { messages: 100, intervalMs: 20 },
        faults: { schedule: [{ at: 4_000, fault: 'power-off', node: 'broker-a-master' }] },
        guarantees: [],
      }),
    );
    const text = rmqsim(['sweep', file, '--seeds', '2', '--workers', '1', '--coverage']);
    expect(text.code).toBe(0);
    for (const probe of PROBE_NAMES) expect(text.out).toContain(probe);
    expect(text.out).toMatch(/coverage: \d+ of \d+ probes hit \([\d.]+%\) in 2 runs; not hit: /);
    const json = JSON.parse(rmqsim(['sweep', file, '--seeds', '2', '--workers', '1', '--json']).out);
    expect(json.coverage).toMatchObject({ runs: 2, total: PROBE_NAMES.length });
    expect(json.coverage.probes.map((p: { probe: string }) => p.probe)).toEqual(PROBE_NAMES);
    // The restart after the power loss finds the abort file: abnormal recovery, at both seeds.
    const abnormal = json.coverage.probes.find(
      (p: { probe: string }) => p.probe === 'store.recover-abnormal',
    );
    expect(abnormal.runs).toBe(2);
    for (const seed of json.results) expect(seed.probes['store.recover-abnormal']).toBe(1);
    const plain = rmqsim(['sweep', file, '--seeds', '2', '--workers', '1']);
    expect(plain.out).toMatch(/coverage: \d+ of \d+ probes hit .* \(--coverage lists them\)/);
    expect(plain.out).not.toContain('store.recover-abnormal');
  });
});
