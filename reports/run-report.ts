// A run, as the command line shows it: the JSON object of the contract (`run --json`), and the
// terminal summary (each property's verdict, the message accounting, how the drain ended, what
// the verdict warns of, each violation explained with its replay command).
import type { RunResult } from '../scenarios/runner.ts';
import { table, type Cell } from './terminal-table.ts';

/** The `run --json` object (../shared/DESIGN.md): no history or trace, those go to files. */
export function runJson(result: RunResult) {
  const { scenario, seed, traceHash, virtualTimeMs, events, stopReason, stats, replay, ok } = result;
  return {
    scenario,
    seed,
    traceHash,
    virtualTimeMs,
    events,
    stopReason,
    ok,
    stats,
    drain: result.drain,
    warnings: result.warnings,
    checks: result.checks.map(({ property, guaranteed, holds, violations, examples }) => ({
      property,
      guaranteed,
      holds,
      violations,
      examples,
    })),
    faults: result.faults,
    nodes: result.nodes.map(({ name, address, role }) => ({ name, address, role })),
    replay,
    probes: result.probes,
    // What the seed drew from the scenario's randomized space (none for most scenarios).
    ...(Object.keys(result.space).length > 0 ? { space: result.space } : {}),
  };
}

/** How the drain ended, and each group's lag if one was still behind. */
function drainText({ drain }: RunResult): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lag = Object.entries(drain.lag)
    .map(([group, behind]) => `${group} ${behind}`)
    .join(', ');
  const how = drain.caughtUp
    ? `every group caught up (lag: ${lag || 'no group'})`
    : `stopped at its cap (run.drainMaxMs ${seconds(drain.capMs)}), lag: ${lag}`;
  return `  drain: from ${seconds(drain.fromMs)} to ${seconds(drain.endedAtMs)}, ${how}`;
}

/** What the seed drew from the scenario's space, on one line, if it has one. */
function spaceText({ space }: RunResult): string[] {
  const drawn = Object.entries(space).map(([choice, value]) => `${choice}=${String(value)}`);
  return drawn.length === 0 ? [] : [`  drawn: ${drawn.join(' ')}`];
}

export function runText(result: RunResult): string {
  const { stats } = result;
  const lines = [
    `${result.scenario} seed ${result.seed}: ${result.ok ? 'every guaranteed property held' : 'A GUARANTEED PROPERTY WAS VIOLATED'}`,
    `  ${(result.virtualTimeMs / 1000).toFixed(1)} s of virtual time, ${result.events} events, trace ${result.traceHash}` +
      (result.stopReason === 'until' ? '' : ` (stopped: ${result.stopReason})`),
    `  messages: ${stats.sent} sent, ${stats.acked} acknowledged, ${stats.failed} failed, ${stats.unknown} unknown, ` +
      `${stats.stored} stored, ${stats.consumed} consumed (${stats.deliveries} deliveries), ` +
      `${stats.duplicated} duplicated, ${stats.lost} lost, ${stats.backlog} backlog, ${stats.recovered} recovered`,
    drainText(result),
    ...spaceText(result),
    ...result.warnings.map((w) => `  WARNING: ${w}`),
    '',
  ];
  const rows: Cell[][] = [];
  for (const check of result.checks) {
    const verdict = check.holds ? 'holds' : `VIOLATED ×${check.violations}`;
    rows.push([check.property, check.guaranteed ? 'guaranteed' : 'reported', verdict]);
    const more = check.violations - check.examples.length;
    const examples = [...check.examples, ...(more > 0 ? [`… and ${more} more`] : [])];
    if (examples.length > 0) rows.push([{ content: examples.join('\n'), colSpan: 3 }]);
  }
  lines.push(table(['property', 'kind', 'verdict'], rows, [16, 12, 80]), '', `replay: ${result.replay}`);
  return lines.join('\n');
}
