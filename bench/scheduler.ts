// Scheduler events per second against a bare heap loop over the same hold model (10,000 pending
// events; each pop pushes one successor at a pseudo-random later time). The bare loop does no
// work per event; the scheduler runs a closure that does what a node's timer does: read the
// clock, bump state, schedule the next event, with cancellation checks and budgets on. Each is
// measured in its own process (isolated.ts), in the same `npm run bench`.
import TinyQueue from 'tinyqueue';
import { Scheduler } from '../sim/scheduler.ts';
import { rngStream } from '../sim/rng.ts';
import { runIsolated } from './isolated.ts';
import { print } from './measure.ts';

const PENDING = 10_000;
const EVENTS = 1_000_000;

export function schedulerDelays(): Float64Array {
  const rng = rngStream(1, 'bench');
  return Float64Array.from({ length: 1 << 16 }, () => rng.exponential(10));
}

export function bareHeap(d: Float64Array): number {
  const heap = new TinyQueue<{ t: number; seq: number }>([], (a, b) => a.t - b.t || a.seq - b.seq);
  let seq = 0;
  for (let i = 0; i < PENDING; i++) heap.push({ t: d[i & 0xffff]!, seq: seq++ });
  for (let i = 0; i < EVENTS; i++) {
    const e = heap.pop()!;
    heap.push({ t: e.t + d[i & 0xffff]!, seq: seq++ });
  }
  return EVENTS;
}

export function schedulerLoop(d: Float64Array): number {
  const s = new Scheduler({ maxEvents: EVENTS, maxTimeMs: Infinity });
  const state = { handled: 0, lastSeen: 0 };
  let i = 0;
  const handler = (): void => {
    state.handled++;
    state.lastSeen = s.now;
    s.schedule(d[i++ & 0xffff]!, handler);
  };
  for (let k = 0; k < PENDING; k++) s.schedule(d[k & 0xffff]!, handler);
  s.runUntilQuiet();
  return s.eventsFired;
}

export function benchScheduler(): void {
  const bare = runIsolated('bare-heap');
  const sim = runIsolated('scheduler');
  print({
    bench: 'scheduler',
    eventsPerSecond: Math.round(sim),
    bareHeapEventsPerSecond: Math.round(bare),
    ratio: Number((sim / bare).toFixed(3)),
    target: '>= 0.5 of the bare heap loop',
    met: sim / bare >= 0.5,
  });
}
