// Coverage as the command line shows it: one line (how many probes of core/ the runs hit), or with
// --coverage a table of every probe, hit or not, with how many runs hit it and the branch it marks,
// and the names of those no run hit.
import { missedProbes, type Coverage } from '../scenarios/coverage.ts';
import { table } from './terminal-table.ts';

export function coverageLine(coverage: Coverage, full = false): string {
  const line = `coverage: ${coverage.hit} of ${coverage.total} probes hit (${coverage.percent}%) in ${coverage.runs} runs`;
  if (!full) return `${line} (--coverage lists them)`;
  const missed = missedProbes(coverage).map((p) => p.probe);
  return missed.length === 0 ? line : `${line}; not hit: ${missed.join(', ')}`;
}

export function coverageTable(coverage: Coverage): string {
  const rows = coverage.probes.map((p) => [p.probe, p.runs === 0 ? 'NOT HIT' : p.runs, p.what]);
  return table(['probe', 'runs', 'the branch it marks'], rows, [40, 9, 70]);
}

/** The line, preceded by the whole table when asked for. */
export function coverageText(coverage: Coverage, full: boolean): string {
  return full ? `${coverageTable(coverage)}\n${coverageLine(coverage, true)}` : coverageLine(coverage);
}
