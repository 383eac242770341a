// The guarantees matrix as the command line shows it: the `claims --json` object of the contract
// and a terminal table, one block per claim, a refuted cell followed by its counterexample and
// the command that replays it. A promised cell that is refuted is marked FINDING: RocketMQ's
// documentation says it holds there.
import type { LessonVerdict } from '../scenarios/lessons.ts';
import type { CellVerdict, Counterexample } from '../scenarios/verdict.ts';

export interface ClaimRow extends Omit<CellVerdict, 'counterexample'> {
  counterexample?: Omit<Counterexample, 'scenario'> & { replay: string; file: string };
}

export interface ClaimsMatrix {
  seeds: number;
  from: number;
  claims: ClaimRow[];
  /** Each built-in scenario at its seed, held to its lesson. */
  lessons: LessonVerdict[];
}

/** Promised cells that were refuted: with broken lesson guarantees, what makes `claims` exit 1. */
export const findings = (matrix: ClaimsMatrix) =>
  matrix.claims.filter((c) => c.promised && c.verdict === 'refuted');

export const brokenLessons = (matrix: ClaimsMatrix) => matrix.lessons.filter((l) => l.broken.length > 0);

function lessonsText(lessons: readonly LessonVerdict[]): string[] {
  const lines = ['', 'lessons (each built-in scenario at its seed)'];
  for (const l of lessons) {
    const verdict =
      l.broken.length > 0
        ? `VIOLATED ${l.broken.join(', ')}`
        : l.notShown.length > 0
          ? `holds its guarantees, but no longer shows ${l.notShown.join(', ')}`
          : 'holds its guarantees and shows its lesson';
    lines.push(`  ${l.scenario.padEnd(28)} seed ${String(l.seed).padEnd(4)} ${verdict}`);
    if (l.broken.length + l.notShown.length > 0) lines.push(`          replay: ${l.replay}`);
  }
  return lines;
}

/** A cell's configuration in one line: flush type, role (+slave), send mode, consume mode. */
export function configText(row: ClaimRow): string {
  const c = row.config;
  const role = c.slaves > 0 ? `${c.brokerRole}+slave` : c.brokerRole;
  return `${c.flushDiskType} ${role} ${c.sendMode} ${c.consumeMode}`;
}

export function claimsText(matrix: ClaimsMatrix): string {
  const lines: string[] = [];
  let claim = '';
  for (const row of matrix.claims) {
    if (row.claim !== claim) {
      claim = row.claim;
      lines.push('', claim);
    }
    const mark = row.verdict === 'holds' ? 'holds  ' : row.promised ? 'FINDING' : 'refuted';
    const promise = row.promised ? 'promised' : 'not promised';
    lines.push(
      `  ${mark} ${configText(row).padEnd(46)} ${row.fault.padEnd(17)} ${promise.padEnd(13)} ${row.seeds} seeds`,
    );
    const cx = row.counterexample;
    if (cx === undefined) continue;
    lines.push(`          seed ${cx.seed}, ${cx.faults} faults, ${cx.messages} messages: ${cx.explanation}`);
    lines.push(`          replay: ${cx.replay}`);
  }
  lines.push(...lessonsText(matrix.lessons));
  const bad = findings(matrix);
  const refuted = matrix.claims.filter((c) => c.verdict === 'refuted').length;
  lines.push(
    '',
    `${matrix.claims.length} cells, ${refuted} refuted, ${bad.length} refuted where RocketMQ promises the claim` +
      ` (seeds ${matrix.from}..${matrix.from + matrix.seeds - 1})`,
  );
  return lines.join('\n');
}
