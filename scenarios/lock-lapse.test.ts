// The matrix's lock-lapse cell does what its fault template says: at seed 1 the cut-off orderly
// consumer stops at its expired ProcessQueue locks, the other takes the queues once their broker
// locks expired, and the group's queues are consumed one consumer at a time, keys in order.
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from './claims-matrix.ts';
import { runScenario } from './runner.ts';

describe('an orderly consumer cut off past its locks, with a backlog cached', () => {
  const cell = CLAIM_CELLS.find((c) => c.fault === 'lock-lapse')!;

  test('is a promised orderly not-disordered cell judging exclusivity', () => {
    expect([cell.claim, cell.promised, cell.config.consumeMode]).toEqual(['not-disordered', true, 'orderly']);
    expect(cell.properties).toEqual(['key-order', 'queue-exclusive']);
  });

  test('at seed 1 the locks lapse and are taken over, and each queue has one consumer at a time', () => {
    const run = runScenario(cell.scenario, { seed: 1 });
    for (const probe of ['client.orderly-not-locked', 'broker.lock-expired-taken'] as const)
      expect(run.probes[probe]).toBeGreaterThan(0);
    const consumers = new Set(
      run.history.flatMap((op) =>
        op.f === 'consume' && op.time > 100_000 && op.time < 150_000
          ? [String((op.value as { consumer: string }).consumer)]
          : [],
      ),
    );
    expect(consumers.size).toBe(1);
    for (const property of ['key-order', 'queue-exclusive'])
      expect(run.checks.find((c) => c.property === property)!.holds).toBe(true);
  });
});
