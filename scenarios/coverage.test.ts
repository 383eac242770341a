// The probe registry is whole (each probe marks exactly one line of core/, every probe call names a
// registered probe) and coverage counts runs, not hits, over every probe of the registry.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROBE_AREAS, PROBE_NAMES, PROBES, probeArea } from '../core/probes.ts';
import { coverageOf, missedProbes } from './coverage.ts';

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
