// The vitest helper from the inside: a naive handler (it credits a payment on every delivery) fails
// at the first seed whose consumer crash redelivers, with the violation in words, a replay line
// naming this test and that seed, and the seed's report; an idempotent one passes every seed;
// RMQSIM_SEED runs one seed only. (examples/handler-test runs it from an installed package.)
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { AppHandler } from './index.ts';
import { checkHandler, HandlerCheckError } from './vitest.ts';

const naive: AppHandler = (msg, app) => (app.effect(msg), 'CONSUME_SUCCESS');
const idempotent: AppHandler = (msg, app) => {
  if (app.db.has(msg.getKeys()!)) return 'CONSUME_SUCCESS';
  app.db.add(msg.getKeys()!);
  app.effect(msg);
  return 'CONSUME_SUCCESS';
};

afterEach(() => {
  delete process.env.RMQSIM_SEED;
});

describe('checkHandler (a suite)', () => {
  test('fails a naive handler: the violation, the replay line, the report', () => {
    let error: unknown;
    try {
      checkHandler('consumer-crash-redelivery', naive, { seeds: 5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HandlerCheckError);
    const message = (error as Error).message;
    const seed = Number(
      /^consumer-crash-redelivery seed (\d+): the handler broke a guaranteed property$/m.exec(message)?.[1],
    );
    expect(seed).toBeGreaterThanOrEqual(1);
    expect(message).toMatch(
      / {2}effects-once, \d+ violations?:\n {4}group \S+ applied the effect of m\d+ more than once/,
    );
    expect(message).toContain(
      `replay: cd '${process.cwd()}' && RMQSIM_SEED=${seed} npx vitest run 'lib/vitest.test.ts' -t ` +
        `'^checkHandler \\(a suite\\)(?: > | )fails a naive handler: the violation, the replay line, the report$'`,
    );
    const report = /^report: (.+)$/m.exec(message)![1]!;
    expect(existsSync(report)).toBe(true);
    // The seed alone, as the replay line runs it, fails the same way.
    process.env.RMQSIM_SEED = String(seed);
    expect(() => checkHandler('consumer-crash-redelivery', naive, { seeds: 5 })).toThrow(
      `consumer-crash-redelivery seed ${seed}: the handler broke`,
    );
  });

  test('passes an idempotent handler at every seed', () => {
    const runs = checkHandler('consumer-crash-redelivery', idempotent, { seeds: 3 });
    expect(runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(runs.some((r) => r.stats.duplicated > 0)).toBe(true); // redeliveries happened, and were harmless
  });

  test('RMQSIM_SEED runs that seed only; a bad one is refused', () => {
    process.env.RMQSIM_SEED = '7';
    expect(checkHandler('quick-start', idempotent, { seeds: 3 }).map((r) => r.seed)).toEqual([7]);
    process.env.RMQSIM_SEED = 'x';
    expect(() => checkHandler('quick-start', idempotent)).toThrow('RMQSIM_SEED must be a seed');
  });
});
