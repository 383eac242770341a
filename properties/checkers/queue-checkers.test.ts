import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { toJsonLines, type History } from '../history.ts';
import { checkDurable } from './durable.ts';
import { checkDuplicated } from './duplicated.ts';
import { historyOf } from './history-builder.ts';
import { checkKeyOrder } from './key-order.ts';
import { checkLost } from './lost.ts';
import { checkQueueOrder } from './queue-order.ts';
import { checkUnexpected } from './unexpected.ts';

const subscribed = new Map([['T', ['G']]]);

function allChecks(history: History) {
  return {
    lost: checkLost(history, subscribed).violations,
    unexpected: checkUnexpected(history),
    duplicated: checkDuplicated(history),
    queueOrder: checkQueueOrder(history),
    keyOrder: checkKeyOrder(history),
  };
}

const none = { lost: [], unexpected: [], duplicated: [], queueOrder: [], keyOrder: [] };
const keys = fc.integer({ min: 1, max: 40 }).map((n) => Array.from({ length: n }, (_, i) => `m${i}`));

describe('queue checkers', () => {
  ptest.prop([keys])(
    'a clean run (each acknowledged message consumed once, in order) passes every checker',
    (ks) => {
      const history = historyOf((h) => {
        for (const k of ks) h.send(k, 'ok', { shardingKey: 'order-1' });
        for (const k of ks) h.consume(k);
      });
      expect(allChecks(history)).toEqual(none);
    },
  );

  ptest.prop([keys, fc.nat()])(
    'dropping one delivery is reported as lost, naming that message',
    (ks, pick) => {
      const dropped = ks[pick % ks.length]!;
      const history = historyOf((h) => {
        for (const k of ks) h.send(k);
        for (const k of ks) if (k !== dropped) h.consume(k);
      });
      expect(checkLost(history, subscribed).violations.map((v) => v.key)).toEqual([dropped]);
    },
  );

  ptest.prop([keys, fc.nat(), fc.nat()])(
    'swapping two first deliveries of a queue breaks queue order and key order',
    (ks, a, b) => {
      fc.pre(ks.length >= 2 && a % ks.length !== b % ks.length);
      const order = [...ks];
      const [i, j] = [a % ks.length, b % ks.length];
      [order[i], order[j]] = [order[j]!, order[i]!];
      const history = historyOf((h) => {
        for (const k of ks) h.send(k, 'ok', { shardingKey: 's' });
        for (const k of order) h.consume(k);
      });
      const { queueOrder, keyOrder, lost } = allChecks(history);
      expect(queueOrder.length).toBeGreaterThan(0);
      expect(keyOrder.length).toBeGreaterThan(0);
      expect(lost).toEqual([]);
    },
  );

  test('an unknown outcome is never lost: consumed, it is recovered', () => {
    const history = historyOf((h) => {
      h.send('m0', 'info');
      h.send('m1', 'info');
      h.consume('m0');
    });
    expect(checkLost(history, subscribed)).toEqual({ violations: [], recovered: ['m0'], backlog: [] });
  });

  test('a non-OK SendStatus is stored, so it must be consumed', () => {
    const history = historyOf((h) =>
      h.send('m0', 'ok', {
        sendStatus: 'FLUSH_SLAVE_TIMEOUT',
        brokerName: 'broker-a',
        queueId: 0,
        queueOffset: 0,
      }),
    );
    const [violation] = checkLost(history, subscribed).violations;
    expect(violation?.explanation).toMatch(
      /m0 was acknowledged \(FLUSH_SLAVE_TIMEOUT\).*broker-a\/0 offset 0, and group G never consumed it/,
    );
  });

  test('consuming what was never sent, or what definitely failed, is unexpected', () => {
    const history = historyOf((h) => {
      h.send('m0', 'fail');
      h.consume('m0');
      h.consume('m9');
    });
    expect(checkUnexpected(history).map((v) => v.key)).toEqual(['m0', 'm9']);
    expect(checkUnexpected(history)[0]!.explanation).toMatch(/send failed/);
  });

  test('each duplicate gets its cause from the history', () => {
    const history = historyOf((h) => {
      for (const k of ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']) h.send(k);
      h.consume('m0');
      h.consume('m0', { queueOffset: 7 }); // a second stored copy
      h.consume('m1');
      h.consume('m1', { reconsumeTimes: 1, queueOffset: 90 }); // the retry copy, in %RETRY%G
      h.consume('m2');
      h.consume('m2', { consumer: 'c2' });
      h.consume('m3');
      h.fault('kill', { node: 'c1' });
      h.consume('m3');
      h.consume('m4');
      h.fault('reset-offset', { group: 'G' });
      h.consume('m4');
      h.consume('m5');
      h.consume('m5');
      h.consume('m6');
      h.fault('power-off', { node: 'broker-a' });
      h.consume('m6');
      h.consume('m7');
      h.fault('kill', { node: 'c1' });
      h.consume('m7', { consumer: 'c2' }); // c2 took the dead consumer's queue over
    });
    expect(checkDuplicated(history).map((d) => [d.key, d.cause])).toEqual([
      ['m0', 'producer-retry'],
      ['m1', 'reconsume'],
      ['m2', 'rebalance-overlap'],
      ['m3', 'consumer-crash'],
      ['m4', 'offset-reset'],
      ['m5', 'unexplained'],
      ['m6', 'fault-elsewhere'],
      ['m7', 'consumer-crash'],
    ]);
  });

  test('durable: an acknowledged message missing from the final stores is named, a stored one is not', () => {
    const history = historyOf((h) => {
      h.send('m0');
      h.send('m1');
      h.send('m2', 'info');
      h.consume('m1');
    });
    const violations = checkDurable(history, new Set(['m0']));
    expect(violations.map((v) => v.key)).toEqual(['m1']);
    expect(violations[0]!.explanation).toMatch(
      /m1 was acknowledged .* no running broker .*stores it at the end/,
    );
    expect(checkDurable(history, new Set(['m0', 'm1']))).toEqual([]);
  });

  test('redeliveries of an offset already seen are not order violations', () => {
    const history = historyOf((h) => {
      for (const k of ['m0', 'm1', 'm2']) h.send(k, 'ok', { shardingKey: 's' });
      for (const k of ['m0', 'm1', 'm0', 'm1', 'm2']) h.consume(k);
    });
    expect(checkQueueOrder(history)).toEqual([]);
    expect(checkKeyOrder(history)).toEqual([]);
    expect(checkDuplicated(history)).toHaveLength(2);
  });

  test('the export is JSON lines with Jepsen field names and time in ns', () => {
    const history = historyOf((h) => h.send('m0'));
    const lines = toJsonLines(history)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { index: 0, time: 0, type: 'invoke', process: 'p1', f: 'send', value: { key: 'm0', topic: 'T' } },
      {
        index: 1,
        time: 1_000_000,
        type: 'ok',
        process: 'p1',
        f: 'send',
        value: { key: 'm0', topic: 'T', uniqKey: 'U-m0' },
      },
    ]);
  });
});
