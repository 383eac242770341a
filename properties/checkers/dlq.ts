// dlq: a message whose handler always fails (RECONSUME_LATER) is retried with every reconsumeTimes
// 0..maxReconsumeTimes (duplicates of one count tolerated), never beyond, and then lands in
// %DLQ%<group>; and only such messages land there. When the retries came is retry-schedule's
// business. An always-failing key that was never delivered and whose send was not acknowledged is
// skipped: the history does not show it was ever stored. The run must last long enough for every
// retry (with the default levels, about 4 h 46 m of delays for 16 retries).
import {
  deliveriesByGroup,
  formatTime,
  sendOutcomes,
  type ConsumeOp,
  type History,
  type Violation,
} from '../history.ts';

export interface DlqOptions {
  readonly group: string;
  readonly maxReconsumeTimes: number;
  /** Keys whose handler in `group` always returns RECONSUME_LATER. */
  readonly alwaysFailing: ReadonlySet<string>;
  /** Keys found in %DLQ%<group> in the final broker stores. */
  readonly dlqKeys: ReadonlySet<string>;
}

export function checkDlq(history: History, options: DlqOptions): Violation[] {
  const byKey = new Map<string, ConsumeOp[]>();
  for (const op of deliveriesByGroup(history).get(options.group) ?? []) {
    byKey.set(op.value.key, [...(byKey.get(op.value.key) ?? []), op]);
  }
  const sends = sendOutcomes(history);
  const violations: Violation[] = [];
  for (const key of [...options.alwaysFailing].sort()) {
    const ops = byKey.get(key) ?? [];
    if (ops.length === 0 && sends.get(key)?.type !== 'ok') continue;
    const problems = failingProblems(key, ops, options);
    if (problems.length === 0) continue;
    const explanation = `${key} always failed in group ${options.group}: ${problems.join(', and ')}`;
    violations.push({ property: 'dlq', key, explanation });
  }
  for (const key of [...options.dlqKeys].sort()) {
    if (options.alwaysFailing.has(key)) continue;
    violations.push({
      property: 'dlq',
      key,
      explanation: wronglyDeadLettered(key, byKey.get(key) ?? [], options),
    });
  }
  return violations;
}

function failingProblems(key: string, ops: ConsumeOp[], options: DlqOptions): string[] {
  const { group, maxReconsumeTimes: max } = options;
  const problems: string[] = [];
  const seen = [...new Set(ops.map((op) => op.value.reconsumeTimes))].filter((r) => r <= max);
  if (ops.length === 0) problems.push('it was never delivered');
  else if (seen.length < max + 1) {
    problems.push(
      `delivered with reconsumeTimes ${ranges(seen)} only (${seen.length} of ${max + 1} deliveries)`,
    );
  }
  const beyond = ops.filter((op) => op.value.reconsumeTimes > max);
  if (beyond.length > 0) {
    const first = beyond[0]!;
    const more = beyond.length > 1 ? ` (${beyond.length} such deliveries)` : '';
    problems.push(
      `delivered with reconsumeTimes ${first.value.reconsumeTimes} at ${formatTime(first.time)}${more}, past maxReconsumeTimes ${max}`,
    );
  }
  if (!options.dlqKeys.has(key)) problems.push(`it is not in %DLQ%${group}`);
  return problems;
}

function wronglyDeadLettered(key: string, ops: ConsumeOp[], { group }: DlqOptions): string {
  const last = ops[ops.length - 1];
  const history =
    last === undefined
      ? 'it was never delivered'
      : `it was delivered ${ops.length} time(s), last with reconsumeTimes ${last.value.reconsumeTimes} at ${formatTime(last.time)}`;
  return `${key} is in %DLQ%${group}, but its handler in group ${group} does not always fail (${history}): it should have been consumed, not dead-lettered`;
}

/** 0,1,2,5,7,8 -> "0..2, 5, 7..8". */
function ranges(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
