// The guarantees over generated scenarios (topology, workload and fault schedule drawn by
// fast-check, so a failure shrinks to a small schedule), in both directions:
// - where RocketMQ promises a property, it holds for every generated scenario and seed;
// - where it does not, the harness finds a counterexample within a few seeds, and the shrunk
//   counterexample it reports breaks the property again when replayed.
// FC_NUM_RUNS widens the search (e.g. FC_NUM_RUNS=500 npx vitest run properties/scenario-properties.test.ts).
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from '../scenarios/claims-matrix.ts';
import { runScenario, type RunResult } from '../scenarios/runner.ts';
import type { Property } from '../scenarios/scenario-schema.ts';
import { judgeCell } from '../scenarios/verdict.ts';
import { clusterScenarioArb } from './arbitraries/cluster-scenario.ts';
import { runs } from './fc-setup.ts';

const seed = fc.integer({ min: 0, max: 1_000_000 });
const scenarioRuns = runs(12);

function expectHolds(result: RunResult, properties: readonly Property[]): void {
  for (const property of properties) {
    const check = result.checks.find((c) => c.property === property);
    expect(check, `${property} was not checked`).toBeDefined();
    expect(check!.holds, `${property}: ${check!.examples[0]} (${result.replay})`).toBe(true);
  }
}

describe('promised: holds for every generated scenario', () => {
  ptest.prop(
    [
      clusterScenarioArb({
        flushDiskType: 'SYNC_FLUSH',
        masterFaults: ['power-off', 'pause', 'isolate', 'shutdown'],
        consumerFaults: ['kill', 'pause'],
      }),
      seed,
    ],
    scenarioRuns,
  )(
    'SYNC_FLUSH: no SEND_OK lost, each consumed soon after the faults heal, CQs consistent',
    (scenario, s) => {
      expectHolds(runScenario(scenario, { seed: s }), ['lost', 'liveness', 'unexpected', 'cq-consistent']);
    },
  );

  ptest.prop(
    [
      clusterScenarioArb({ flushDiskType: 'ASYNC_FLUSH', masterFaults: ['kill'], consumerFaults: ['kill'] }),
      seed,
    ],
    scenarioRuns,
  )('ASYNC_FLUSH: a process kill loses nothing (the page cache survives it)', (scenario, s) => {
    expectHolds(runScenario(scenario, { seed: s }), ['lost', 'unexpected', 'cq-consistent']);
  });

  ptest.prop(
    [clusterScenarioArb({ flushDiskType: 'ASYNC_FLUSH', ordered: true, consumerFaults: ['kill'] }), seed],
    scenarioRuns,
  )('ordered sends, orderly consumers: per-key order survives consumer crashes', (scenario, s) => {
    const result = runScenario(scenario, { seed: s });
    expectHolds(result, ['key-order', 'lost']);
    expect(result.stats.consumed).toBeGreaterThan(0);
  });

  ptest.prop(
    [
      clusterScenarioArb({ flushDiskType: 'ASYNC_FLUSH', handler: 'idempotent', consumerFaults: ['kill'] }),
      seed,
    ],
    scenarioRuns,
  )('an idempotent handler applies each message once, whatever is redelivered', (scenario, s) => {
    expectHolds(runScenario(scenario, { seed: s }), ['effects-once', 'lost']);
  });

  ptest.prop(
    [clusterScenarioArb({ flushDiskType: 'ASYNC_FLUSH', failing: true, consumerFaults: ['kill'] }), seed],
    scenarioRuns,
  )(
    'a message that always fails is retried on the delay levels, then dead-lettered after maxReconsumeTimes',
    (scenario, s) => {
      const result = runScenario(scenario, { seed: s });
      expectHolds(result, ['retry-schedule', 'dlq', 'lost']);
    },
  );

  ptest.prop(
    [clusterScenarioArb({ flushDiskType: 'ASYNC_FLUSH', backtrack: true, consumerFaults: ['kill'] }), seed],
    scenarioRuns,
  )('a reset to a time re-delivers every message stored since', (scenario, s) => {
    expectHolds(runScenario(scenario, { seed: s }), ['backtrack', 'lost']);
  });

  ptest.prop(
    [
      clusterScenarioArb({
        flushDiskType: 'ASYNC_FLUSH',
        masterFaults: ['kill', 'power-off', 'pause', 'isolate', 'shutdown'],
        consumerFaults: ['kill', 'pause', 'isolate'],
      }),
      seed,
    ],
    runs(6),
  )('deterministic: the same scenario and seed give the same trace hash', (scenario, s) => {
    const [a, b] = [runScenario(scenario, { seed: s }), runScenario(scenario, { seed: s })];
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stats).toEqual(a.stats);
  });
});

/** Cells whose claim RocketMQ does not promise, and which the harness must refute within 8 seeds. */
const REFUTABLE = [
  'not-lost.async-flush.async-master.sync.concurrently.power-loss',
  'not-lost.async-flush.async-master+slave.sync.concurrently.master-disk-loss',
  'not-duplicated.async-flush.async-master.sync.concurrently.consumer-crash',
  'not-disordered.async-flush.async-master.syncx2.concurrently.none',
];

describe('not promised: the harness finds the counterexample', () => {
  test.each(REFUTABLE)('%s is refuted within 8 seeds, and its counterexample replays', (id) => {
    const cell = CLAIM_CELLS.find((c) => c.id === id)!;
    expect(cell.promised).toBe(false);
    const verdict = judgeCell(cell, 8);
    expect(verdict.verdict).toBe('refuted');
    const cx = verdict.counterexample!;
    const replayed = runScenario(cx.scenario, { seed: cx.seed });
    const check = replayed.checks.find((c) => c.property === cx.property)!;
    expect(check.holds).toBe(false);
    expect(check.examples[0]).toBe(cx.explanation);
    expect(check.guaranteed).toBe(true); // so a replay reports it violated and exits 1
    expect(replayed.ok).toBe(false);
  });
});
