// The planted-bug suite's results in words: one line a patch, and a Markdown table of them (for
// the README and the notes).
import type { PlantedBug } from './planted-bug.ts';
import type { Outcome } from './planted-run.ts';

export interface PatchResult {
  name: string;
  area: string;
  outcome: Outcome;
  /** How many library sweeps ran (0: claims refuted it). */
  sweeps: number;
  /** Wall-clock seconds from the copy to the refutation (or to the end, for an escape). */
  seconds: number;
  /** The machine's 1-minute load average when it ended. */
  load1m: number;
  /** What it held when it ended: the claims, and the sweeps' seeds so far. */
  reached: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What refuted it: `cell X at seed S (what)`, `sweep X at seed S`, a crash, or nothing. */
export function byWhat(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'refuted':
      return `${outcome.by} ${outcome.name}, seed ${outcome.seed} (${outcome.what})`;
    case 'crashed':
      return `crashed ${outcome.by === 'claims' ? 'claims' : `sweep ${outcome.name}`}: ${outcome.detail}`;
    case 'escaped':
      return 'nothing';
  }
}

export function outcomeText(result: PatchResult): string {
  const time = `${result.seconds.toFixed(1)} s (load ${result.load1m})`;
  if (result.outcome.kind === 'escaped')
    return `ESCAPED: ${result.reached} (${result.sweeps} sweeps), ${time}`;
  const label = result.outcome.kind === 'refuted' ? 'REFUTED' : 'CRASHED';
  return `${label} by ${byWhat(result.outcome)} in ${time}`;
}

export function markdownTable(
  results: readonly PatchResult[],
  unfinished: readonly { name: string; area: string; reached: string; seconds: number }[],
  bugs: readonly PlantedBug[],
  summary: { percentCaught: number; medianSecondsToRefute: number | null; load1m: number },
): string {
  const rows = results.map((r) => {
    const verdict = r.outcome.kind === 'escaped' ? 'escaped' : r.outcome.kind;
    const by = r.outcome.kind === 'escaped' ? `nothing: ${r.reached}` : byWhat(r.outcome);
    const cell = by.replace(/\|/g, '\\|');
    return `| \`${r.name}\` | ${r.area} | ${verdict} | ${cell} | ${r.seconds.toFixed(1)} | ${r.load1m} |`;
  });
  const median = summary.medianSecondsToRefute === null ? '—' : `${summary.medianSecondsToRefute} s`;
  return [
    `${results.length} of ${bugs.length} planted bugs judged to the end: **${summary.percentCaught}% refuted end to end** (crashes included), median time to refute **${median}**.`,
    '',
    '| planted bug | area | result | by (cell, lesson or sweep, seed, property) | seconds | load |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...unfinished.map(
      (u) => `| \`${u.name}\` | ${u.area} | not finished | ${u.reached} so far | ${u.seconds.toFixed(1)} | |`,
    ),
    '',
  ].join('\n');
}
