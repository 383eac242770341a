// Shards join into the run they split: `sweep --shard i/n` and `claims --shard i/n` results, merged
// by `rmqsim merge`, give the unsharded run's JSON, files and exit code; and a set of shards that
// is not one whole run is refused. Runs the compiled command line, as rmqsim.test.ts does.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { rmqsim, tmp } from './cli-test-helpers.ts';

/** A scenario that loses acknowledged messages at some seeds (a power loss) and not at others (a kill). */
const SOMETIMES_LOST = {
  name: 'sometimes-lost',
  title: 'a power loss at some seeds, a kill at others',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  workload: { messages: 120, intervalMs: 50 },
  faults: {
    generate: {
      faults: 1,
      kinds: { 'power-off': 1, kill: 3 },
      targets: ['master'],
      fromMs: 3_500,
      toMs: 9_000,
      recoverAfterMs: [500, 3_000],
    },
  },
  guarantees: ['lost'],
};

function sameFiles(a: string, b: string): void {
  const names = readdirSync(a, { recursive: true, encoding: 'utf8' }).sort();
  expect(readdirSync(b, { recursive: true, encoding: 'utf8' }).sort()).toEqual(names);
  const written = names.filter((name) => name.includes('.')); // not the directories
  expect(written.length).toBeGreaterThan(0);
  for (const name of written) {
    expect(readFileSync(join(b, name), 'utf8').replaceAll(b, a), name).toBe(
      readFileSync(join(a, name), 'utf8'),
    );
  }
}

describe('sweep', () => {
  const seeds = (out: string) =>
    JSON.parse(out).results.map((r: { seed: number; traceHash: string }) => [r.seed, r.traceHash]);

  test('per-seed results do not depend on the number of workers', () => {
    const one = rmqsim(['sweep', 'quick-start', '--seeds', '4', '--workers', '1', '--json']);
    const two = rmqsim(['sweep', 'quick-start', '--seeds', '4', '--workers', '2', '--json']);
    expect(one.code).toBe(0);
    expect(seeds(two.out)).toEqual(seeds(one.out));
    expect(seeds(one.out).map((s: number[]) => s[0])).toEqual([1, 2, 3, 4]);
  });

  test('shards merge into the unsharded sweep: the same JSON, files and exit code, cut after the first failure', () => {
    const dir = tmp();
    const scenario = join(dir, 'sometimes-lost.json');
    writeFileSync(scenario, JSON.stringify(SOMETIMES_LOST));
    const range = ['--from', '2', '--seeds', '6', '--workers', '2'];
    const whole = rmqsim(['sweep', scenario, ...range, '--json', '--out', join(dir, 'whole')]);
    expect(whole.code).toBe(1);
    const wholeJson = JSON.parse(whole.out);
    expect(wholeJson.firstFailure.seed).toBe(4); // seeds 2, 3 hold; 4 loses messages
    expect(seeds(whole.out).map((s: number[]) => s[0])).toEqual([2, 3, 4]);
    const shards = [1, 2].map((i) => {
      const shard = rmqsim(['sweep', scenario, ...range, '--shard', `${i}/2`, '--json']);
      const file = join(dir, `shard-${i}.json`);
      writeFileSync(file, shard.out);
      return { file, seeds: seeds(shard.out).map((s: number[]) => s[0]) };
    });
    expect(shards.map((s) => s.seeds)).toEqual([
      [2, 4],
      [3, 5, 7],
    ]); // shard 2 ran past the first failure
    const merged = rmqsim([
      'merge',
      shards[1]!.file,
      shards[0]!.file,
      '--json',
      '--out',
      join(dir, 'merged'),
    ]);
    expect(merged.code).toBe(1);
    expect(JSON.parse(merged.out)).toEqual(wholeJson);
    expect(existsSync(join(dir, 'merged', 'report.html'))).toBe(true);
    sameFiles(join(dir, 'whole'), join(dir, 'merged'));
  });

  test('shards that are not one whole run are refused', () => {
    const dir = tmp();
    const shard = JSON.parse(
      rmqsim(['sweep', 'quick-start', '--seeds', '2', '--shard', '1/2', '--json']).out,
    );
    const write = (name: string, change: object) => {
      writeFileSync(join(dir, name), JSON.stringify({ ...shard, ...change }));
      return join(dir, name);
    };
    const [a, b, c] = [
      write('a.json', {}),
      write('b.json', {}),
      write('c.json', { from: 5, shard: { index: 2, count: 2 } }),
    ];
    expect(rmqsim(['merge', a]).err).toMatch(/shard 2\/2 is missing/);
    expect(rmqsim(['merge', a, b]).err).toMatch(/shard 1\/2 is given twice: .*a\.json, .*b\.json/);
    const mixed = rmqsim(['merge', a, c]);
    expect(mixed.err).toMatch(
      /c\.json is not a shard of the same run as .*a\.json: sweep of quick-start, --from 5/,
    );
    expect(mixed.code).toBe(2);
  });
});

test('claims: shards merge into the unsharded matrix (claims.json, claims.html, counterexamples)', () => {
  const dir = tmp();
  const matrix = ['claims', '--claim', 'not-duplicated', '--seeds', '2', '--workers', '2'];
  const whole = rmqsim([...matrix, '--json', '--out', join(dir, 'whole')]);
  expect(whole.code).toBe(0);
  const wholeJson = JSON.parse(whole.out);
  expect(wholeJson.claims.some((c: { verdict: string }) => c.verdict === 'refuted')).toBe(true);
  // Coverage joins too (each cell's seeds that hit each probe, cut at its first refutation).
  expect(wholeJson.coverage.hit).toBeGreaterThan(0);
  const shards = [1, 2].map((i) => {
    const file = join(dir, `shard-${i}.json`);
    writeFileSync(file, rmqsim([...matrix, '--shard', `${i}/2`, '--json', '--out', join(dir, `s${i}`)]).out);
    return file;
  });
  const merged = rmqsim(['merge', ...shards, '--json', '--out', join(dir, 'merged')]);
  expect(merged.code).toBe(0);
  expect(merged.out.replaceAll(join(dir, 'merged'), join(dir, 'whole'))).toBe(whole.out);
  sameFiles(join(dir, 'whole'), join(dir, 'merged'));
});
