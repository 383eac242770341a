// The handler contract (README, "Your own consumer handler"): a handler answers with RocketMQ's
// statuses for its group's consume mode, or throws, and each answer is treated as RocketMQ treats
// it: RECONSUME_LATER and a throw in a concurrent group send the message back to %RETRY% (again
// about 10 s later, delay level 3), SUSPEND_CURRENT_QUEUE_A_MOMENT and a throw in an orderly
// group consume it again on its own queue about 1 s later. Any other answer ends the run with a
// HandlerError that names the group and the statuses it may return. The README's example runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ConsumeOp } from '../properties/history.ts';
import { runScenario } from './runner.ts';
import type { ScenarioInput } from './scenario-schema.ts';
import { HandlerError, type AppHandler } from './workload.ts';

const scenario = (consumeMode: 'concurrently' | 'orderly'): ScenarioInput => ({
  name: 'handler-contract',
  title: 'handler contract',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  topology: { consumerGroups: [{ consumeMode }] },
  workload: { messages: 4 },
  run: { durationMs: 10_000, drainMs: 40_000 },
});

const deliveries = (handler: AppHandler, consumeMode: 'concurrently' | 'orderly') =>
  runScenario(scenario(consumeMode), { handler }).history.filter((op): op is ConsumeOp => op.f === 'consume');

/** When each message was delivered, in ms, by key. */
function times(ops: ConsumeOp[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const op of ops) byKey.set(op.value.key, [...(byKey.get(op.value.key) ?? []), op.time]);
  return byKey;
}

describe('a concurrent group', () => {
  const firstLater =
    (status: 'RECONSUME_LATER' | 'throw'): AppHandler =>
    (msg) => {
      if (msg.reconsumeTimes > 0) return 'CONSUME_SUCCESS';
      if (status === 'throw') throw new Error('the database is down');
      return status;
    };

  test.each(['RECONSUME_LATER', 'throw'] as const)(
    '%s: the message comes back through the retry topic, no sooner than delay level 3 (10 s)',
    (answer) => {
      const ops = deliveries(firstLater(answer), 'concurrently');
      expect(ops).toHaveLength(8);
      for (const [key, [first, again, ...more]] of times(ops)) {
        expect(more, key).toEqual([]);
        // 10 s on the delay level; the first retries wait longer, for the consumer's next route
        // poll (30 s) to find the retry topic that its first heartbeat created.
        expect(again! - first!, key).toBeGreaterThanOrEqual(10_000);
        expect(again! - first!, key).toBeLessThan(30_000);
      }
      expect(ops.filter((op) => op.value.reconsumeTimes === 1)).toHaveLength(4);
    },
  );

  test('CONSUME_SUCCESS: each message once', () => {
    expect(deliveries(() => 'CONSUME_SUCCESS', 'concurrently')).toHaveLength(4);
  });
});

describe('an orderly group', () => {
  const firstSuspend =
    (status: 'SUSPEND_CURRENT_QUEUE_A_MOMENT' | 'throw'): AppHandler =>
    (msg) => {
      if (msg.reconsumeTimes > 0) return 'SUCCESS';
      if (status === 'throw') throw new Error('the database is down');
      return status;
    };

  test.each(['SUSPEND_CURRENT_QUEUE_A_MOMENT', 'throw'] as const)(
    '%s: the message is consumed again on its own queue a second later',
    (answer) => {
      const ops = deliveries(firstSuspend(answer), 'orderly');
      expect(ops).toHaveLength(8);
      for (const [key, [first, again]] of times(ops)) {
        expect(again! - first!, key).toBeGreaterThanOrEqual(1_000);
        expect(again! - first!, key).toBeLessThan(2_000);
      }
      const queues = new Set(ops.map((op) => `${op.value.key} ${op.value.queueId}/${op.value.queueOffset}`));
      expect(queues.size).toBe(4);
    },
  );
});

describe('an answer outside the contract ends the run, naming it', () => {
  test.each([
    [
      'concurrently',
      'SUCCESS',
      /returned 'SUCCESS' for message m\d+ of group myConsumerGroup \(consumeMode concurrently\): return 'CONSUME_SUCCESS' or 'RECONSUME_LATER'/,
    ],
    [
      'orderly',
      'CONSUME_SUCCESS',
      /returned 'CONSUME_SUCCESS'[\s\S]*return 'SUCCESS' or 'SUSPEND_CURRENT_QUEUE_A_MOMENT'/,
    ],
    ['concurrently', true, /returned true /],
    ['concurrently', undefined, /returned undefined /],
  ] as const)('%s group, handler answers %s', (mode, answer, message) => {
    const handler = (() => answer) as unknown as AppHandler;
    expect(() => runScenario(scenario(mode), { handler })).toThrow(HandlerError);
    expect(() => runScenario(scenario(mode), { handler })).toThrow(message);
  });
});

describe('what the handler gets', () => {
  test('its group and consume mode, and a database that outlives a consumer crash', () => {
    const seen: string[] = [];
    const crash: ScenarioInput = {
      ...scenario('concurrently'),
      workload: { messages: 40 },
      faults: {
        schedule: [
          { at: 3_400, fault: 'kill', node: 'consumer-1' },
          { at: 6_000, fault: 'restart', node: 'consumer-1' },
        ],
      },
    };
    const result = runScenario(crash, {
      handler: (msg, app) => {
        seen.push(`${app.group} ${app.consumeMode}`);
        if (!app.db.has(msg.getKeys()!)) {
          app.db.add(msg.getKeys()!);
          app.effect(msg);
        }
        return 'CONSUME_SUCCESS';
      },
    });
    expect(new Set(seen)).toEqual(new Set(['myConsumerGroup concurrently']));
    const effects = result.checks.find((c) => c.property === 'effects-once')!;
    expect(effects.holds).toBe(true);
    expect(result.history.filter((op) => op.f === 'effect')).toHaveLength(40);
  });
});

describe("the README's handler example", () => {
  test('runs as written and prints its verdict', () => {
    const root = resolve(import.meta.dirname, '..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- handler-example -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README has a ts block after <!-- handler-example -->').toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'rmqsim-handler-')), 'example.ts');
    writeFileSync(file, block!.replaceAll("from './", `from '${root}/`));
    const output = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
    expect(output).toMatch(/^payments: 0 lost, \d+ duplicated deliveries, \d+ charges for 60 orders$/m);
  });
});
