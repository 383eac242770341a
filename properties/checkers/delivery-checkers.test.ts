import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { checkBacktrack } from './backtrack.ts';
import { checkDlq } from './dlq.ts';
import { checkEffectsOnce } from './effects-once.ts';
import { historyOf, type Builder } from './history-builder.ts';
import { checkLiveness } from './liveness.ts';
import { checkRetried } from './retried.ts';
import { checkRetrySchedule, DEFAULT_DELAY_LEVELS_MS, retryLevel } from './retry-schedule.ts';

const S = 1000;
const MIN = 60 * S;

/** Deliveries of one key at the given times, reconsumeTimes 0, 1, 2, ... */
function deliveredAt(h: Builder, key: string, times: readonly number[], group = 'G') {
  times.forEach((t, r) => {
    h.at(t);
    h.consume(key, { group, reconsumeTimes: r });
  });
}

/** The times RocketMQ's schedule gives, from `start`, plus `extra[r]` ms on the r-th wait. */
function scheduleTimes(start: number, retries: number, extra: (r: number) => number = () => 0): number[] {
  const times = [start];
  for (let r = 1; r <= retries; r++) times.push(times[r - 1]! + DEFAULT_DELAY_LEVELS_MS[r + 1]! + extra(r));
  return times;
}

const retrySchedule = (build: (h: Builder) => void, slackMs = 5 * S) =>
  checkRetrySchedule(historyOf(build), { groups: ['G'], slackMs });

describe('retry-schedule', () => {
  test('the default levels are RocketMQ messageDelayLevel, and retry r waits level 2 + r', () => {
    expect(DEFAULT_DELAY_LEVELS_MS).toHaveLength(18);
    expect(DEFAULT_DELAY_LEVELS_MS[0]).toBe(1 * S);
    expect(DEFAULT_DELAY_LEVELS_MS[17]).toBe(2 * 60 * MIN);
    expect([1, 2, 16, 17].map((r) => retryLevel(r))).toEqual([3, 4, 18, 18]);
  });

  test('redeliveries 10 s, 30 s, 1 min apart (within the slack) pass', () => {
    expect(retrySchedule((h) => deliveredAt(h, 'm1', [0, 10 * S, 40 * S + 4 * S, 104 * S + 5 * S]))).toEqual(
      [],
    );
  });

  test('a redelivery before its delay is too early, after delay + slack too late', () => {
    const early = retrySchedule((h) => deliveredAt(h, 'm1', [0, 10 * S, 39 * S]));
    expect(early).toHaveLength(1);
    expect(early[0]!.explanation).toMatch(
      /group G got m1 with reconsumeTimes 2 at 39\.0 s, 29\.0 s after the delivery with reconsumeTimes 1 at 10\.0 s: too early, delay level 4 waits 30\.0 s/,
    );
    const late = retrySchedule((h) => deliveredAt(h, 'm1', [0, 16 * S]));
    expect(late.map((v) => v.explanation)).toEqual([
      'group G got m1 with reconsumeTimes 1 at 16.0 s, 16.0 s after the delivery with reconsumeTimes 0 at 0 ms: too late, delay level 3 is 10.0 s (allowing 5000 ms slack)',
    ]);
  });

  test('after a consumer crash redelivered reconsumeTimes 0, the retry counts from the first delivery', () => {
    // m1 failed at 0 and was sent back; the consumer crashed before committing and got m1 again at
    // 0.3 s; the retry copy of the first send-back arrives 10 s after the first delivery.
    const crash = (retryAt: number) =>
      retrySchedule((h) => {
        h.at(0);
        h.consume('m1');
        h.at(300);
        h.consume('m1');
        h.at(retryAt);
        h.consume('m1', { reconsumeTimes: 1 });
      });
    expect(crash(10 * S + 5)).toEqual([]);
    expect(crash(10 * S - 5)).toHaveLength(1);
  });

  test('a failed send-back retried locally: the same record again 5 s later, with reconsumeTimes one higher', () => {
    // m1 came from %RETRY%G at offset 7 with reconsumeTimes 1; its send-back failed (the disk was
    // full), so the consumer retried it itself; the next send-back stored a new record.
    const retried = (localAt: number, sameRecord = true) =>
      retrySchedule((h) => {
        const record = { topic: '%RETRY%G', queueOffset: 7 };
        h.at(0);
        h.consume('m1');
        h.at(10 * S);
        h.consume('m1', { reconsumeTimes: 1, ...record });
        h.at(localAt);
        h.consume('m1', { reconsumeTimes: 2, ...(sameRecord ? record : { queueOffset: 8 }) });
        h.at(localAt + 40 * S);
        h.consume('m1', { reconsumeTimes: 2, topic: '%RETRY%G', queueOffset: 9 });
        h.at(localAt + 40 * S + 1 * MIN);
        h.consume('m1', { reconsumeTimes: 3, topic: '%RETRY%G', queueOffset: 10 });
      });
    expect(retried(15 * S)).toEqual([]);
    expect(retried(15 * S - 1).map((v) => v.explanation)).toEqual([
      expect.stringMatching(/reconsumeTimes 2 at 15\.0 s, .*too early, a local retry waits 5000 ms/),
    ]);
    // A new record 5 s later is no local retry: delay level 4 waits 30 s.
    expect(retried(15 * S, false).map((v) => v.explanation)).toEqual([
      expect.stringMatching(/too early, delay level 4 waits 30\.0 s/),
    ]);
    expect(retried(15 * S + 5 * S + 1).map((v) => v.explanation)).toEqual([
      expect.stringMatching(/too late, a local retry is 5000 ms \(allowing 5000 ms slack\)/),
    ]);
  });

  test('a redelivery with no delivery one level below it skipped a level', () => {
    const skipped = retrySchedule((h) => {
      h.at(0);
      h.consume('m1');
      h.at(40 * S);
      h.consume('m1', { reconsumeTimes: 2 });
    });
    expect(skipped.map((v) => [v.key, v.explanation])).toEqual([
      [
        'm1',
        'group G got m1 with reconsumeTimes 2 at 40.0 s, but never with reconsumeTimes 1 before: a retry level was skipped',
      ],
    ]);
  });

  test('only listed groups are checked, keyed by group and message', () => {
    const violations = retrySchedule((h) => {
      deliveredAt(h, 'm1', [0, 1 * S], 'Orderly'); // retried locally, 1 s later: not checked
      deliveredAt(h, 'm1', [0, 10 * S], 'G');
      deliveredAt(h, 'm2', [0, 10 * S], 'G');
    });
    expect(violations).toEqual([]);
  });

  test('a duplicate of a redelivery is not judged late; its first copy is', () => {
    const history = (firstCopyAt: number) => (h: Builder) => {
      deliveredAt(h, 'm1', [0, firstCopyAt]);
      h.at(firstCopyAt + 5 * MIN);
      h.consume('m1', { reconsumeTimes: 1, consumer: 'c2' });
    };
    expect(retrySchedule(history(10 * S))).toEqual([]);
    expect(retrySchedule(history(20 * S))).toHaveLength(1);
  });

  test('custom delay levels are used', () => {
    const levels = [10, 20, 30, 40];
    const check = (times: number[]) =>
      checkRetrySchedule(
        historyOf((h) => deliveredAt(h, 'm1', times)),
        { groups: ['G'], delayLevelsMs: levels, slackMs: 0 },
      );
    expect(check([0, 30, 70, 110])).toEqual([]); // levels 3, 4, then capped at 4
    expect(check([0, 30, 69])).toHaveLength(1);
  });

  const retries = fc.integer({ min: 1, max: 16 });
  ptest.prop([retries, fc.integer({ min: 1, max: 30 * S }), fc.nat()])(
    'the exact schedule passes; one redelivery 1 ms early gives exactly one violation',
    (n, slackMs, pick) => {
      const times = scheduleTimes(7 * S, n);
      expect(retrySchedule((h) => deliveredAt(h, 'm1', times), slackMs)).toEqual([]);
      const r = 1 + (pick % n);
      const shifted = times.map((t, i) => (i === r ? t - 1 : t));
      const violations = retrySchedule((h) => deliveredAt(h, 'm1', shifted), slackMs);
      expect(violations.map((v) => v.explanation)).toEqual([
        expect.stringMatching(new RegExp(`reconsumeTimes ${r} .*too early`)),
      ]);
    },
  );

  ptest.prop([retries, fc.integer({ min: 0, max: 30 * S }), fc.nat(), fc.array(fc.nat())])(
    'waits within the slack pass; one wait of delay + slack + 1 ms gives exactly one violation',
    (n, slackMs, pick, extras) => {
      const extra = (r: number) => (extras[r] ?? 0) % (slackMs + 1);
      expect(retrySchedule((h) => deliveredAt(h, 'm1', scheduleTimes(0, n, extra)), slackMs)).toEqual([]);
      const r = 1 + (pick % n);
      const late = scheduleTimes(0, n, (i) => (i === r ? slackMs + 1 : extra(i)));
      const violations = retrySchedule((h) => deliveredAt(h, 'm1', late), slackMs);
      expect(violations.map((v) => v.explanation)).toEqual([
        expect.stringMatching(new RegExp(`reconsumeTimes ${r} .*too late`)),
      ]);
    },
  );
});

describe('dlq', () => {
  const options = (alwaysFailing: string[], dlqKeys: string[], maxReconsumeTimes = 3) => ({
    group: 'G',
    maxReconsumeTimes,
    alwaysFailing: new Set(alwaysFailing),
    dlqKeys: new Set(dlqKeys),
  });
  const deliveries = (h: Builder, key: string, counts: number[]) => {
    for (const r of counts) h.consume(key, { reconsumeTimes: r });
  };

  test('an always-failing message retried 0..max then dead-lettered, and the rest consumed, pass', () => {
    const history = historyOf((h) => {
      h.send('m1');
      h.send('m2');
      deliveries(h, 'm1', [0, 1, 1, 2, 3]); // a duplicate of one count is tolerated
      deliveries(h, 'm2', [0]);
    });
    expect(checkDlq(history, options(['m1'], ['m1']))).toEqual([]);
  });

  test('missing retries and a missing DLQ copy are one violation naming both', () => {
    const history = historyOf((h) => {
      h.send('m3');
      deliveries(h, 'm3', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });
    expect(checkDlq(history, options(['m3'], [], 16))).toEqual([
      {
        property: 'dlq',
        key: 'm3',
        explanation:
          'm3 always failed in group G: delivered with reconsumeTimes 0..12 only (13 of 17 deliveries), and it is not in %DLQ%G',
      },
    ]);
  });

  test('a gap in the retries is shown as ranges', () => {
    const history = historyOf((h) => deliveries(h, 'm3', [0, 1, 3]));
    const [violation] = checkDlq(history, options(['m3'], ['m3']));
    expect(violation?.explanation).toMatch(/reconsumeTimes 0\.\.1, 3 only \(3 of 4 deliveries\)$/);
  });

  test('a delivery past maxReconsumeTimes is a violation', () => {
    const history = historyOf((h) => deliveries(h, 'm1', [0, 1, 2, 3, 4]));
    const [violation] = checkDlq(history, options(['m1'], ['m1']));
    expect(violation?.explanation).toMatch(
      /m1 always failed.*reconsumeTimes 4 at 4 ms, past maxReconsumeTimes 3$/,
    );
  });

  test('a message in the DLQ whose handler does not always fail is a violation', () => {
    const history = historyOf((h) => {
      h.send('m2');
      deliveries(h, 'm2', [0]);
    });
    expect(checkDlq(history, options([], ['m2'])).map((v) => v.explanation)).toEqual([
      'm2 is in %DLQ%G, but its handler in group G does not always fail (it was delivered 1 time(s), last with reconsumeTimes 0 at 2 ms): it should have been consumed, not dead-lettered',
    ]);
  });

  test('an always-failing message is judged if acknowledged, skipped if never shown stored', () => {
    const history = historyOf((h) => {
      h.send('m1');
      h.send('m2', 'info');
    });
    expect(checkDlq(history, options(['m1', 'm2'], [])).map((v) => v.explanation)).toEqual([
      'm1 always failed in group G: it was never delivered, and it is not in %DLQ%G',
    ]);
  });

  ptest.prop([fc.integer({ min: 0, max: 16 }), fc.array(fc.nat()), fc.nat()])(
    'every count 0..max (any duplicates) passes; dropping every delivery of one count gives one violation',
    (max, dupes, pick) => {
      const counts = Array.from({ length: max + 1 }, (_, r) => r);
      const withDupes = [...counts, ...dupes.map((d) => d % (max + 1))].sort((a, b) => a - b);
      const run = (rs: number[]) =>
        checkDlq(
          historyOf((h) => {
            h.send('m1');
            deliveries(h, 'm1', rs);
          }),
          options(['m1'], ['m1'], max),
        );
      expect(run(withDupes)).toEqual([]);
      const dropped = pick % (max + 1);
      const violations = run(withDupes.filter((r) => r !== dropped));
      expect(violations.map((v) => v.key)).toEqual(['m1']);
      const missing = max === 0 ? 'it was never delivered' : `(${max} of ${max + 1} deliveries)`;
      expect(violations[0]!.explanation).toContain(missing);
    },
  );
});

describe('backtrack', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const storedAt = (n: number) => T0 + n * S;
  const consume = (h: Builder, n: number, value = {}) =>
    h.consume(`m${n}`, { storeTimestamp: storedAt(n), ...value });
  const reset = (h: Builder, n: number, group = 'G', topic = 'T') =>
    h.reset({ group, topic, timestamp: storedAt(n) });

  test('messages stored at or after the reset time come again; earlier ones need not', () => {
    const history = historyOf((h) => {
      for (const n of [0, 1, 2, 3]) consume(h, n);
      reset(h, 2);
      for (const n of [2, 3]) consume(h, n);
    });
    expect(checkBacktrack(history)).toEqual([]);
  });

  test('a message stored after the reset time and not delivered again is a violation', () => {
    const history = historyOf((h) => {
      h.at(31_200);
      for (const n of [0, 1, 2, 3]) consume(h, n);
      h.at(40_000);
      reset(h, 2);
      consume(h, 2);
    });
    expect(checkBacktrack(history)).toEqual([
      {
        property: 'backtrack',
        key: 'm3',
        explanation:
          'after the reset of group G on topic T to 2026-01-01T00:00:02.000Z (at 40.0 s), m3 (stored at 2026-01-01T00:00:03.000Z, not before the reset time) was never delivered again; its last delivery was at 31.2 s',
      },
    ]);
  });

  test('other groups, other topics, retry copies and first deliveries after the reset are not required', () => {
    const history = historyOf((h) => {
      consume(h, 1, { group: 'Other' });
      consume(h, 2, { topic: 'U' });
      consume(h, 3, { reconsumeTimes: 1 }); // a retry copy, stored in %RETRY%G
      reset(h, 0);
      consume(h, 4);
    });
    expect(checkBacktrack(history)).toEqual([]);
  });

  ptest.prop([fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat()])(
    'redelivering everything stored since the reset time passes; leaving one out names it',
    (count, resetPick, dropPick) => {
      const from = resetPick % count;
      const run = (skip?: number) =>
        checkBacktrack(
          historyOf((h) => {
            for (let n = 0; n < count; n++) consume(h, n);
            reset(h, from);
            for (let n = from; n < count; n++) if (n !== skip) consume(h, n);
          }),
        );
      expect(run()).toEqual([]);
      const skip = from + (dropPick % (count - from));
      expect(run(skip).map((v) => v.key)).toEqual([`m${skip}`]);
    },
  );
});

describe('liveness', () => {
  const subscriptions = new Map([['T', ['G']]]);
  const options = { withinMs: 60 * S, endMs: 10 * MIN };
  const run = (consumedAt: number | undefined, options_ = options) =>
    checkLiveness(
      historyOf((h) => {
        h.at(12 * S);
        h.send('m4');
        h.at(30 * S);
        h.fault('partition', { nodes: ['broker-a'] });
        h.at(90 * S);
        h.fault('heal', {});
        if (consumedAt === undefined) return;
        h.at(consumedAt);
        h.consume('m4');
      }),
      subscriptions,
      options_,
    );

  test('a message consumed within the bound after the last fault healed passes', () => {
    expect(run(150 * S)).toEqual([]);
  });

  test('a message consumed too late, or never, is a violation', () => {
    expect(run(190 * S).map((v) => v.explanation)).toEqual([
      'm4, acknowledged at 12.0 s, was first consumed by group G at 190.0 s, more than 60.0 s after the last fault healed at 90.0 s',
    ]);
    expect(run(undefined).map((v) => v.explanation)).toEqual([
      'm4, acknowledged at 12.0 s, was never consumed by group G, though it was due by 150.0 s (60.0 s after the last fault healed at 90.0 s) and the run went on to 600.0 s',
    ]);
  });

  test('a message whose deadline is past the end of the run is not judged', () => {
    expect(run(undefined, { withinMs: 60 * S, endMs: 149 * S })).toEqual([]);
  });

  test('without faults the bound runs from the acknowledgement; unacknowledged sends are not judged', () => {
    const history = historyOf((h) => {
      h.at(5 * S);
      h.send('m1');
      h.send('m2', 'info');
      h.send('m3', 'fail');
      h.at(70 * S);
      h.consume('m1');
    });
    expect(checkLiveness(history, subscriptions, options).map((v) => v.explanation)).toEqual([
      'm1, acknowledged at 5000 ms, was first consumed by group G at 70.0 s, more than 60.0 s after it was acknowledged',
    ]);
  });

  ptest.prop([
    fc.array(fc.tuple(fc.nat(5 * MIN), fc.nat(60 * S)), { minLength: 1, maxLength: 20 }),
    fc.nat(),
  ])(
    'every message consumed within the bound passes; one consumed 1 ms too late is named',
    (messages, pick) => {
      const late = pick % messages.length;
      const check = (slow?: number) =>
        checkLiveness(
          historyOf((h) => {
            messages.forEach(([ackAt], i) => {
              h.at(ackAt);
              h.send(`m${i}`);
            });
            const deliveries = messages.map(([ackAt, wait], i) => ({
              i,
              at: ackAt + (i === slow ? 60 * S + 1 : wait),
            }));
            for (const { i, at } of deliveries.sort((a, b) => a.at - b.at)) {
              h.at(at);
              h.consume(`m${i}`);
            }
          }),
          subscriptions,
          options,
        );
      expect(check()).toEqual([]);
      expect(check(late).map((v) => v.key)).toEqual([`m${late}`]);
    },
  );
});

describe('effects-once', () => {
  test('one effect per group and message passes, even for the same message in two groups', () => {
    const history = historyOf((h) => {
      h.effect('m1');
      h.effect('m1', 'H');
      h.effect('m2', 'G', 'c2');
    });
    expect(checkEffectsOnce(history)).toEqual([]);
  });

  test('a second effect names both times and consumers', () => {
    const history = historyOf((h) => {
      h.at(12 * S);
      h.effect('m1', 'G', 'c1');
      h.at(14 * S);
      h.effect('m1', 'G', 'c2');
    });
    expect(checkEffectsOnce(history)).toEqual([
      {
        property: 'effects-once',
        key: 'm1',
        explanation:
          'group G applied the effect of m1 more than once: first by c1 at 12.0 s, again by c2 at 14.0 s',
      },
    ]);
  });

  ptest.prop([
    fc.array(fc.tuple(fc.constantFrom('G', 'H'), fc.integer({ min: 0, max: 5 })), { maxLength: 30 }),
  ])('there is one violation per effect beyond the first of its group and message', (effects) => {
    const history = historyOf((h) => effects.forEach(([group, n]) => h.effect(`m${n}`, group)));
    const distinct = new Set(effects.map(([group, n]) => `${group}/${n}`)).size;
    expect(checkEffectsOnce(history)).toHaveLength(effects.length - distinct);
  });
});

describe('retried', () => {
  // The handler fails a message's first delivery (reconsumeTimes 0) only.
  const failsFirst = (op: { value: { reconsumeTimes: number } }) => op.value.reconsumeTimes === 0;
  const retried = (build: (h: Builder) => void) => checkRetried(historyOf(build), ['G'], failsFirst);

  test('a failed delivery followed by one the handler took passes; a failure it never took again does not', () => {
    expect(
      retried((h) => {
        h.consume('m1');
        h.consume('m1', { reconsumeTimes: 1 });
        h.effect('m1');
      }),
    ).toEqual([]);
    const dropped = retried((h) => {
      h.at(12_300);
      h.consume('m1');
      h.consume('m2');
      h.effect('m2', 'Other'); // another group's effect does not count
    });
    expect(dropped.map((v) => [v.key, v.explanation])).toEqual([
      [
        'm1',
        "group G's handler failed m1 (delivered from T with reconsumeTimes 0) at 12.3 s, and the group never handled it after: it was not delivered again",
      ],
      ['m2', expect.stringContaining("group G's handler failed m2")],
    ]);
  });

  /**
   * Per message: how many deliveries the handler failed before the one it took (the handler fails
   * while reconsumeTimes is below that count), and whether the group then handled it.
   */
  const messages = fc.array(fc.record({ failures: fc.nat(3), gap: fc.integer({ min: 1, max: 20 * S }) }), {
    minLength: 1,
    maxLength: 8,
  });
  const failsBelow =
    (failures: readonly number[]) => (op: { value: { key: string; reconsumeTimes: number } }) =>
      op.value.reconsumeTimes < failures[Number(op.value.key.slice(1))]!;
  /** Each message delivered until it is handled, in turns; `dropped` is never delivered after its failures. */
  const history = (list: readonly { failures: number; gap: number }[], dropped = -1) =>
    historyOf((h) => {
      let t = 0;
      list.forEach(({ failures, gap }, i) => {
        for (let r = 0; r <= failures; r++) {
          if (i === dropped && r === failures) return;
          h.at((t += gap));
          h.consume(`m${i}`, { reconsumeTimes: r });
          if (r === failures) h.effect(`m${i}`);
        }
      });
    });

  ptest.prop([messages])('every failed message delivered again until handled passes', (list) => {
    const failures = list.map((m) => m.failures);
    expect(checkRetried(history(list), ['G'], failsBelow(failures))).toEqual([]);
  });

  ptest.prop([messages, fc.nat()])(
    'a failed message never delivered again is flagged, and only it',
    (list, pick) => {
      const failing = list.map((m, i) => (m.failures > 0 ? i : -1)).filter((i) => i >= 0);
      fc.pre(failing.length > 0);
      const dropped = failing[pick % failing.length]!;
      const failures = list.map((m) => m.failures);
      const violations = checkRetried(history(list, dropped), ['G'], failsBelow(failures));
      expect(violations.map((v) => v.key)).toEqual([`m${dropped}`]);
    },
  );

  test('an effect before the last failed delivery does not count (the message came back and failed)', () => {
    const violations = retried((h) => {
      h.at(0);
      h.consume('m1', { reconsumeTimes: 1 });
      h.effect('m1');
      h.at(5);
      h.consume('m1');
    });
    expect(violations).toHaveLength(1);
  });
});
