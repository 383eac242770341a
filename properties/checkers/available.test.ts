// available over generated runs of two masters and one producer: every failure RocketMQ allows (all
// attempts spent, the time budget spent, a refusal it does not retry, no master reachable) passes;
// a failure planted with a retry still owed while a master was reachable is flagged, that send only.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { RouteSeen, SendAnswerSeen, SendRequestSeen } from '../answers.ts';
import type { History, Op } from '../history.ts';
import { checkAvailable, type AvailabilityInput, type ProducerPromise } from './available.ts';

const A = 'broker-a-master';
const B = 'broker-b-master';
const P = 'producer-1';
const TIMEOUT = 3_000;

/** How a generated send ended; each is a failure RocketMQ 4.9 allows, or a success. */
type Ending = 'ok' | 'attempts-spent' | 'timeout' | 'not-retried' | 'no-master';
const ENDINGS: Ending[] = ['ok', 'attempts-spent', 'timeout', 'not-retried', 'no-master'];

interface Run {
  ops: Op[];
  requests: SendRequestSeen[];
  answers: SendAnswerSeen[];
}

function build(endings: Ending[]): Run {
  const run: Run = { ops: [], requests: [], answers: [] };
  const add = (op: Omit<Op, 'index'>) => run.ops.push({ ...op, index: run.ops.length } as Op);
  endings.forEach((ending, i) => {
    const start = i * 10_000;
    const key = `m${i}`;
    const uniqKey = `U-${key}`;
    if (ending === 'no-master') {
      for (const node of [A, B])
        add({ time: start - 1, type: 'info', process: 'nemesis', f: 'kill', value: { node } });
    }
    add({ time: start, type: 'invoke', process: P, f: 'send', value: { key, topic: 'T', uniqKey } });
    const attempts = ending === 'attempts-spent' ? 3 : 1;
    const end = start + (ending === 'timeout' ? TIMEOUT : 20 * attempts);
    for (let a = 0; a < attempts; a++) {
      const time = start + 20 * a + 1;
      const [broker, brokerName] = a % 2 === 0 ? [A, 'broker-a'] : [B, 'broker-b'];
      run.requests.push({ time, producer: P, broker, brokerName, uniqKey });
    }
    if (ending === 'ok' || ending === 'not-retried') {
      const code = ending === 'ok' ? 0 : 13; // 13: MESSAGE_ILLEGAL, never retried
      run.answers.push({
        time: end - 1,
        broker: A,
        brokerName: 'broker-a',
        producer: P,
        uniqKey,
        code,
        waitStoreMsgOK: true,
        slaveAckedOffset: -1,
      });
    }
    const value = {
      key,
      topic: 'T',
      uniqKey,
      ...(ending === 'ok' && { sendStatus: 'SEND_OK', brokerName: 'broker-a', queueId: 0, queueOffset: i }),
    };
    add({
      time: end,
      type: ending === 'ok' ? 'ok' : 'fail',
      process: P,
      f: 'send',
      value,
      ...(ending !== 'ok' && { error: 'MQClientException: failed' }),
    });
    if (ending === 'no-master') {
      for (const node of [A, B])
        add({ time: end + 1, type: 'info', process: 'nemesis', f: 'restart', value: { node } });
    }
  });
  return run;
}

/** The route the NameServer gave the producer before the first send: both groups writable. */
const BOTH: RouteSeen[] = [{ time: -100, producer: P, topic: 'T', writable: ['broker-a', 'broker-b'] }];

function input(run: Run, mode: 'sync' | 'async', routes = BOTH): AvailabilityInput {
  const promise: ProducerPromise = { mode, attempts: 3, timeoutMs: TIMEOUT };
  const masters = [
    { address: A, brokerName: 'broker-a' },
    { address: B, brokerName: 'broker-b' },
  ];
  return {
    producers: new Map([[P, promise]]),
    masters,
    requests: run.requests,
    answers: run.answers,
    routes,
  };
}

const endings = fc.array(fc.constantFrom(...ENDINGS), { minLength: 1, maxLength: 30 });
const modes = fc.constantFrom('sync' as const, 'async' as const);

describe('available', () => {
  ptest.prop([endings, modes])('failures RocketMQ allows pass', (list, mode) => {
    const run = build(list);
    expect(checkAvailable(run.ops as History, input(run, mode))).toEqual([]);
  });

  ptest.prop([
    endings,
    modes,
    fc.nat(),
    fc.constantFrom<'none' | 'one-down' | 'partition-healed'>('none', 'one-down', 'partition-healed'),
  ])(
    'a send given up with a retry owed while a master was reachable is flagged, that send only',
    (list, mode, pick, around) => {
      const planted = pick % list.length;
      const changed = list.map((e, i) => (i === planted ? 'attempts-spent' : e));
      const run = build(changed);
      // Its second and third attempts never happened: the producer gave up after one.
      const key = `U-m${planted}`;
      const kept = run.requests.filter((r) => r.uniqKey !== key);
      const first = run.requests.find((r) => r.uniqKey === key)!;
      const start = planted * 10_000;
      const extra: Op[] = [];
      // broker-a down throughout, or a partition from the producer to broker-b healed before the
      // send: broker-b stays reachable, so a retry was owed and had somewhere to go.
      if (around === 'one-down')
        extra.push({
          index: 0,
          time: start - 1,
          type: 'info',
          process: 'nemesis',
          f: 'power-off',
          value: { node: A },
        });
      if (around === 'partition-healed') {
        extra.push({
          index: 0,
          time: start - 5,
          type: 'info',
          process: 'nemesis',
          f: 'partition',
          value: { from: [P], to: [B], oneWay: false },
        });
        extra.push({ index: 0, time: start - 2, type: 'info', process: 'nemesis', f: 'heal', value: {} });
      }
      const ops = [...run.ops, ...extra]
        .sort((x, y) => x.time - y.time)
        .map((op, index) => ({ ...op, index }));
      const violations = checkAvailable(ops as History, input({ ...run, requests: [...kept, first] }, mode));
      expect(violations.map((v) => v.key)).toEqual([`m${planted}`]);
      expect(violations[0]!.explanation).toMatch(/after 1 of its 3 attempts/);
    },
  );

  ptest.prop([endings, modes, fc.nat()])(
    'retries sent back to the group that just failed, though the route named another, are flagged',
    (list, mode, pick) => {
      const planted = pick % list.length;
      const run = build(list.map((e, i) => (i === planted ? 'attempts-spent' : e)));
      const key = `U-m${planted}`;
      const requests = run.requests.map((r) =>
        r.uniqKey === key ? { ...r, broker: A, brokerName: 'broker-a' } : r,
      );
      const violations = checkAvailable(run.ops as History, input({ ...run, requests }, mode));
      expect(violations.map((v) => v.key)).toEqual([`m${planted}`]);
      expect(violations[0]!.explanation).toMatch(/went back to broker-a, whose attempt had just failed/);
      // With a route that names broker-a alone, going back to it is all RocketMQ can do.
      const alone: RouteSeen[] = [{ ...BOTH[0]!, writable: ['broker-a'] }];
      expect(checkAvailable(run.ops as History, input({ ...run, requests }, mode, alone))).toEqual([]);
    },
  );

  test('with the latency fault tolerance on, a retry on the failed group is flagged unless the other was set aside', () => {
    const run = build(['attempts-spent']);
    const requests = run.requests.map((r) => ({ ...r, broker: A, brokerName: 'broker-a' }));
    const promise: ProducerPromise = {
      mode: 'sync',
      attempts: 3,
      timeoutMs: TIMEOUT,
      latencyFaultEnable: true,
    };
    const judge = (earlier: SendRequestSeen[], answers: SendAnswerSeen[] = []) =>
      checkAvailable(run.ops as History, {
        ...input({ ...run, requests: [...earlier, ...requests], answers }, 'sync'),
        producers: new Map([[P, promise]]),
      }).map((v) => v.key);
    const onB = (time: number): SendRequestSeen => ({
      time,
      producer: P,
      broker: B,
      brokerName: 'broker-b',
      uniqKey: 'U-x',
    });
    const answer = (time: number): SendAnswerSeen => ({
      time,
      broker: B,
      brokerName: 'broker-b',
      producer: P,
      uniqKey: 'U-x',
      code: 0,
      waitStoreMsgOK: true,
      slaveAckedOffset: -1,
    });
    // broker-b never tried, or answered quickly: a retry would have gone there.
    expect(judge([])).toEqual(['m0']);
    expect(judge([onB(-1_000)], [answer(-990)])).toEqual(['m0']);
    // An unanswered attempt (600 s aside) or a slow answer set broker-b aside: nothing owed.
    expect(judge([onB(-1_000)])).toEqual([]);
    expect(judge([onB(-1_000)], [answer(-300)])).toEqual([]);
    // A failure older than 600 s no longer counts.
    expect(judge([onB(-700_000)])).toEqual(['m0']);
  });

  test('no flag while the only reachable master is cut off for part of the send', () => {
    const run = build(['attempts-spent']);
    const requests = run.requests.slice(0, 1);
    const cut: Op[] = [
      { index: 0, time: -1, type: 'info', process: 'nemesis', f: 'kill', value: { node: A } },
      { index: 0, time: 10, type: 'info', process: 'nemesis', f: 'isolate', value: { node: B } },
    ];
    const ops = [...run.ops, ...cut].sort((x, y) => x.time - y.time).map((op, index) => ({ ...op, index }));
    expect(checkAvailable(ops as History, input({ ...run, requests }, 'sync'))).toEqual([]);
    // The same without the isolation: broker-b was there all along.
    const open = ops.filter((op) => op.f !== 'isolate').map((op, index) => ({ ...op, index }));
    expect(checkAvailable(open as History, input({ ...run, requests }, 'sync')).map((v) => v.key)).toEqual([
      'm0',
    ]);
  });
});
