// The library's lessons, judged with the matrix: each built-in scenario at its own seed must keep
// the promises of its configuration (its guarantees hold) and show what it teaches (each property
// it demonstrates is broken). A broken guarantee is a violation like any other; a lesson that no
// longer shows is reported, for its seed or its text needs another look.
import type { Property } from './scenario-schema.ts';
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
  replay: string;
}

export async function judgeLessons(pool: Pool): Promise<LessonVerdict[]> {
  return Promise.all(
    BUILT_IN_SCENARIOS.map(async (scenario) => {
      const seed = scenario.seed ?? 1;
      const run = await pool.run<SeedSummary>({ kind: 'seed', scenario, source: scenario.name, seed });
      const violated = new Set(run.checks.filter((c) => !c.holds).map((c) => c.property));
      return {
        scenario: scenario.name,
        seed,
        broken: run.checks.filter((c) => c.guaranteed && !c.holds).map((c) => c.property),
        notShown: (scenario.demonstrates ?? []).filter((p) => !violated.has(p)),
        replay: run.replay,
      };
    }),
  );
}
