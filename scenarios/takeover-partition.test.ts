// The matrix's takeover-partition cell does what its fault template says: at seed 1 the surviving
// consumer takes queues whose stored offsets it cannot read (QUERY_CONSUMER_OFFSET lost in the
// cut), leaves them out until a later rebalance, and the group loses nothing and delivers all.
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from './claims-matrix.ts';
import { runScenario } from './runner.ts';

describe('a queue taken over while its broker cannot be asked for the offset', () => {
  const cell = CLAIM_CELLS.find((c) => c.fault === 'takeover-partition')!;

  test('is a promised not-lost cell over two broker groups, judging delivery too', () => {
    expect([cell.claim, cell.promised, cell.config.brokers]).toEqual(['not-lost', true, 2]);
    expect(cell.properties).toEqual(['lost', 'liveness', 'retried']);
  });

  test('at seed 1 the offset read fails on the takeover, and nothing acknowledged goes undelivered', () => {
    const run = runScenario(cell.scenario, { seed: 1, keepTrace: true });
    const failed = run.trace.filter((r) => r.event === 'consumer.offset-read-failed');
    expect(failed.map((r) => String(r.fields?.mq))).toContain('myTopic@broker-b@0');
    for (const property of ['lost', 'liveness'])
      expect(run.checks.find((c) => c.property === property)!.holds).toBe(true);
  });
});
