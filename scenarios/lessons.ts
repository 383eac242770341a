// The library's lessons, judged with the matrix: each built-in scenario at its own seed must keep
// the promises of its configuration (its guarantees hold) and show what it teaches (each property
// it demonstrates is broken). Either failure fails the matrix (`claims` exits 1 and names the
// lesson), as a refuted promise does: a lesson that no longer shows what it teaches teaches the
// opposite, and a core change that removed its effect must be looked at, not passed.
import type { Property, ScenarioInput } from './scenario-schema.ts';
import type { Pool } from './pool-task.ts';
import type { SeedSummary } from './sweep.ts';
import { BUILT_IN_SCENARIOS } from './library/index.ts';

export interface LessonVerdict {
  scenario: string;
  seed: number;
  /** Guaranteed properties that were violated (none, for a lesson that holds). */
  broken: Property[];
  /** Demonstrated properties that did not show. */
  notShown: Property[];
  /** holds: guarantees held and the lesson showed; else what failed first. */
  verdict: 'holds' | 'violated' | 'not shown';
  replay: string;
  /** The coverage probes the lesson's run hit. */
  probes: string[];
}

/** The lessons of `scenarios` (the built-in library) at their own seeds, on the pool. */
export async function judgeLessons(
  pool: Pool,
  scenarios: readonly ScenarioInput[] = BUILT_IN_SCENARIOS,
  onVerdict?: (verdict: LessonVerdict) => void,
): Promise<LessonVerdict[]> {
  return Promise.all(
    scenarios.map(async (scenario) => {
      const seed = scenario.seed ?? 1;
      const run = await pool.run<SeedSummary>({ kind: 'seed', scenario, source: scenario.name, seed });
      const violated = new Set(run.checks.filter((c) => !c.holds).map((c) => c.property));
      const broken = run.checks.filter((c) => c.guaranteed && !c.holds).map((c) => c.property);
      const notShown = (scenario.demonstrates ?? []).filter((p) => !violated.has(p));
      const verdict = broken.length > 0 ? 'violated' : notShown.length > 0 ? 'not shown' : 'holds';
      const probes = Object.keys(run.probes);
      const judged: LessonVerdict = {
        scenario: scenario.name,
        seed,
        broken,
        notShown,
        verdict,
        replay: run.replay,
        probes,
      };
      onVerdict?.(judged);
      return judged;
    }),
  );
}
