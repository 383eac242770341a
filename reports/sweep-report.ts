// A sweep, as the command line shows it: how many seeds ran, and the first that violated a
// guaranteed property with what it broke and the command that replays it.
import type { SweepResult } from '../scenarios/sweep.ts';

export function sweepText(result: SweepResult): string {
  const n = result.results.length;
  const { index, count } = result.shard;
  const lines = [
    `${result.scenario}: ${n} seed${n === 1 ? '' : 's'} run from ${result.from}` +
      (count > 1 ? ` (shard ${index}/${count})` : ''),
  ];
  const failed = result.firstFailure;
  if (failed === undefined) lines.push('every guaranteed property held at every seed');
  else {
    const broken = failed.checks.filter((c) => c.guaranteed && !c.holds);
    lines.push(`seed ${failed.seed} violates ${broken.map((c) => c.property).join(', ')}:`);
    for (const c of broken) lines.push(`  ${c.examples[0]}`);
    lines.push(`replay: ${failed.replay}`);
  }
  return lines.join('\n');
}
