// Whether a polled route differs from the one a client holds (MQClientInstance's
// topicRouteDataIsChange: both routes' lists sorted by broker name, then compared whole).
import type { TopicRouteData } from '../protocol/route-data.ts';

/**
 * Whether two routes say the same, as RocketMQ's topicRouteDataIsChange compares them: lists
 * sorted by broker name, then equal field by field (key order aside). Compared in place: a route
 * poll every 30 s for every topic of every client made two sorted JSON texts a poll.
 */
export function sameRoute(a: TopicRouteData, b: TopicRouteData): boolean {
  return (
    sameJson(byBrokerName(a.queueDatas), byBrokerName(b.queueDatas)) &&
    sameJson(byBrokerName(a.brokerDatas), byBrokerName(b.brokerDatas))
  );
}

function byBrokerName<T extends { brokerName: string }>(list: readonly T[]): readonly T[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]!.brokerName > list[i]!.brokerName) {
      return [...list].sort((x, y) =>
        x.brokerName < y.brokerName ? -1 : x.brokerName > y.brokerName ? 1 : 0,
      );
    }
  }
  return list;
}

/** JSON.stringify(x) === JSON.stringify(y) with each object's keys sorted, for data with no NaN. */
function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  let defined = 0;
  for (const key in xs) {
    if (xs[key] === undefined) continue;
    defined++;
    if (!Object.hasOwn(ys, key) || !sameJson(xs[key], ys[key])) return false;
  }
  for (const key in ys) if (ys[key] !== undefined) defined--;
  return defined === 0;
}
