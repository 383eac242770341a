import { describe, expect, test } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import type { Rng } from '../env.ts';
import { PermName } from '../protocol/perm-name.ts';
import type { TopicRouteData } from '../protocol/route-data.ts';
import {
  computeNotAvailableDuration,
  ISOLATION_LATENCY,
  LatencyFaultToleranceImpl,
  MQFaultStrategy,
} from './latency-fault-tolerance.ts';
import { javaHashCodeOf, SelectMessageQueueByHash } from './message-queue-selector.ts';
import { Message } from '../message/message.ts';
import { topicRouteData2TopicPublishInfo, topicRouteData2TopicSubscribeInfo } from './topic-publish-info.ts';

const RW = PermName.PERM_READ | PermName.PERM_WRITE;

/** A tiny deterministic Rng for unit tests (a linear congruential generator). */
function lcg(seed: number): Rng {
  let s = seed >>> 0 || 1;
  const next = () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
  return { next, int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

function route(
  groups: { name: string; w: number; r?: number; perm?: number; master?: boolean }[],
): TopicRouteData {
  return {
    queueDatas: groups.map((g) => ({
      brokerName: g.name,
      writeQueueNums: g.w,
      readQueueNums: g.r ?? g.w,
      perm: g.perm ?? RW,
      topicSysFlag: 0,
    })),
    brokerDatas: groups.map((g) => ({
      cluster: 'C',
      brokerName: g.name,
      brokerAddrs: (g.master === false
        ? { 1: `${g.name}-slave:1` }
        : { 0: `${g.name}:1`, 1: `${g.name}-slave:1` }) as Record<number, string>,
    })),
  };
}

describe('TopicPublishInfo', () => {
  test('writable masters only, in brokerName order, writeQueueNums each', () => {
    const r = route([
      { name: 'broker-c', w: 2 },
      { name: 'broker-a', w: 3, r: 5 },
      { name: 'broker-b', w: 4, perm: PermName.PERM_READ },
      { name: 'broker-d', w: 2, master: false },
    ]);
    const info = topicRouteData2TopicPublishInfo('T', r, lcg(1));
    expect(info.messageQueueList.map((q) => `${q.brokerName}:${q.queueId}`)).toEqual([
      'broker-a:0',
      'broker-a:1',
      'broker-a:2',
      'broker-c:0',
      'broker-c:1',
    ]);
    expect(topicRouteData2TopicSubscribeInfo('T', r).filter((q) => q.brokerName === 'broker-a')).toHaveLength(
      5,
    );
    expect(info.getQueueIdByBroker('broker-a')).toBe(3);
    expect(info.getQueueIdByBroker('nope')).toBe(-1);
  });

  ptest.prop([fc.integer(), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 })])(
    'round robin from a random start, and a retry avoids the last broker when another has queues',
    (seed, sizes) => {
      const info = topicRouteData2TopicPublishInfo(
        'T',
        route(sizes.map((w, i) => ({ name: `b${i}`, w }))),
        lcg(seed),
      );
      const list = info.messageQueueList;
      const picks = Array.from({ length: list.length * 2 }, () => info.selectOneMessageQueue());
      const start = list.indexOf(picks[0]!);
      expect(picks).toEqual(picks.map((_, i) => list[(start + i) % list.length]));
      for (let i = 0; i < sizes.length; i++) {
        const mq = info.selectOneMessageQueue(`b${i}`);
        if (sizes.length > 1) expect(mq.brokerName).not.toBe(`b${i}`);
      }
    },
  );
});

describe('MQFaultStrategy', () => {
  test("4.x's latency table, and a failure counts as 30 s", () => {
    const table = [0, 49, 50, 100, 549, 550, 999, 1000, 2000, 3000, 14999, 15000, 30000].map(
      computeNotAvailableDuration,
    );
    expect(table).toEqual([
      0, 0, 0, 0, 0, 30_000, 30_000, 60_000, 120_000, 180_000, 180_000, 600_000, 600_000,
    ]);
    expect(computeNotAvailableDuration(ISOLATION_LATENCY)).toBe(600_000);
  });

  test('off by default: plain round robin; on: an isolated broker is skipped until it is back', () => {
    let now = 1_000_000;
    const env = { now: () => now, rng: lcg(3) };
    const strategy = new MQFaultStrategy(env);
    const info = topicRouteData2TopicPublishInfo(
      'T',
      route([
        { name: 'a', w: 2 },
        { name: 'b', w: 2 },
      ]),
      lcg(4),
    );
    strategy.updateFaultItem('b', 0, true);
    expect(strategy.latencyFaultTolerance.items()).toEqual([]);
    strategy.sendLatencyFaultEnable = true;
    strategy.updateFaultItem('b', 2_500, true);
    for (let i = 0; i < 8; i++) expect(strategy.selectOneMessageQueue(info, undefined).brokerName).toBe('a');
    now += 600_000;
    const brokers = new Set(
      Array.from({ length: 8 }, () => strategy.selectOneMessageQueue(info, undefined).brokerName),
    );
    expect(brokers).toEqual(new Set(['a', 'b']));
  });

  test('none available: pickOneAtLeast takes one of the better half', () => {
    const now = 0;
    const faults = new LatencyFaultToleranceImpl({ now: () => now, rng: lcg(9) });
    faults.updateFaultItem('slow', 5_000, 180_000);
    faults.updateFaultItem('slower', 9_000, 180_000);
    faults.updateFaultItem('fast', 600, 30_000);
    faults.updateFaultItem('faster', 500, 30_000);
    const picks = new Set(Array.from({ length: 20 }, () => faults.pickOneAtLeast()));
    expect(picks).toEqual(new Set(['faster', 'fast']));
    expect(faults.isAvailable('unknown')).toBe(true);
    expect(faults.isAvailable('fast')).toBe(false);
  });
});

describe('SelectMessageQueueByHash and Message', () => {
  test("Java's hashCode of the argument: an int is itself, a string String.hashCode", () => {
    expect(javaHashCodeOf(42)).toBe(42);
    expect(javaHashCodeOf(-7)).toBe(-7);
    expect(javaHashCodeOf('order-1')).toBe(javaHashCodeOf(String('order-1')));
    expect(javaHashCodeOf('')).toBe(0);
    const mqs = topicRouteData2TopicPublishInfo('T', route([{ name: 'a', w: 4 }]), lcg(1)).messageQueueList;
    expect(new SelectMessageQueueByHash().select(mqs, new Message('T', new Uint8Array(1)), -7).queueId).toBe(
      3,
    );
  });

  test("Java's Message constructors", () => {
    const body = new Uint8Array([1]);
    expect(new Message('T', 'TagA', body).getTags()).toBe('TagA');
    const m = new Message('T', 'TagA', 'k1 k2', body);
    expect([m.getTags(), m.keyList()]).toEqual(['TagA', ['k1', 'k2']]);
    const w = new Message('T', '', '', 3, body, false);
    expect([w.getTags(), w.flag, w.isWaitStoreMsgOK()]).toEqual([undefined, 3, false]);
    expect(new Message('T', body).body).toBe(body);
  });
});
