// The scheduler never runs an event before its time, never goes back in time, and runs events
// due at the same instant in the order they were scheduled.
import { fc, test as ptest } from '@fast-check/vitest';
import { expect } from 'vitest';
import { Scheduler } from '../sim/scheduler.ts';

const delays = fc.array(
  fc.record({
    delay: fc.integer({ min: 0, max: 50 }),
    children: fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3 }),
  }),
  { maxLength: 60 },
);

ptest.prop([delays])('events run at their time, in (time, scheduling order)', (plan) => {
  const s = new Scheduler({ maxEvents: 10_000, maxTimeMs: 1e9 });
  const ran: { at: number; seq: number; now: number }[] = [];
  let seq = 0;
  const add = (delay: number, children: number[]) => {
    const at = s.now + delay;
    const mine = seq++;
    s.schedule(delay, () => {
      ran.push({ at, seq: mine, now: s.now });
      for (const child of children) add(child, []);
    });
  };
  for (const { delay, children } of plan) add(delay, children);
  expect(s.runUntilQuiet()).toBe('quiet');
  expect(ran).toHaveLength(seq);
  for (const r of ran) expect(r.now).toBe(r.at);
  for (let i = 1; i < ran.length; i++) {
    const [p, c] = [ran[i - 1]!, ran[i]!];
    expect(c.at > p.at || (c.at === p.at && c.seq > p.seq)).toBe(true);
  }
});
