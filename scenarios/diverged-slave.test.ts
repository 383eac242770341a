// A RocketMQ 4.9 behaviour found while aiming the matrix at the HA report checks (README, "What the
// harness has found"): a SYNC_FLUSH SYNC_MASTER whose power fails while a group commit is still
// being forced has already streamed those bytes to its slave, so after recovery the slave is ahead.
// The slave's first report (its max offset) is where the master resumes streaming; once the master
// has written past it again, it sends its own new bytes from there, mid-record, and the slave
// appends them after the tail the master lost. From that offset the slave's CommitLog no longer
// parses, and a slave's reput waits there for good (4.9's doReput advances past an unreadable
// record only on a master), while its reports go on acknowledging: every later SEND_OK is on the
// slave as bytes no ConsumeQueue reaches, and a master disk loss loses them.
// When every record has one size, the master's new bytes start on a record boundary of the slave's
// log, so it parses on: the slave dispatches the master's new records after the lost tail it kept,
// and the records the master wrote in between (which the slave never gets) leave each of its
// ConsumeQueues short of them, so later entries land where 4.9 logs "[BUG]logic queue order maybe
// wrong", a record off (cq-consistent fails on the slave; found by chaos seed 10 of the bench).
import { describe, expect, test } from 'vitest';
import { chaosScenario } from '../bench/chaos-scenario.ts';
import { runScenario } from './runner.ts';
import type { ScenarioInput } from './scenario-schema.ts';

const pauseConsumers = (at: number, fault: 'pause' | 'resume') =>
  (['consumer-1', 'consumer-2'] as const).map((node) => ({ at, fault, node }));

const scenario = (powerLoss: boolean): ScenarioInput => ({
  name: 'diverged-slave',
  title: 'a SYNC_MASTER power loss with its slave ahead, then its disk lost',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  topology: {
    brokers: [{ flushDiskType: 'SYNC_FLUSH', brokerRole: 'SYNC_MASTER', slaves: 1 }],
    producers: [{ sendMode: 'sync' }, { sendMode: 'async' }, { sendMode: 'sync' }],
    consumerGroups: [{ consumers: 2 }],
  },
  // fsyncs of 100-300 ms: a group commit is being forced when the power fails.
  disk: { master: { flushLatencyMs: 100, flushLatencyMaxMs: 300 } },
  workload: { messages: 600, intervalMs: 72, startAtMs: 12_000 },
  faults: {
    schedule: [
      ...pauseConsumers(11_000, 'pause'),
      ...(powerLoss
        ? [
            { at: 15_000, fault: 'power-off' as const, node: 'broker-a-master' },
            { at: 16_000, fault: 'restart' as const, node: 'broker-a-master' },
          ]
        : []),
      { at: 24_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
      { at: 26_000, fault: 'disk-loss', node: 'broker-a-master' },
      ...pauseConsumers(29_000, 'resume'),
    ],
  },
  run: { durationMs: 60_000, drainMs: 120_000, keepDown: ['broker-a-master'] },
  acknowledged: 'SEND_OK',
  guarantees: ['lost', 'flushed-at-answer', 'replicated-at-answer'],
  seed: 2,
});

const verdicts = (run: ReturnType<typeof runScenario>) =>
  Object.fromEntries(run.checks.map((c) => [c.property, c.holds]));

describe('a SYNC_MASTER that lost power with its slave ahead', () => {
  test('streams past the slave tail it lost: later SEND_OKs are acknowledged, then lost with the disk', () => {
    const run = runScenario(scenario(true));
    expect(verdicts(run)).toMatchObject({
      lost: false,
      'flushed-at-answer': true,
      'replicated-at-answer': true,
    });
    expect(run.probes['store.reput-unreadable']).toBeGreaterThan(0);
    const lost = run.checks.find((c) => c.property === 'lost')!;
    expect(lost.violations).toBeGreaterThan(20);
    expect(lost.examples[0]).toMatch(
      /acknowledged \(SEND_OK\) at .* no running broker stores it; before it was acknowledged broker-a-master lost power/,
    );
  });

  test('without the power loss the same disk loss loses nothing acknowledged', () => {
    const run = runScenario(scenario(false));
    expect(verdicts(run)).toMatchObject({ lost: true, 'replicated-at-answer': true });
    expect(run.probes['store.reput-unreadable']).toBeUndefined();
  });
});

describe('an ASYNC_FLUSH master that lost power with its slave ahead by whole records', () => {
  test("the slave's log parses on and its ConsumeQueues point a record off", () => {
    const run = runScenario(chaosScenario, { seed: 10, keepTrace: true });
    const at = (event: string, node: string) => run.trace.filter((r) => r.event === event && r.node === node);
    const [powerOff] = at('node.power-off', '10.0.1.1:10911');
    const lost = (powerOff!.fields!.lost as { files: { path: string; sizeAfter: number }[] }).files[0]!;
    expect(lost.path).toMatch(/commitlog/);
    // The master streams from the slave's report, past the end its recovery kept.
    const resumed = at('ha.transfer-from', '10.0.1.1:10911').filter((r) => r.t > powerOff!.t);
    expect(resumed[0]!.fields!.offset).toBeGreaterThan(lost.sizeAfter);
    expect(at('store.cq-order-bug', '10.0.1.2:10911').length).toBeGreaterThan(0);
    const cq = run.checks.find((c) => c.property === 'cq-consistent')!;
    expect(cq.holds).toBe(false);
    expect(cq.examples[0]).toMatch(
      /^broker-a-slave1: ConsumeQueue myTopic\/\d offset (\d+) points to a record of myTopic\/\d offset (?!\1)/,
    );
    // The master's own queues are consistent: only the slave diverged.
    expect(cq.all.every((v) => v.key.startsWith('broker-a-slave1 '))).toBe(true);
  });
});
