import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import {
  RebalanceLockManager,
  REBALANCE_LOCK_MAX_LIVE_TIME,
  type MessageQueue,
} from './rebalance-lock-manager.ts';

const mq = (queueId: number): MessageQueue => ({ topic: 'T', brokerName: 'broker-a', queueId });
const [q0, q1, q2] = [mq(0), mq(1), mq(2)];

/** A lock manager on a clock the test sets, as the broker's wall clock (jumps included). */
function locks() {
  const clock = { now: 1_000_000 };
  const traced: string[] = [];
  const probed: string[] = [];
  const manager = new RebalanceLockManager({
    now: () => clock.now,
    trace: (event) => traced.push(event),
    probe: (name) => probed.push(name),
  });
  return { clock, manager, traced, probed };
}

describe('RebalanceLockManager', () => {
  test('a free queue goes to the first client; another client is refused; the holder renews', () => {
    const { clock, manager } = locks();
    expect(manager.tryLockBatch('G', [q0, q1], 'A')).toEqual(new Set([q0, q1]));
    expect(manager.tryLockBatch('G', [q0, q1, q2], 'B')).toEqual(new Set([q2]));
    clock.now += 59_000;
    expect(manager.tryLockBatch('G', [q0], 'A')).toEqual(new Set([q0]));
    clock.now += 59_000; // 118 s after the first lock, 59 s after the renewal
    expect(manager.tryLockBatch('G', [q0, q1], 'B')).toEqual(new Set([q1]));
    expect(manager.isLocked('G', q0, 'A')).toBe(true);
  });

  test('a lock expires only when more than 60 s have passed: at exactly 60 s it holds', () => {
    const { clock, manager, traced, probed } = locks();
    manager.tryLockBatch('G', [q0], 'A');
    clock.now += REBALANCE_LOCK_MAX_LIVE_TIME;
    expect(manager.isLocked('G', q0, 'A')).toBe(true);
    expect(manager.tryLockBatch('G', [q0], 'B')).toEqual(new Set());
    clock.now += 1;
    expect(manager.isLocked('G', q0, 'A')).toBe(false);
    expect(manager.tryLockBatch('G', [q0], 'B')).toEqual(new Set([q0]));
    expect([manager.isLocked('G', q0, 'A'), manager.isLocked('G', q0, 'B')]).toEqual([false, true]);
    expect(traced).toEqual(['broker.lock-refused', 'broker.lock-expired-taken']);
    expect(probed).toEqual(['broker.lock-refused', 'broker.lock-expired-taken']);
  });

  test('isLocked is a query: it does not renew', () => {
    const { clock, manager } = locks();
    manager.tryLockBatch('G', [q0], 'A');
    clock.now += 40_000;
    expect(manager.isLocked('G', q0, 'A')).toBe(true);
    clock.now += 40_000;
    expect(manager.isLocked('G', q0, 'A')).toBe(false);
  });

  test('the holder unlocks at once (even an expired lock); an unlock by another client does nothing', () => {
    const { clock, manager } = locks();
    manager.tryLockBatch('G', [q0, q1], 'A');
    manager.unlockBatch('G', [q0, q1], 'B');
    expect(manager.tryLockBatch('G', [q0, q1], 'B')).toEqual(new Set());
    manager.unlockBatch('G', [q0], 'A');
    expect(manager.tryLockBatch('G', [q0, q1], 'B')).toEqual(new Set([q0]));
    clock.now += 61_000;
    manager.unlockBatch('G', [q1], 'A');
    manager.unlockBatch('H', [q1], 'A');
    expect(manager.tryLockBatch('G', [q1], 'C')).toEqual(new Set([q1]));
  });

  test('groups lock independently; queues are equal by value', () => {
    const { manager } = locks();
    manager.tryLockBatch('G1', [q0], 'A');
    expect(manager.tryLockBatch('G2', [q0], 'B')).toEqual(new Set([q0]));
    expect(manager.isLocked('G1', mq(0), 'A')).toBe(true);
    expect(manager.tryLockBatch('G1', [{ ...q0, brokerName: 'broker-b' }], 'B').size).toBe(1);
  });

  test("a clock stepped forward expires every lock at once: another client takes the holder's queue", () => {
    const { clock, manager } = locks();
    manager.tryLockBatch('G', [q0], 'A');
    clock.now += 1_000;
    manager.tryLockBatch('G', [q0], 'A'); // renewed a second ago
    clock.now += 3_600_000; // an NTP step of one hour
    expect(manager.tryLockBatch('G', [q0], 'B')).toEqual(new Set([q0]));
  });

  test('a clock stepped back keeps a lock alive until the clock is 60 s past the last renewal again', () => {
    const { clock, manager } = locks();
    manager.tryLockBatch('G', [q0], 'A');
    clock.now -= 600_000;
    clock.now += 600_000 + REBALANCE_LOCK_MAX_LIVE_TIME; // 11 min have passed for real
    expect(manager.tryLockBatch('G', [q0], 'B')).toEqual(new Set());
    clock.now += 1;
    expect(manager.tryLockBatch('G', [q0], 'B')).toEqual(new Set([q0]));
  });

  type Op =
    | { kind: 'lock'; client: number; queues: number[] }
    | { kind: 'unlock'; client: number; queues: number[] }
    | { kind: 'advance'; ms: number };
  const client = fc.integer({ min: 0, max: 2 });
  const queues = fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 });
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('lock' as const), client, queues }),
    fc.record({ kind: fc.constant('unlock' as const), client, queues }),
    fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(59_999, 60_000, 60_001, -120_000)),
    }),
  );

  ptest.prop([fc.array(opArb, { maxLength: 40 })])(
    'at most one client holds a queue, and it gets the queue exactly when the model says',
    (ops) => {
      const { clock, manager } = locks();
      // The model: the last client that got each queue, and when; expired after more than 60 s.
      const held = new Map<number, { client: number; at: number }>();
      const live = (q: number) => {
        const h = held.get(q);
        return h !== undefined && clock.now - h.at <= REBALANCE_LOCK_MAX_LIVE_TIME ? h : undefined;
      };
      for (const op of ops) {
        if (op.kind === 'advance') clock.now += op.ms;
        else if (op.kind === 'unlock') {
          manager.unlockBatch('G', op.queues.map(mq), `c${op.client}`);
          for (const q of op.queues) if (held.get(q)?.client === op.client) held.delete(q);
        } else {
          const got = manager.tryLockBatch('G', op.queues.map(mq), `c${op.client}`);
          const expected = op.queues.filter((q) => (live(q)?.client ?? op.client) === op.client);
          expect([...got].map((m) => m.queueId)).toEqual(expected);
          for (const q of expected) held.set(q, { client: op.client, at: clock.now });
        }
        for (let q = 0; q < 4; q++) {
          const holders = [0, 1, 2].filter((c) => manager.isLocked('G', mq(q), `c${c}`));
          expect(holders).toEqual(live(q) === undefined ? [] : [live(q)!.client]);
        }
      }
    },
  );
});
