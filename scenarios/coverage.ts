// Coverage over many runs: for every probe of the registry (core/probes.ts), hit or not, how many
// runs hit it. A sweep sums its seeds' runs; the matrix sums its cells' judged seeds and its
// lessons. Built from plain data (a run's probe names, as a worker returns them, or counts), so
// shards merged by `rmqsim merge` give the same coverage as the range run whole.
import { PROBE_NAMES, PROBES, probeArea, type ProbeArea, type ProbeName } from '../core/probes.ts';

export interface ProbeCoverage {
  probe: ProbeName;
  area: ProbeArea;
  /** How many runs hit it (at least once). */
  runs: number;
  /** The branch it marks. */
  what: string;
}

export interface Coverage {
  /** Runs counted. */
  runs: number;
  /** Probes in the registry. */
  total: number;
  /** Probes at least one run hit. */
  hit: number;
  /** hit / total, in percent (one decimal). */
  percent: number;
  /** Every probe of the registry, in its order, hit or not. */
  probes: ProbeCoverage[];
}

const KNOWN: ReadonlySet<string> = new Set(PROBE_NAMES);

/** Coverage from how many runs there were and how many of them hit each probe (unknown names ignored). */
export function coverageFromCounts(runs: number, counts: ReadonlyMap<string, number>): Coverage {
  const probes = PROBE_NAMES.map((probe) => ({
    probe,
    area: probeArea(probe),
    runs: counts.get(probe) ?? 0,
    what: PROBES[probe],
  }));
  const hit = probes.filter((p) => p.runs > 0).length;
  const total = probes.length;
  return { runs, total, hit, percent: Math.round((1000 * hit) / total) / 10, probes };
}

/** Coverage of runs given as the probe names each hit. */
export function coverageOf(runs: Iterable<Iterable<string>>): Coverage {
  const counts = new Map<string, number>();
  let n = 0;
  for (const names of runs) {
    n++;
    for (const name of new Set(names)) if (KNOWN.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return coverageFromCounts(n, counts);
}

/** The probes no run hit. */
export function missedProbes(coverage: Coverage): ProbeCoverage[] {
  return coverage.probes.filter((p) => p.runs === 0);
}

/** A matrix cell's coverage: probe → the judged seeds (ascending) whose run hit it, in registry order. */
export type ProbeSeeds = Record<string, number[]>;

/**
 * The seeds of `runs` up to `upTo` that hit each probe. Several cells' or shards' maps can be given
 * as runs of their own (each seed once): `rmqsim merge` joins shards' rows so, cut at the whole
 * range's first refutation.
 */
export function probeSeeds(
  runs: Iterable<{ readonly seed: number; readonly probes: Iterable<string> }>,
  upTo = Infinity,
): ProbeSeeds {
  const seeds = new Map<string, Set<number>>();
  for (const { seed, probes } of runs) {
    if (seed > upTo) continue;
    for (const name of probes) {
      if (!KNOWN.has(name)) continue;
      let set = seeds.get(name);
      if (set === undefined) seeds.set(name, (set = new Set()));
      set.add(seed);
    }
  }
  const out: ProbeSeeds = {};
  for (const name of PROBE_NAMES) {
    const set = seeds.get(name);
    if (set !== undefined) out[name] = [...set].sort((a, b) => a - b);
  }
  return out;
}

/** The runs a ProbeSeeds map describes, one per (seed, probes hit), for probeSeeds to join again. */
export function seedRuns(map: ProbeSeeds): { seed: number; probes: string[] }[] {
  const bySeed = new Map<number, string[]>();
  for (const [name, seeds] of Object.entries(map)) {
    for (const seed of seeds) bySeed.set(seed, [...(bySeed.get(seed) ?? []), name]);
  }
  return [...bySeed].map(([seed, probes]) => ({ seed, probes }));
}

/** The matrix's coverage: its cells (how many seeds each judged, which hit what) and its lessons' runs. */
export function matrixCoverage(
  cells: readonly { readonly runs: number; readonly probes: ProbeSeeds }[],
  lessons: readonly { readonly probes: readonly string[] }[],
): Coverage {
  const counts = new Map<string, number>();
  const add = (name: string, n: number) => counts.set(name, (counts.get(name) ?? 0) + n);
  for (const cell of cells) for (const [name, seeds] of Object.entries(cell.probes)) add(name, seeds.length);
  for (const lesson of lessons) for (const name of new Set(lesson.probes)) add(name, 1);
  const runs = cells.reduce((sum, cell) => sum + cell.runs, 0) + lessons.length;
  return coverageFromCounts(runs, counts);
}
