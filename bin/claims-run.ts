// `rmqsim claims`'s action: the matrix's seeds checked and the output directory tried before
// anything runs, progress on stderr, then claims.json, claims.html and each counterexample (its
// scenario and its run report) written together; Ctrl-C prints how far every cell got and how to
// resume. `rmqsim merge` writes a merged matrix with the same claimsFiles.
import { resolve } from 'node:path';
import { createPool, defaultWorkers } from '../lib/pool.ts';
import { brokenLessons, claimsText, findings, type ClaimsMatrix } from '../reports/claims-report.ts';
import { coverageText } from '../reports/coverage-report.ts';
import { claimsHtml } from '../reports/html/index.ts';
import { writeFiles } from '../reports/output-files.ts';
import { matrixCoverage } from '../scenarios/coverage.ts';
import type { LessonVerdict } from '../scenarios/lessons.ts';
import { startClaims } from '../scenarios/matrix.ts';
import type { Pool } from '../scenarios/pool-task.ts';
import { rangeFlags, shardSize, WHOLE, type SeedRange } from '../scenarios/seed-range.ts';
import type { ClaimName } from '../scenarios/claims-matrix.ts';
import type { CellSeedAnswer, CellVerdict } from '../scenarios/verdict.ts';
import {
  cellSurprise,
  firstSurprise,
  lessonSurprise,
  readBaseline,
  surpriseText,
  type Surprise,
} from './claims-fail-fast.ts';
import { onInterrupt } from './interrupt.ts';
import { checkRange, UsageError, type RangeFlags } from './options.ts';
import { checkOutDir } from './out-dir.ts';
import { progress } from './progress.ts';

export interface ClaimsFlags extends RangeFlags {
  claim?: ClaimName;
  failFast?: true;
  baseline?: string;
}

/** The matrix with each counterexample's file and replay in `out`, and the files to write there. */
export async function claimsFiles(
  out: string,
  range: SeedRange,
  claim: ClaimName | undefined,
  verdicts: readonly CellVerdict[],
  lessons: LessonVerdict[],
  pool: Pool,
): Promise<{ matrix: ClaimsMatrix; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  const rows = await Promise.all(
    verdicts.map(async ({ counterexample, ...row }) => {
      if (counterexample === undefined) return row;
      const name = `counterexamples/${row.cell}.json`;
      const file = resolve(out, name);
      files[name] = `${JSON.stringify(counterexample.scenario, null, 2)}\n`;
      // The counterexample run once more, on the pool, for its report next to its JSON.
      const task = {
        kind: 'report',
        scenario: counterexample.scenario,
        source: file,
        seed: counterexample.seed,
      } as const;
      files[name.replace(/\.json$/, '.html')] = await pool.run<string>(task);
      const replay = `npx rmqsim replay ${file}@${counterexample.seed}`;
      return { ...row, counterexample: { ...counterexample, replay, file } };
    }),
  );
  const matrix: ClaimsMatrix = {
    seeds: range.seeds,
    from: range.from,
    shard: range.shard,
    ...(claim && { claim }),
    claims: rows,
    lessons,
    // A row's seeds are those it judged (up to its counterexample); its shard ran every n-th of them.
    coverage: matrixCoverage(
      rows.map((row) => ({ runs: shardSize({ ...range, seeds: row.seeds }), probes: row.probes })),
      lessons,
    ),
  };
  files['claims.json'] = `${JSON.stringify(matrix, null, 2)}\n`;
  files['claims.html'] = claimsHtml(matrix);
  return { matrix, files };
}

/** Prints the matrix (with every probe's coverage if asked); its exit code: 1 for a finding or a broken lesson. */
export function reportClaims(
  matrix: ClaimsMatrix,
  json: boolean,
  written: string[],
  coverage = false,
): number {
  if (json) console.log(JSON.stringify(matrix));
  else {
    const text = `${claimsText(matrix)}\n${coverageText(matrix.coverage, coverage)}`;
    console.log(`${text}\nwritten: ${written.find((w) => w.endsWith('claims.json'))}`);
  }
  return findings(matrix).length === 0 && brokenLessons(matrix).length === 0 ? 0 : 1;
}

export async function claimsCommand(flags: ClaimsFlags): Promise<number> {
  const range: SeedRange = { from: flags.from ?? 1, seeds: flags.seeds ?? 6, shard: flags.shard ?? WHOLE };
  checkRange(range.from, range.seeds);
  if (flags.baseline !== undefined && flags.failFast !== true) {
    throw new UsageError('--baseline is read by --fail-fast only: give both');
  }
  const baseline = flags.baseline === undefined ? undefined : readBaseline(flags.baseline);
  const out = flags.out ?? 'out';
  checkOutDir(out);
  const workers = flags.workers ?? defaultWorkers();
  const pool = createPool(workers);
  const bar = progress(flags.json === true, 'claims', 'cell seeds');
  const surprise = firstSurprise();
  const failFast = flags.failFast === true;
  const started = startClaims(pool, {
    range,
    claim: flags.claim,
    workers,
    onProgress: bar.update,
    ...(failFast && {
      onAnswer: (cell: string, answer: CellSeedAnswer) =>
        surprise.report(cellSurprise(cell, answer, baseline)),
      onLesson: (verdict: LessonVerdict) => surprise.report(lessonSurprise(verdict, baseline)),
    }),
  });
  bar.update(0, started.total);
  const interrupt = onInterrupt(
    () => {
      bar.stop();
      return interruptedText(started.resume(), started.done(), range, flags);
    },
    () => pool.destroy(),
  );
  try {
    const work = interrupt.guard(Promise.all([started.result, started.lessons]));
    const first = await Promise.race([work, surprise.first]);
    if (!Array.isArray(first)) {
      // The workers are stopped under the tasks still running: their failures are the stop's.
      work.catch(() => {});
      bar.stop();
      return reportSurprise(first, started.done(), flags.json === true);
    }
    const [verdicts, lessons] = first;
    bar.stop();
    const { matrix, files } = await claimsFiles(out, range, flags.claim, verdicts, lessons, pool);
    return reportClaims(matrix, flags.json === true, writeFiles(out, files), flags.coverage === true);
  } finally {
    interrupt.dispose();
    await pool.destroy();
  }
}

function reportSurprise(surprise: Surprise, judged: number, json: boolean): number {
  if (json) console.log(JSON.stringify({ failFast: surprise, judged }));
  else console.log(surpriseText(surprise, judged));
  return 1;
}

function interruptedText(
  next: SeedRange | undefined,
  done: number,
  range: SeedRange,
  flags: ClaimsFlags,
): string {
  if (next === undefined) return 'interrupted: every cell was judged; nothing written.';
  const judged =
    next.from > range.from
      ? `; every cell judged each seed below ${next.from} (a refuted cell stops at its counterexample)`
      : '';
  return (
    `interrupted: ${done} cell seeds judged${judged}; nothing written.\n` +
    `resume: npx rmqsim claims ${rangeFlags(next)}` +
    (flags.claim === undefined ? '' : ` --claim ${flags.claim}`) +
    (flags.out === undefined ? '' : ` --out ${flags.out}`)
  );
}
