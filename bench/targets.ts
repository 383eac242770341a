// Issue 19's targets, each printed with its value, the baseline measured in the same run, and
// `met` or `not met`. `issueNow` is the issue's own figure at d5b0413 (measured idle), where the
// issue's table started. Wall times move by up to 40% with this machine's load; bytes do not.
import { print } from './measure.ts';

export interface Target {
  figure: string;
  value: number;
  unit: string;
  /** What the value is set beside in the same run (or why there is none). */
  baseline: string;
  issueNow: string;
  /** The target as the issue writes it. */
  target: string;
  met: boolean;
}

const collected: Target[] = [];

/** Prints one target's line at once and keeps it for the summary. */
export function target(t: Target): void {
  collected.push(t);
  print({ bench: 'target', ...t, met: t.met ? 'met' : 'not met' });
}

/** Every target measured in this run, again, together at the end. */
export function printTargetSummary(): void {
  if (collected.length === 0) return;
  const met = collected.filter((t) => t.met).length;
  print({
    bench: 'targets (issue 19)',
    met: `${met} of ${collected.length}`,
    figures: collected.map(
      (t) => `${t.figure}: ${t.value} ${t.unit} (${t.target}): ${t.met ? 'met' : 'not met'}`,
    ),
  });
}
