// The matrix's stale-route-restart cell does what its fault template says: at seed 1 the
// NameServer, cut from broker-a's master when it was killed, still routes to it; the restarted
// producers (latency fault tolerance on) meet the dead master, are refused, and retry on broker-b.
import { describe, expect, test } from 'vitest';
import { CLAIM_CELLS } from './claims-matrix.ts';
import { runScenario } from './runner.ts';

describe('producers started while their route names a dead master', () => {
  const cell = CLAIM_CELLS.find((c) => c.fault === 'stale-route-restart')!;

  test('is a promised availability cell whose producers set failed brokers aside', () => {
    expect([cell.claim, cell.promised, cell.config.brokers]).toEqual(['available', true, 2]);
    expect(cell.scenario.topology?.producers?.map((p) => p.sendLatencyFaultEnable)).toEqual([true, true]);
  });

  test('at seed 1 a send refused by the dead master is retried on broker-b, and every send is available', () => {
    const run = runScenario(cell.scenario, { seed: 1 });
    expect(run.probes['namesrv.broker-channel-destroyed']).toBeUndefined();
    expect(run.probes['client.send-retry-other-broker']).toBeGreaterThan(0);
    expect(run.checks.find((c) => c.property === 'available')!.holds).toBe(true);
  });
});
