// A scenario's `disk` section reaches the machines' disks: a flush that takes time puts a moment
// between a SYNC_FLUSH put and its answer (and past syncFlushTimeout, FLUSH_DISK_TIMEOUT), torn
// pages on power loss leave a record cut in half for recovery to find, a node's name overrides its
// role, and a key that is neither is refused.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../core/config-error.ts';
import { isSend } from '../properties/history.ts';
import { runScenario } from './runner.ts';
import { parseScenario, type ScenarioInput } from './scenario-schema.ts';
import { diskOf, layout } from './topology.ts';

const base: ScenarioInput = {
  name: 'disk-test',
  title: 'disk test',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  topology: { brokers: [{ flushDiskType: 'SYNC_FLUSH' }] },
  workload: { messages: 10, intervalMs: 50 },
  run: { durationMs: 10_000, drainMs: 20_000 },
};

/** Each acknowledged send's status and how long it took. */
function sends(input: ScenarioInput, seed = 1) {
  const { history } = runScenario(input, { seed });
  const invoked = new Map<string, number>();
  const out: { status: string; tookMs: number }[] = [];
  for (const op of history.filter(isSend)) {
    if (op.type === 'invoke') invoked.set(op.value.key, op.time);
    else if (op.type === 'ok') {
      out.push({ status: op.value.sendStatus!, tookMs: op.time - invoked.get(op.value.key)! });
    }
  }
  return out;
}

describe("a scenario's disk section", () => {
  test('a SYNC_FLUSH answer waits for its flush: the flush latency shows in every send', () => {
    const fast = sends(base);
    const slow = sends({ ...base, disk: { master: { flushLatencyMs: 40 } } });
    expect(fast).toHaveLength(10);
    expect(slow).toHaveLength(10);
    expect(Math.min(...slow.map((s) => s.tookMs))).toBeGreaterThanOrEqual(40);
    expect(Math.max(...fast.map((s) => s.tookMs))).toBeLessThan(40);
  });

  test('a flush slower than syncFlushTimeout answers FLUSH_DISK_TIMEOUT', () => {
    const brokers = [{ flushDiskType: 'SYNC_FLUSH' as const, conf: { syncFlushTimeout: 20 } }];
    const answered = sends({ ...base, topology: { brokers }, disk: { master: { flushLatencyMs: 60 } } });
    expect(answered.map((s) => s.status)).toEqual(Array(10).fill('FLUSH_DISK_TIMEOUT'));
    const run = runScenario({ ...base, topology: { brokers }, disk: { master: { flushLatencyMs: 60 } } });
    expect(run.probes['store.group-commit-flush-timeout']).toBeGreaterThan(0);
  });

  test('torn pages on power loss leave a partial record that recovery cuts', () => {
    const torn: ScenarioInput = {
      ...base,
      topology: { brokers: [{}] },
      workload: { messages: 200, intervalMs: 5 },
      disk: { master: { tornWriteProbability: 1, sectorSize: 64 } },
      faults: {
        generate: { faults: 1, kinds: { 'power-off': 1 }, targets: ['master'], fromMs: 3_100, toMs: 4_000 },
      },
    };
    const cut = [1, 2, 3, 4].map(
      (seed) => runScenario(torn, { seed }).probes['store.recover-cut-invalid-record'],
    );
    expect(cut.some((n) => n !== undefined && n > 0)).toBe(true);
    const whole = { ...torn, disk: {} };
    expect(runScenario(whole, { seed: 1 }).probes['store.recover-cut-invalid-record']).toBeUndefined();
  });

  test("a node takes its role's settings, then its name's", () => {
    const scenario = parseScenario({
      ...base,
      disk: {
        master: { flushLatencyMs: 5, tornWriteProbability: 1 },
        'broker-a-master': { flushLatencyMs: 9 },
      },
    });
    const nodes = layout(scenario);
    const master = nodes.find((n) => n.role === 'master')!;
    expect(diskOf(scenario, master)).toEqual({ flushLatencyMs: 9, tornWriteProbability: 1 });
    expect(
      diskOf(
        scenario,
        nodes.find((n) => n.role === 'consumer')!,
      ),
    ).toEqual({});
  });

  test('a key that is neither a role nor a node, or settings that do not fit, are refused', () => {
    expect(() => runScenario({ ...base, disk: { 'broker-z': { flushLatencyMs: 1 } } })).toThrow(
      /unknown node "broker-z"/,
    );
    const bad = { ...base, disk: { master: { flushLatencyMs: 9, flushLatencyMaxMs: 1 } } };
    expect(() => runScenario(bad)).toThrow(ConfigError);
  });
});
