// Carrying RocketMQ's frames instead of objects changes nothing a run does: the same trace hash
// both ways, for built-in scenarios that between them send every body the processes exchange
// (sends, pulls, routes, heartbeats, registrations, locks, send-backs, offset resets, slave
// synchronization) and for a cell of the guarantees matrix. RMQSIM_FRAMES_ALL=1 runs the whole
// library and every light matrix cell (a few minutes).
import { describe, expect, it } from 'vitest';
import { CLAIM_CELLS } from './claims-matrix.ts';
import { BUILT_IN_SCENARIOS } from './library/index.ts';
import { runScenario } from './runner.ts';
import type { ScenarioInput } from './scenario-schema.ts';

const ALL = process.env.RMQSIM_FRAMES_ALL === '1';
const SOME_SCENARIOS = [
  'quick-start',
  'consumer-crash-redelivery',
  'ordered-broker-failure',
  'backtrack-by-time',
  'namesrv-divergence',
  'sync-flush-power-loss',
];
const SOME_CELLS = ['deterministic.async-flush.async-master+slave.sync.concurrently.swarm'];

function withFrames(input: ScenarioInput, frames: boolean): ScenarioInput {
  return { ...input, network: { ...input.network, frames } };
}

function sameBothWays(input: ScenarioInput, seed?: number): void {
  const options = seed === undefined ? {} : { seed };
  const objects = runScenario(withFrames(input, false), options);
  const frames = runScenario(withFrames(input, true), options);
  expect(frames.traceHash).toBe(objects.traceHash);
  expect(frames.events).toBe(objects.events);
}

describe('frames on the simulated network', () => {
  const scenarios = BUILT_IN_SCENARIOS.filter((s) => ALL || SOME_SCENARIOS.includes(s.name));
  it('runs the chosen scenarios (a name not in the library fails here)', () => {
    expect(scenarios.length).toBe(ALL ? BUILT_IN_SCENARIOS.length : SOME_SCENARIOS.length);
  });
  for (const scenario of scenarios) {
    it(`${scenario.name}: the same trace hash with objects and with frames`, () => sameBothWays(scenario));
  }
  const cells = CLAIM_CELLS.filter((c) => (ALL ? !c.heavy : SOME_CELLS.includes(c.id)));
  for (const cell of cells) {
    it(`matrix cell ${cell.id}: the same trace hash both ways`, () => sameBothWays(cell.scenario, 1));
  }
});
