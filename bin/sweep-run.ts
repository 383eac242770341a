// `rmqsim sweep`'s action: the range checked and the output directory tried before anything runs,
// progress on stderr, the result on stdout, and on Ctrl-C the seeds done and how to resume.
import { createPool, defaultWorkers } from '../lib/pool.ts';
import { writeFiles } from '../reports/output-files.ts';
import { coverageText } from '../reports/coverage-report.ts';
import { sweepText } from '../reports/sweep-report.ts';
import type { Pool } from '../scenarios/pool-task.ts';
import { rangeFlags, shardSize, WHOLE, type SeedRange } from '../scenarios/seed-range.ts';
import { startSweep, type SweepResult } from '../scenarios/sweep.ts';
import { onInterrupt } from './interrupt.ts';
import { checkRange, type RangeFlags } from './options.ts';
import { checkOutDir } from './out-dir.ts';
import { progress } from './progress.ts';
import { resolveScenario } from './scenario-source.ts';

export type SweepFlags = RangeFlags;

/** What a sweep writes with --out: its result, and the first failing seed's report. */
export async function sweepFiles(result: SweepResult, pool: Pool): Promise<Record<string, string>> {
  const files: Record<string, string> = { 'sweep.json': `${JSON.stringify(result, null, 2)}\n` };
  const failed = result.firstFailure;
  if (failed !== undefined) {
    const { scenario } = resolveScenario(result.source);
    const task = { kind: 'report', scenario, source: result.source, seed: failed.seed } as const;
    files['report.html'] = await pool.run<string>(task);
  }
  return files;
}

export function printSweep(result: SweepResult, json: boolean, written: string[], coverage = false): void {
  if (json) console.log(JSON.stringify(result));
  else {
    const text = `${sweepText(result)}\n${coverageText(result.coverage, coverage)}`;
    console.log(text + (written.length > 0 ? `\nwritten: ${written.join(', ')}` : ''));
  }
}

export async function sweepCommand(source: string, flags: SweepFlags): Promise<number> {
  const { scenario, label } = resolveScenario(source);
  const range: SeedRange = { from: flags.from ?? 1, seeds: flags.seeds ?? 100, shard: flags.shard ?? WHOLE };
  checkRange(range.from, range.seeds);
  if (flags.out !== undefined) checkOutDir(flags.out);
  const total = shardSize(range);
  const workers = Math.max(1, Math.min(flags.workers ?? defaultWorkers(), total));
  const pool = createPool(workers);
  const bar = progress(flags.json === true, 'sweep', 'seeds');
  const started = startSweep(scenario, label, { range, workers, onProgress: bar.update }, pool);
  bar.update(0, total);
  const interrupt = onInterrupt(
    () => {
      bar.stop();
      const next = started.resume();
      const shard = range.shard.count > 1 ? ` of shard ${range.shard.index}/${range.shard.count}` : '';
      if (next === undefined) return `interrupted: every seed${shard} was answered; nothing written.`;
      const held = next.from > range.from ? `; every seed${shard} below ${next.from} held` : '';
      return (
        `interrupted: ${started.done()} of ${total} seeds${shard} answered${held}; nothing written.\n` +
        `resume: npx rmqsim sweep ${label} ${rangeFlags(next)}`
      );
    },
    () => pool.destroy(),
  );
  try {
    const result = await interrupt.guard(started.result);
    bar.stop();
    const written = flags.out === undefined ? [] : writeFiles(flags.out, await sweepFiles(result, pool));
    printSweep(result, flags.json === true, written, flags.coverage === true);
    return result.firstFailure === undefined ? 0 : 1;
  } finally {
    interrupt.dispose();
    await pool.destroy();
  }
}
