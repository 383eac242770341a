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
