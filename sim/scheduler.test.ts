import { describe, expect, test } from 'vitest';
import { Scheduler } from './scheduler.ts';

const budget = { maxEvents: 1_000, maxTimeMs: 10_000 };

describe('Scheduler', () => {
  test('runs events in time order and ties in insertion order', () => {
    const s = new Scheduler(budget);
    const order: string[] = [];
    s.schedule(5, () => order.push('b'));
    s.schedule(1, () => order.push('a'));
    s.schedule(5, () => order.push('c'));
    s.schedule(5, () => s.schedule(0, () => order.push('e')));
    s.schedule(5, () => order.push('d'));
    expect(s.runUntilQuiet()).toBe('quiet');
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s.now).toBe(5);
  });

  test('cancelled events never run', () => {
    const s = new Scheduler(budget);
    let ran = false;
    const e = s.schedule(3, () => (ran = true));
    s.cancel(e);
    expect(s.runUntilQuiet()).toBe('quiet');
    expect(ran).toBe(false);
    expect(s.eventsFired).toBe(0);
  });

  test('runUntil stops at the time, then advances the clock to it', () => {
    const s = new Scheduler(budget);
    const seen: number[] = [];
    for (const t of [1, 4, 9]) s.schedule(t, () => seen.push(s.now));
    expect(s.runUntil(5)).toBe('until');
    expect(seen).toEqual([1, 4]);
    expect(s.now).toBe(5);
    expect(s.pending).toBe(1);
  });

  test('the event budget stops a livelock', () => {
    const s = new Scheduler({ maxEvents: 50, maxTimeMs: 1e9 });
    const loop = (): void => void s.schedule(0, loop);
    s.schedule(0, loop);
    expect(s.runUntilQuiet()).toBe('event-budget');
    expect(s.eventsFired).toBe(50);
  });

  test('the time budget stops a run that never quiesces', () => {
    const s = new Scheduler({ maxEvents: 1e9, maxTimeMs: 1_000 });
    const tick = (): void => void s.schedule(100, tick);
    s.schedule(100, tick);
    expect(s.runUntilQuiet()).toBe('time-budget');
    expect(s.now).toBe(1_000);
  });

  test('halt stops the loop after the event under way, and every later run call', () => {
    const s = new Scheduler(budget);
    const fired: number[] = [];
    for (let i = 1; i <= 5; i++)
      s.schedule(i, () => {
        fired.push(i);
        if (i === 2) s.halt();
      });
    expect(s.runUntil(100)).toBe('halted');
    expect(fired).toEqual([1, 2]);
    expect(s.now).toBe(2);
    expect(s.runUntilQuiet()).toBe('halted');
    expect(fired).toEqual([1, 2]);
  });

  test('a sliced run calls between every n events and fires the same events in the same order', () => {
    const fire = (s: Scheduler, log: number[]) => {
      for (let i = 0; i < 25; i++) s.schedule(i % 7, () => log.push(i));
    };
    const [whole, sliced] = [new Scheduler(budget), new Scheduler(budget)];
    const [a, b] = [[] as number[], [] as number[]];
    fire(whole, a);
    fire(sliced, b);
    let betweens = 0;
    expect(whole.runUntil(10)).toBe('until');
    expect(sliced.runUntil(10, { events: 10, between: () => betweens++ })).toBe('until');
    expect(b).toEqual(a);
    expect(betweens).toBe(2);
    expect(sliced.now).toBe(10);
  });

  test('rejects scheduling into the past or with a negative delay', () => {
    const s = new Scheduler(budget);
    s.schedule(10, () => {});
    s.runUntilQuiet();
    expect(() => s.scheduleAt(9, () => {})).toThrow(/before now/);
    expect(() => s.schedule(-1, () => {})).toThrow(/>= 0/);
    expect(() => s.schedule(Number.NaN, () => {})).toThrow();
  });
});
