// Backlog is not loss: an acknowledged message a group has not consumed but still can is backlog,
// reported apart with each group's lag; the drain goes on until every group has caught up or its
// cap; `lost` still refutes what a group can never get (not stored any more, or behind the
// group's position). A workload that does not fit in its run is named in the verdict's warnings.
import { describe, expect, test } from 'vitest';
import { runReportHtml } from '../reports/html/index.ts';
import { runJson, runText } from '../reports/run-report.ts';
import { findScenario } from './library/index.ts';
import { runScenario } from './runner.ts';
import type { ScenarioInput } from './scenario-schema.ts';

/** A slow consumer: 200 messages at 200 ms each on one thread take 40 s, the run 15 s. */
const slow: ScenarioInput = {
  name: 'slow-consumer',
  title: 'a slow consumer',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  topology: { consumerGroups: [{ consumeThreads: 1, serviceTimeMs: 200 }] },
  workload: { messages: 200 },
  run: { durationMs: 10_000, drainMs: 5_000 },
  guarantees: ['lost'],
};

const check = (result: ReturnType<typeof runScenario>, property: string) =>
  result.checks.find((c) => c.property === property)!;

describe('a slow consumer without faults', () => {
  test('the drain goes on until the group has caught up: every message consumed, none lost', () => {
    const result = runScenario(slow);
    expect(result.ok).toBe(true);
    expect(result.stats).toMatchObject({ acked: 200, consumed: 200, lost: 0, backlog: 0 });
    expect(result.drain).toMatchObject({ caughtUp: true, lag: { myConsumerGroup: 0 } });
    // 200 messages × 200 ms from 3 s on: the group catches up after 43 s, long after drainMs.
    expect(result.drain.endedAtMs).toBeGreaterThan(43_000);
    expect(result.drain.endedAtMs).toBeLessThan(60_000);
    expect(result.warnings).toEqual([]);
  });

  test('a drain cut short by its cap leaves backlog, not loss, and says so', () => {
    const result = runScenario({ ...slow, run: { durationMs: 10_000, drainMs: 5_000, drainMaxMs: 5_000 } });
    expect(result.ok).toBe(true);
    expect(check(result, 'lost').holds).toBe(true);
    expect(result.stats.lost).toBe(0);
    expect(result.stats.backlog).toBe(200 - result.stats.consumed);
    expect(result.stats.backlog).toBeGreaterThan(100);
    expect(result.drain.caughtUp).toBe(false);
    expect(result.drain.lag.myConsumerGroup).toBeGreaterThan(100);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /drain stopped at its cap \(run\.drainMaxMs: 5000 ms\) with myConsumerGroup \d+ messages behind/,
      ),
    ]);
    const text = runText(result);
    expect(text).toMatch(/every guaranteed property held/);
    expect(text).toMatch(/0 lost, \d+ backlog/);
    expect(text).toMatch(/drain: from 10\.0 s to 15\.0 s, stopped at its cap/);
    expect(runJson(result)).toMatchObject({ drain: { caughtUp: false }, warnings: result.warnings });
    const page = runReportHtml(result, slow);
    expect(page).toMatch(/data-stat="backlog">\d+</);
    expect(page).toMatch(/data-field="drain">\s*Drain from 10 s to 15 s: stopped at its cap/);
    expect(page).toContain('data-field="warning">Warning: the drain stopped at its cap');
  });
});

describe('lost still refutes what a group can never get', () => {
  test('not stored on any running broker: the master lost its disk before replicating', () => {
    const result = runScenario(findScenario('async-master-disk-loss')!);
    const lost = check(result, 'lost');
    expect(lost.violations).toBeGreaterThan(0);
    expect(lost.examples[0]).toMatch(/never can: no running broker stores it/);
  });

  test("behind the group's position: the reused offsets of an ASYNC_FLUSH power loss", () => {
    const result = runScenario(findScenario('async-flush-power-loss')!);
    const lost = check(result, 'lost');
    expect(lost.violations).toBeGreaterThan(0);
    expect(
      lost.all.some((v) =>
        /never can: it is stored at broker-a\/\d+ offset \d+, behind the group's position \d+/.test(
          v.explanation,
        ),
      ),
    ).toBe(true);
  });

  test("behind a broadcasting consumer's own position: its offsets file lost to a power cut", () => {
    const result = runScenario(findScenario('broadcasting-power-loss')!);
    const lost = check(result, 'lost');
    expect(lost.violations).toBe(20);
    expect(lost.examples[0]).toMatch(
      /group myConsumerGroup@consumer-1 never consumed it and never can: it is stored at .* behind the group's position/,
    );
  });
});

describe('a million messages at interval 0', () => {
  test('ends at the memory budget, with an error naming the field and what was done', () => {
    const million: ScenarioInput = {
      ...slow,
      topology: {},
      workload: { messages: 1_000_000, intervalMs: 0 },
      run: { maxMemoryMb: 64 },
    };
    expect(() => runScenario(million, { keepTrace: true })).toThrow(
      /stopped at [\d.]+ s of virtual time, after \d+ events and \d+ of 1000000 messages sent: it would hold more than its memory budget of 64 MB[\s\S]*at run\.maxMemoryMb/,
    );
  });

  test('ends at the memory budget in the drain too, which runs a second at a time', () => {
    const million: ScenarioInput = {
      ...slow,
      topology: {},
      workload: { messages: 1_000_000, intervalMs: 0 },
      run: { durationMs: 5_000, drainMs: 1_000, drainMaxMs: 120_000, maxMemoryMb: 64 },
    };
    expect(() => runScenario(million, { keepTrace: true })).toThrow(
      /stopped at ([6-9]|\d\d+)\.\d s of virtual time[\s\S]*memory budget of 64 MB/,
    );
  });
});

describe('a workload that does not fit in its run', () => {
  const late: ScenarioInput = {
    ...slow,
    topology: {},
    workload: { messages: 400, intervalMs: 100 },
    run: { durationMs: 20_000, drainMs: 10_000 },
  };

  test('sent after the final heal, when the faults were over: warned', () => {
    const result = runScenario(late);
    expect(result.stats.sent).toBe(400);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^the workload did not fit in run\.durationMs: \d+ of 400 messages were sent after the final heal at 20\.0 s/,
      ),
    ]);
  });

  test('not all sent before the run ended: warned with how many', () => {
    const result = runScenario({ ...late, run: { durationMs: 20_000, drainMs: 10_000, drainMaxMs: 10_000 } });
    expect(result.stats.sent).toBeLessThan(400);
    expect(result.warnings[0]).toBe(
      `the workload did not fit in the run: ${result.stats.sent} of 400 messages were sent before it ended at 30.0 s (each producer sends one message after another, 100 ms apart); raise run.durationMs or lower workload.messages`,
    );
    expect(runText(result)).toContain(`WARNING: ${result.warnings[0]}`);
  });
});
