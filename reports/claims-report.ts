// The guarantees matrix as the command line shows it: the `claims --json` object of the contract
// and a terminal table with a header row, a refuted cell followed by its counterexample and the
// command that replays it. A promised cell that is refuted is marked FINDING: RocketMQ's
// documentation says it holds there. A lesson that broke a guarantee or no longer shows what it
// teaches is marked LESSON FAILED and named in the summary; either makes `claims` exit 1.
import type { ClaimName } from '../scenarios/claims-matrix.ts';
import type { Coverage } from '../scenarios/coverage.ts';
import type { LessonVerdict } from '../scenarios/lessons.ts';
import type { Shard } from '../scenarios/seed-range.ts';
import type { CellVerdict, Counterexample } from '../scenarios/verdict.ts';
import { table, type Cell } from './terminal-table.ts';

export interface ClaimRow extends Omit<CellVerdict, 'counterexample'> {
  /** The counterexample (its shrunk scenario too), the file it is written to and its replay. */
  counterexample?: Counterexample & { replay: string; file: string };
}

export interface ClaimsMatrix {
  seeds: number;
  from: number;
  /** Which shard of the seeds this matrix judged (1/1: all of them). */
  shard: Shard;
  /** The one claim judged, when not every claim was (then no lesson is). */
  claim?: ClaimName;
  claims: ClaimRow[];
  /** Each built-in scenario at its seed, held to its lesson. */
  lessons: LessonVerdict[];
  /** Every probe of core/ with how many runs (judged cell seeds and lessons) hit it. */
  coverage: Coverage;
}

/** Promised cells that were refuted: with the failed lessons, what makes `claims` exit 1. */
export const findings = (matrix: ClaimsMatrix) =>
  matrix.claims.filter((c) => c.promised && c.verdict === 'refuted');

/** Lessons that broke a guarantee or no longer show what they teach: each makes `claims` exit 1. */
export const brokenLessons = (matrix: ClaimsMatrix) => matrix.lessons.filter((l) => l.verdict !== 'holds');

/** A lesson's verdict in words, the same in the terminal and the HTML page. */
export function lessonWords(l: LessonVerdict): string {
  if (l.verdict === 'violated') return `LESSON FAILED: its guarantees are violated (${l.broken.join(', ')})`;
  if (l.verdict === 'not shown')
    return `LESSON FAILED: it no longer shows what it teaches (${l.notShown.join(', ')} not violated)`;
  return 'holds its guarantees and shows its lesson';
}

function lessonsTable(lessons: readonly LessonVerdict[]): string {
  const rows: Cell[][] = [];
  for (const l of lessons) {
    rows.push([l.scenario, l.seed, lessonWords(l)]);
    if (l.verdict !== 'holds') rows.push([{ content: `replay: ${l.replay}`, colSpan: 3 }]);
  }
  return table(['lesson (built-in scenario)', 'seed', 'verdict'], rows);
}

/**
 * A cell's configuration in one line: flush type, role (+slave), broker groups and producers when
 * more than one, send mode, consume mode.
 */
export function configText(row: ClaimRow): string {
  const c = row.config;
  const role = c.slaves > 0 ? `${c.brokerRole}+slave` : c.brokerRole;
  const groups = (c.brokers ?? 1) > 1 ? ` ×${c.brokers}` : '';
  const producers = (c.producers ?? 1) > 1 ? ` ×${c.producers}` : '';
  return `${c.flushDiskType} ${role}${groups} ${c.sendMode}${producers} ${c.consumeMode}`;
}

export function claimsText(matrix: ClaimsMatrix): string {
  const rows: Cell[][] = [];
  for (const row of matrix.claims) {
    const mark = row.verdict === 'holds' ? 'holds' : row.promised ? 'FINDING' : 'refuted';
    rows.push([
      row.claim,
      mark,
      configText(row),
      row.fault,
      row.promised ? 'promised' : 'not promised',
      row.seeds,
    ]);
    const cx = row.counterexample;
    if (cx === undefined) continue;
    const text = `seed ${cx.seed}, ${cx.faults} faults, ${cx.messages} messages: ${cx.explanation}\nreplay: ${cx.replay}`;
    rows.push([{ content: text, colSpan: 6 }]);
  }
  const head = ['claim', 'verdict', 'configuration', 'fault', 'RocketMQ', 'seeds'];
  const claims = table(head, rows, [16, 9, 44, 18, 14, 7]);
  const bad = findings(matrix);
  const refuted = matrix.claims.filter((c) => c.verdict === 'refuted').length;
  const { index, count } = matrix.shard;
  const lines = [claims];
  if (matrix.lessons.length > 0) lines.push('', lessonsTable(matrix.lessons));
  lines.push(
    '',
    `${matrix.claims.length} cells, ${refuted} refuted, ${bad.length} refuted where RocketMQ promises the claim` +
      ` (seeds ${matrix.from}..${matrix.from + matrix.seeds - 1}${count > 1 ? `, shard ${index}/${count}` : ''})`,
  );
  const failed = brokenLessons(matrix);
  if (matrix.lessons.length > 0) {
    lines.push(
      `${matrix.lessons.length} lessons, ${failed.length} failed` +
        (failed.length > 0 ? `: ${failed.map((l) => `${l.scenario} (${l.verdict})`).join(', ')}` : ''),
    );
  }
  return lines.join('\n');
}
