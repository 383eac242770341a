// The probe registry is whole (each probe marks exactly one line of core/, every probe call names a
// registered probe) and coverage counts runs, not hits, over every probe of the registry.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROBE_AREAS, PROBE_NAMES, PROBES, probeArea } from '../core/probes.ts';
import { coverageOf, matrixCoverage, missedProbes, probeSeeds, seedRuns } from './coverage.ts';

const coreRoot = new URL('../core/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the probe registry', () => {
  test('each registered probe is called at exactly one place in core/, and no call names another', () => {
    const calls = new Map<string, string[]>();
    for (const file of sources(coreRoot)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bprobe\(\s*'([^']+)'\s*\)/g)) {
        const where = calls.get(match[1]!) ?? [];
        calls.set(match[1]!, [...where, file.slice(coreRoot.length)]);
      }
    }
    const registered = new Set<string>(PROBE_NAMES);
    expect([...calls.keys()].filter((name) => !registered.has(name))).toEqual([]);
    const notOnce = PROBE_NAMES.filter((name) => calls.get(name)?.length !== 1).map((name) => [
      name,
      calls.get(name) ?? [],
    ]);
    expect(notOnce).toEqual([]);
  });

  test('at least 60 probes, spread over store, HA, broker, NameServer and client', () => {
    expect(PROBE_NAMES.length).toBeGreaterThanOrEqual(60);
    for (const area of PROBE_AREAS) {
      expect(PROBE_NAMES.filter((name) => probeArea(name) === area).length, area).toBeGreaterThanOrEqual(5);
    }
  });

  test('names are <area>.<kebab-case>, each described', () => {
    for (const name of PROBE_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(PROBE_AREAS).toContain(probeArea(name));
      expect(PROBES[name].length).toBeGreaterThan(20);
    }
  });
});

describe('coverage', () => {
  test('counts the runs that hit each probe (a probe hit twice in one run counts once), every probe listed', () => {
    const [a, b, c] = PROBE_NAMES;
    const coverage = coverageOf([[a!, a!, b!], [a!], [], ['not.a-probe']]);
    expect(coverage.runs).toBe(4);
    expect(coverage.total).toBe(PROBE_NAMES.length);
    expect(coverage.probes.map((p) => p.probe)).toEqual(PROBE_NAMES);
    expect(coverage.probes.slice(0, 3).map((p) => p.runs)).toEqual([2, 1, 0]);
    expect(coverage.hit).toBe(2);
    expect(coverage.percent).toBe(Math.round((1000 * 2) / PROBE_NAMES.length) / 10);
    expect(missedProbes(coverage).map((p) => p.probe)).toContain(c);
    expect(missedProbes(coverage)).toHaveLength(PROBE_NAMES.length - 2);
  });
});

describe("a matrix cell's coverage", () => {
  const [a, b, c] = PROBE_NAMES as [string, string, string];

  test('probeSeeds lists, per probe in registry order, the seeds that hit it, up to a cut', () => {
    const runs = [
      { seed: 3, probes: [b, a] },
      { seed: 1, probes: [a] },
      { seed: 5, probes: [c] },
    ];
    expect(probeSeeds(runs)).toEqual({ [a]: [1, 3], [b]: [3], [c]: [5] });
    expect(Object.keys(probeSeeds(runs))).toEqual([a, b, c]);
    expect(probeSeeds(runs, 3)).toEqual({ [a]: [1, 3], [b]: [3] });
  });

  test('shards joined through seedRuns give the map of the whole range', () => {
    const whole = [
      { seed: 1, probes: [a] },
      { seed: 2, probes: [a, b] },
      { seed: 3, probes: [] },
      { seed: 4, probes: [c] },
    ];
    const shards = [whole.filter((r) => r.seed % 2 === 1), whole.filter((r) => r.seed % 2 === 0)];
    const joined = probeSeeds(shards.flatMap((shard) => seedRuns(probeSeeds(shard))));
    expect(joined).toEqual(probeSeeds(whole));
    expect(
      probeSeeds(
        shards.flatMap((shard) => seedRuns(probeSeeds(shard))),
        2,
      ),
    ).toEqual(probeSeeds(whole, 2));
  });

  test("matrixCoverage counts each cell's judged seeds and each lesson as runs", () => {
    const cells = [
      { runs: 3, probes: { [a]: [1, 2], [b]: [3] } },
      { runs: 2, probes: { [a]: [1] } },
    ];
    const coverage = matrixCoverage(cells, [{ probes: [b, b] }, { probes: [] }]);
    expect(coverage.runs).toBe(7);
    expect(coverage.probes.slice(0, 3).map((p) => p.runs)).toEqual([3, 2, 0]);
    expect(coverage.hit).toBe(2);
  });
});
