import { describe, expect } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import type { BrokerData, QueueData, TopicRouteData } from '../protocol/route-data.ts';
import { sameRoute } from './same-route.ts';

/** The definition: each route as JSON with its lists sorted by broker name and its keys sorted. */
function canonical(route: TopicRouteData): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  };
  const byName = <T extends { brokerName: string }>(list: readonly T[]) =>
    [...list].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  return JSON.stringify(
    sortKeys({ queueDatas: byName(route.queueDatas), brokerDatas: byName(route.brokerDatas) }),
  );
}

const name = fc.constantFrom('broker-a', 'broker-b', 'broker-c');
const queueData: fc.Arbitrary<QueueData> = fc.record({
  brokerName: name,
  readQueueNums: fc.integer({ min: 0, max: 4 }),
  writeQueueNums: fc.integer({ min: 0, max: 4 }),
  perm: fc.constantFrom(2, 4, 6),
  topicSysFlag: fc.constantFrom(0, 1),
});
const brokerData: fc.Arbitrary<BrokerData> = fc.record({
  cluster: fc.constantFrom('DefaultCluster', 'c2'),
  brokerName: name,
  brokerAddrs: fc.dictionary(
    fc.constantFrom('0', '1', '2'),
    fc.constantFrom('10.0.0.1:10911', '10.0.0.2:10911'),
  ),
});
const route: fc.Arbitrary<TopicRouteData> = fc.record({
  queueDatas: fc.array(queueData, { maxLength: 3 }),
  brokerDatas: fc.array(brokerData, { maxLength: 3 }),
});
/** The same route with its lists shuffled and each object's keys in another order. */
const reordered = (r: TopicRouteData, seed: number): TopicRouteData => {
  const flip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
  const turn = <T>(list: readonly T[]) => list.map((_, i) => list[(i + seed) % list.length]!);
  return {
    brokerDatas: turn(r.brokerDatas).map((b) => flip({ ...b, brokerAddrs: flip(b.brokerAddrs) })),
    queueDatas: turn(r.queueDatas).map(flip),
  };
};

describe('sameRoute', () => {
  ptest.prop([route, route])('agrees with comparing the canonical JSON texts', (a, b) => {
    expect(sameRoute(a, b)).toBe(canonical(a) === canonical(b));
  });

  ptest.prop([route, fc.nat(5)])(
    'holds for the same route reordered, as the canonical texts do',
    (r, seed) => {
      const other = reordered(r, seed);
      expect(sameRoute(r, other)).toBe(canonical(r) === canonical(other));
    },
  );
});
