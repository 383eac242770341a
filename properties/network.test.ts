// The network's promises: nothing crosses a partition, traffic resumes after heal, and every
// connection delivers in order, whatever the latency distribution, loss and partitions.
import { fc, test as ptest } from '@fast-check/vitest';
import { expect } from 'vitest';
import { probeProcess, type Probe } from '../sim/probe-process.ts';
import { World } from '../sim/world.ts';

const nodes = ['a', 'b', 'c'];
const latency = fc.oneof(
  fc.record({ dist: fc.constant('constant' as const), ms: fc.integer({ min: 0, max: 20 }) }),
  fc.record({
    dist: fc.constant('uniform' as const),
    minMs: fc.constant(0),
    maxMs: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    dist: fc.constant('exponential' as const),
    minMs: fc.constant(0),
    meanMs: fc.integer({ min: 1, max: 20 }),
  }),
);
const sends = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 999 }),
    from: fc.constantFrom(...nodes),
    to: fc.constantFrom(...nodes),
  }),
  { maxLength: 120 },
);
const windows = fc.array(
  fc.record({
    start: fc.integer({ min: 0, max: 900 }),
    length: fc.integer({ min: 1, max: 300 }),
    from: fc.constantFrom(...nodes),
    to: fc.constantFrom(...nodes),
    oneWay: fc.boolean(),
  }),
  { maxLength: 4 },
);

function world(seed: number, net: object) {
  const w = new World({ seed, network: net });
  const probes = new Map<string, Probe>();
  for (const n of nodes)
    w.addNode(
      n,
      probeProcess(probes, () => w.now),
    );
  return { w, probe: (n: string) => probes.get(n)! };
}

ptest.prop([fc.noShrink(fc.nat()), latency, fc.double({ min: 0, max: 0.5, noNaN: true }), sends])(
  'every connection delivers in send order (FIFO)',
  (seed, lat, loss, plan) => {
    const { w, probe } = world(seed, { latency: lat, lossProbability: loss });
    plan.forEach(({ at, from, to }, i) =>
      w.scheduler.scheduleAt(at, () => probe(from).env.net.oneway(to, { i, from })),
    );
    w.runUntilQuiet();
    for (const n of nodes) {
      const got = probe(n).deliveries.map((d) => d.body as { i: number; from: string });
      for (const from of nodes) {
        const fromOne = got.filter((b) => b.from === from).map((b) => b.i);
        const sent = plan
          .flatMap((p, i) => (p.from === from && p.to === n ? [{ at: p.at, i }] : []))
          .sort((x, y) => x.at - y.at || x.i - y.i)
          .map((p) => p.i);
        expect(fromOne).toEqual(sent);
      }
    }
  },
);

ptest.prop([fc.noShrink(fc.nat()), latency, sends, windows])(
  'no message crosses a partition, and sends after the heal arrive',
  (seed, lat, plan, cuts) => {
    const { w, probe } = world(seed, { latency: lat });
    // A node's loopback is never partitioned.
    const blockedAt = (from: string, to: string, t: number) =>
      from !== to &&
      cuts.some(
        (c) =>
          t >= c.start &&
          t < c.start + c.length &&
          ((c.from === from && c.to === to) || (!c.oneWay && c.from === to && c.to === from)),
      );
    for (const c of cuts) {
      w.scheduler.scheduleAt(c.start, () => w.network.partition([c.from], [c.to], c.oneWay));
    }
    // Heals clear every partition; re-install the ones still open, as a nemesis would.
    for (const c of cuts) {
      w.scheduler.scheduleAt(c.start + c.length, () => {
        w.network.heal();
        const now = w.now;
        for (const o of cuts)
          if (now >= o.start && now < o.start + o.length) w.network.partition([o.from], [o.to], o.oneWay);
      });
    }
    plan.forEach(({ at, from, to }, i) =>
      w.scheduler.scheduleAt(at, () => probe(from).env.net.oneway(to, { i, from })),
    );
    const lastHeal = Math.max(0, ...cuts.map((c) => c.start + c.length));
    const after = nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to) => ({ from, to })));
    after.forEach(({ from, to }, i) =>
      w.scheduler.scheduleAt(lastHeal + 1, () => probe(from).env.net.oneway(to, { late: i, from })),
    );
    w.runUntilQuiet();
    for (const n of nodes) {
      for (const d of probe(n).deliveries) expect(blockedAt(d.from, n, d.t)).toBe(false);
      const late = probe(n).deliveries.filter((d) => 'late' in (d.body as object));
      expect(late).toHaveLength(after.filter((p) => p.to === n).length);
    }
  },
);
