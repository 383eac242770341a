// A RocketMQ 4.9 behaviour the randomized space found (README, "What the harness has found"): a
// queue whose consumer died before committing any offset for it is taken over at the queue's end
// when the broker counts its first message as on disk (accessMessageInMemoryMaxRatio), so what the
// dead consumer had not finished is skipped by the group; while the message is in memory, the
// broker answers offset 0 and the next owner consumes it again.
import { describe, expect, test } from 'vitest';
import { runScenario } from './runner.ts';
import type { ScenarioInput } from './scenario-schema.ts';

const scenario = (accessMessageInMemoryMaxRatio: number): ScenarioInput => ({
  name: 'offset-not-found',
  title: 'a takeover with no committed offset',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  topology: {
    brokers: [{ conf: { accessMessageInMemoryMaxRatio } }],
    consumerGroups: [{ consumers: 2, slowCalls: { every: 1, times: 1, ms: 5_000 } }],
  },
  workload: { messages: 20, intervalMs: 100 },
  // consumer-2's handlers still run when it dies, before its first offset persist (10 s after start).
  faults: { schedule: [{ at: 5_000, fault: 'kill', node: 'consumer-2' }] },
  run: { durationMs: 30_000, drainMs: 60_000 },
});

describe('a takeover of a queue the group never committed an offset for', () => {
  test('with every message on disk (ratio 0), the next owner starts at the end: messages are skipped', () => {
    const lost = runScenario(scenario(0)).checks.find((c) => c.property === 'lost')!;
    expect(lost.holds).toBe(false);
    expect(lost.examples[0]).toMatch(
      /never can: it is stored at broker-a\/\d+ offset \d+, behind the group's position/,
    );
  });

  test('with the messages in memory (the default 40 %), it starts at offset 0: nothing is lost', () => {
    const run = runScenario(scenario(40));
    expect(run.checks.find((c) => c.property === 'lost')!.holds).toBe(true);
    expect(run.stats.acked).toBe(20);
  });
});
