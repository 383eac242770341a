// The randomized space: a scenario that does not opt in draws nothing (its runs are what they
// were); one that does gets, per seed, values from the space's own table that a broker accepts,
// the same for the same seed and scenario and different across seeds; what the scenario sets
// itself stays; faults are widened only with milder kinds; and a small space can be enumerated,
// every point once.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { brokerConfFrom } from '../core/broker/broker-config.ts';
import { runs } from '../properties/fc-setup.ts';
import { runScenario } from './runner.ts';
import { parseScenario, SPACE_PARTS, type ScenarioInput } from './scenario-schema.ts';
import { drawSpace, enumerateSpace, seededChooser } from './space.ts';

const base: ScenarioInput = {
  name: 'space-test',
  title: 'space test',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  topology: { brokers: [{ slaves: 1, conf: { syncFlushTimeout: 777 } }] },
  workload: { messages: 20 },
  faults: { generate: { faults: 2, kinds: { kill: 1 }, targets: ['master'], fromMs: 5_000, toMs: 15_000 } },
  run: { durationMs: 20_000, drainMs: 30_000 },
};
const everything = parseScenario({ ...base, space: [...SPACE_PARTS] });

describe('drawing from the space', () => {
  test('a scenario without a space draws nothing: the same scenario, no choices', () => {
    const plain = parseScenario(base);
    const drawn = drawSpace(plain, seededChooser(3, plain.name));
    expect(drawn.choices).toEqual({});
    expect(drawn.scenario).toEqual(plain);
  });

  ptest.prop([fc.integer({ min: 0, max: 1_000_000 })], runs(50))(
    'every draw is a valid scenario whose brokers accept their conf; the same seed draws the same',
    (seed) => {
      const a = drawSpace(everything, seededChooser(seed, everything.name));
      const b = drawSpace(everything, seededChooser(seed, everything.name));
      expect(a).toEqual(b);
      expect(a.scenario.space).toEqual([]);
      const reparsed = parseScenario(JSON.parse(JSON.stringify(a.scenario)));
      expect(reparsed).toEqual(a.scenario);
      for (const group of a.scenario.topology.brokers) {
        expect(() => brokerConfFrom({ brokerName: group.brokerName, ...group.conf })).not.toThrow();
        expect(group.conf.syncFlushTimeout).toBe(777);
      }
      const kinds = 'generate' in a.scenario.faults ? Object.keys(a.scenario.faults.generate.kinds) : [];
      expect(kinds.every((k) => ['kill', 'shutdown', 'pause'].includes(k))).toBe(true);
    },
  );

  test('seeds draw different points, and a run reports what its seed drew', () => {
    const points = new Set(
      [1, 2, 3, 4, 5, 6].map((seed) =>
        JSON.stringify(drawSpace(everything, seededChooser(seed, 'x')).choices),
      ),
    );
    expect(points.size).toBeGreaterThan(4);
    const run = runScenario({ ...base, space: ['flush'] }, { seed: 2 });
    const drawn = drawSpace(
      parseScenario({ ...base, space: ['flush'] }),
      seededChooser(2, base.name),
    ).choices;
    expect(run.space).toEqual(drawn);
    expect(Object.keys(run.space)).toContain('flushIntervalCommitLog');
    expect(run.space).not.toHaveProperty('syncFlushTimeout');
  });
});

describe('enumerating a small space', () => {
  test('each point once: the product of the choices, the first being the defaults', () => {
    const small = parseScenario({ ...base, space: ['polling', 'retention'] });
    const points = [...enumerateSpace(small)].map((p) => p.choices);
    // longPollingEnable, slaveReadEnable, accessMessageInMemoryMaxRatio, fileReservedTime: 2 each.
    expect(points).toHaveLength(16);
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(16);
    expect(points[0]).toEqual({
      longPollingEnable: true,
      slaveReadEnable: false,
      accessMessageInMemoryMaxRatio: 40,
      fileReservedTime: 72,
    });
  });

  test('the full-disk part fills the first master for a while before the run ends, forcible cleaning off', () => {
    const full = parseScenario({ ...base, run: { durationMs: 30_000, drainMs: 30_000 }, space: ['full-disk'] });
    const points = [...enumerateSpace(full)];
    // 'as-is', then two fills (3 GiB free, or nothing) at 3 times for 2 lengths.
    expect(points).toHaveLength(1 + 2 * 3 * 2);
    expect(points[0]!.scenario.faults.schedule).toBeUndefined();
    const drawn = points.filter((p) => p.scenario.faults.schedule !== undefined);
    // What would end at or past run.durationMs is not drawn (35 s, and 20 s + 12 s or 20 s).
    expect(drawn.map((p) => p.scenario.faults.schedule!.map((f) => [f.fault, f.at]))).toEqual(
      [3 * 2 ** 30, 0].flatMap(() => [
        [['fill-disk', 8_000], ['free-disk', 20_000]],
        [['fill-disk', 8_000], ['free-disk', 28_000]],
      ]),
    );
    for (const { scenario } of drawn) {
      expect(scenario.disk['broker-a-master']?.capacityBytes).toBe(2 ** 36);
      expect(scenario.topology.brokers[0]!.conf.cleanFileForciblyEnable).toBe(false);
      expect(scenario.faults.schedule!.every((f) => 'node' in f && f.node === 'broker-a-master')).toBe(true);
      expect(brokerConfFrom(scenario.topology.brokers[0]!.conf as never)).toBeDefined();
    }
  });

  test('the consumers part adds one consumer to each clustering group, never to a broadcasting one', () => {
    const groups = [
      { group: 'shared', consumers: 2 },
      { group: 'everyone', consumers: 2, messageModel: 'BROADCASTING' as const },
    ];
    const two = parseScenario({
      ...base,
      topology: { ...base.topology, consumerGroups: groups },
      space: ['consumers'],
    });
    const points = [...enumerateSpace(two)];
    expect(points.map((p) => p.choices)).toEqual([{ 'consumers.extra': 0 }, { 'consumers.extra': 1 }]);
    expect(points.map((p) => p.scenario.topology.consumerGroups.map((g) => g.consumers))).toEqual([
      [2, 2],
      [3, 2],
    ]);
  });

  test('a choice that depends on an earlier one is walked as the tree it is', () => {
    const handlers = parseScenario({ ...base, space: ['handlers'] });
    // 'as-is' ends the walk; the three others each choose a slow time of 2 options.
    expect([...enumerateSpace(handlers)]).toHaveLength(1 + 3 * 2);
  });
});
