// The scenario runner: bad scenarios fail before anything runs, naming the field; a run is a pure
// function of scenario and seed; an application's own handler sees realistic redelivery; swarm
// faults are drawn per seed within their spec; the end of a run heals what the faults left.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../core/config-error.ts';
import { drawFaults } from './fault-plan.ts';
import { runScenario } from './runner.ts';
import { parseScenario, type ScenarioInput } from './scenario-schema.ts';
import { layout } from './topology.ts';

const base: ScenarioInput = {
  name: 'runner-test',
  title: 'runner test',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  workload: { messages: 20 },
  run: { durationMs: 20_000, drainMs: 30_000 },
};

function configError(input: unknown): string {
  try {
    runScenario(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('bad scenarios are refused before anything runs, naming the field', () => {
  test.each([
    [{ ...base, workload: { messages: 20, colour: 'red' } }, /Unrecognized key: "colour"[\s\S]*at workload/],
    [
      { ...base, topology: { brokers: [{ flushDiskType: 'FAST' }] } },
      /topology\.brokers\[0\]\.flushDiskType/,
    ],
    [{ ...base, topology: { consumerGroups: [{}, {}] } }, /duplicate group "myConsumerGroup"/],
    [
      { ...base, topology: { producers: [{ sendMode: 'async' }] }, workload: { shardingKeys: 2 } },
      /ordered sends[\s\S]*at topology\.producers\[0\]\.sendMode/,
    ],
    [
      { ...base, faults: { schedule: [{ at: 5, fault: 'kill', node: 'broker-z-master' }] } },
      /unknown node "broker-z-master"[\s\S]*broker-a-master/,
    ],
    [{ ...base, run: { keepDown: ['nobody'] } }, /unknown node "nobody"[\s\S]*at run\.keepDown\[0\]/],
    [
      { ...base, workload: { resets: [{ atMs: 1, toMs: 0, group: 'G9' }] } },
      /no consumer group "G9"[\s\S]*at workload\.resets\[0\]\.group/,
    ],
  ])('case %#', (input, message) => {
    expect(configError(input)).toMatch(message);
  });
});

describe('one scenario, one seed, one run', () => {
  test('the same seed gives the same trace, stats and verdicts; another seed another trace', () => {
    const [a, b, c] = [
      runScenario(base, { seed: 5 }),
      runScenario(base, { seed: 5 }),
      runScenario(base, { seed: 6 }),
    ];
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stats).toEqual(a.stats);
    expect(b.checks.map((x) => x.holds)).toEqual(a.checks.map((x) => x.holds));
    expect(c.traceHash).not.toBe(a.traceHash);
    expect(a.stats).toMatchObject({ sent: 20, acked: 20, consumed: 20, lost: 0, duplicated: 0 });
    expect(a.replay).toBe('npx rmqsim replay runner-test@5');
  });

  test('the whole trace is kept only when asked for; the hash and the history do not depend on it', () => {
    const [lean, kept] = [runScenario(base, { seed: 5 }), runScenario(base, { seed: 5, keepTrace: true })];
    expect(lean.traceHash).toBe(kept.traceHash);
    expect(lean.history).toEqual(kept.history);
    const events = (r: typeof lean) => new Set(r.trace.map((t) => t.event));
    expect(events(kept)).toContain('timer');
    expect(events(kept)).toContain('net.request');
    expect([...events(lean)].sort()).toEqual([
      'app.effect',
      'consumer.deliver',
      'producer.attempt-result',
      'producer.send',
      'producer.send-result',
    ]);
    expect(lean.trace.length).toBeLessThan(kept.trace.length / 5);
  });
});

describe("an application's own handler", () => {
  test('a handler failing each first delivery sees every message again, ten seconds later', () => {
    const result = runScenario(
      { ...base, run: { durationMs: 20_000, drainMs: 90_000 } },
      { seed: 2, handler: (msg) => (msg.reconsumeTimes > 0 ? 'CONSUME_SUCCESS' : 'RECONSUME_LATER') },
    );
    const deliveries = result.history.filter((op) => op.f === 'consume');
    expect(deliveries).toHaveLength(40);
    expect(
      deliveries.filter((op) => (op.value as { reconsumeTimes: number }).reconsumeTimes === 1),
    ).toHaveLength(20);
    expect(result.checks.find((c) => c.property === 'duplicated')!.violations).toBe(20);
  });
});

describe('broadcasting', () => {
  test('each consumer of a broadcasting group must see every message: lost is per consumer', () => {
    const result = runScenario({
      ...base,
      topology: { consumerGroups: [{ consumers: 2, messageModel: 'BROADCASTING' }] },
    });
    expect(result.stats.consumed).toBe(40);
    expect(result.checks.find((c) => c.property === 'lost')!.holds).toBe(true);
  });
});

describe('swarm faults', () => {
  const swarm = {
    ...base,
    faults: {
      generate: {
        faults: 5,
        kinds: { kill: 1, pause: 1 },
        targets: ['consumer', 'master'],
        fromMs: 2_000,
        toMs: 9_000,
        recoverAfterMs: [500, 1_000],
      },
    },
  } satisfies ScenarioInput;
  const spec = parseScenario(swarm);
  const draw = (seed: number, recover = true) => {
    const s = {
      ...spec,
      faults: { generate: { ...('generate' in spec.faults ? spec.faults.generate : never()), recover } },
    };
    return drawFaults(s.faults.generate, layout(spec), seed);
  };

  test('are drawn from the seed, within their kinds, targets and window, each with its recovery', () => {
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    const faults = draw(3);
    expect(faults).toHaveLength(10);
    for (const f of faults) {
      expect(['kill', 'pause', 'restart', 'resume']).toContain(f.fault);
      expect(['consumer-1', 'broker-a-master']).toContain((f as { node: string }).node);
      expect(f.at).toBeGreaterThanOrEqual(2_000);
      expect(f.at).toBeLessThan(9_000 + 1_001);
    }
  });

  test('without recovery only the faults are drawn', () => {
    expect(draw(3, false).map((f) => f.fault)).toEqual(
      draw(3)
        .filter((f) => f.fault === 'kill' || f.fault === 'pause')
        .map((f) => f.fault),
    );
  });

  test('the end of the run heals: every node runs again and nothing acknowledged is lost', () => {
    const result = runScenario({
      ...swarm,
      faults: { schedule: [{ at: 5_000, fault: 'kill', node: 'consumer-1' }] },
    });
    const heal = result.history.filter((op) => op.process === 'nemesis' && op.time === 20_000);
    expect(heal.map((op) => op.f)).toEqual(['restart']);
    expect(result.checks.find((c) => c.property === 'lost')!.holds).toBe(true);
  });
});

function never(): never {
  throw new Error('unreachable');
}
