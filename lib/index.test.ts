// The library API as a user's code calls it: a built-in run by name, a sweep in this process with
// the application's handler (cut at its first failing seed, as the command line's sweep is), the
// matrix for one claim, and the JSON Schema an editor completes scenario files from.
import { CLAIM_CELLS } from '../scenarios/claims-matrix.ts';
import { describe, expect, test } from 'vitest';
import {
  BUILT_IN_SCENARIOS,
  judgeClaims,
  runJson,
  runScenario,
  scenarioJsonSchema,
  scenarioSchema,
  sweep,
  type AppHandler,
} from './index.ts';

const naive: AppHandler = (msg, app) => (app.effect(msg), 'CONSUME_SUCCESS');

describe('sweep with a handler, in this process', () => {
  test('stops at the first seed that breaks a guarantee; each seed is that seed run alone', async () => {
    const scenario = {
      ...BUILT_IN_SCENARIOS.find((s) => s.name === 'consumer-crash-redelivery')!,
      guarantees: ['effects-once' as const],
    };
    const progress: number[] = [];
    const result = await sweep(scenario, {
      seeds: 6,
      handler: naive,
      onProgress: (done) => progress.push(done),
    });
    const failed = result.firstFailure!;
    expect(failed.checks.find((c) => c.property === 'effects-once')!.holds).toBe(false);
    expect(result.results.map((r) => r.seed)).toEqual(Array.from({ length: failed.seed }, (_, k) => k + 1));
    expect(progress).toEqual(result.results.map((_, k) => k + 1));
    const alone = runJson(runScenario(scenario, { seed: failed.seed, handler: naive }));
    expect(failed).toEqual({ ...alone, replay: failed.replay });
  });

  test('a name that is not a built-in is refused', () => {
    expect(() => runScenario('no-such-scenario')).toThrow('no built-in scenario "no-such-scenario"');
  });
});

test("judgeClaims: one claim's cells, and no lessons", async () => {
  const { claims, lessons } = await judgeClaims({ claim: 'cq-rebuild', seeds: 1, workers: 2 });
  const cells = CLAIM_CELLS.filter((c) => c.claim === 'cq-rebuild').map((c) => c.id);
  expect(claims.map((c) => c.cell)).toEqual(cells);
  expect(cells.length).toBeGreaterThan(1);
  // A power loss soon after an IndexFile filled is a finding (README, "What the harness has found").
  const verdict = (c: (typeof claims)[number]) => (c.fault === 'index-roll-power-loss' ? 'refuted' : 'holds');
  expect(claims.every((c) => c.verdict === verdict(c) && c.seeds === 1)).toBe(true);
  expect(lessons).toEqual([]);
});

test('the JSON Schema has every field of the zod schema, and "$schema" for editors', () => {
  const schema = scenarioJsonSchema() as {
    properties: Record<string, unknown>;
    additionalProperties: unknown;
  };
  expect(Object.keys(schema.properties).sort()).toEqual(
    ['$schema', ...Object.keys(scenarioSchema.shape)].sort(),
  );
  expect(schema.additionalProperties).toBe(false);
});
