import { describe, expect, test } from 'vitest';
import { NodeClock } from './clock.ts';

describe('NodeClock', () => {
  test('reads epoch plus offset plus scaled world time', () => {
    const world = { now: 0 };
    const clock = new NodeClock(world, 1_000_000, { offsetMs: 250, driftPpm: 0 });
    expect(clock.now()).toBe(1_000_250);
    world.now = 10_000;
    expect(clock.now()).toBe(1_010_250);
    expect(clock.skewMs()).toBe(250);
  });

  test('drift makes the clock run fast and timers fire early in world time', () => {
    const world = { now: 0 };
    const clock = new NodeClock(world, 0, { offsetMs: 0, driftPpm: 1_000 });
    world.now = 1_000_000;
    expect(clock.now()).toBe(1_001_000);
    expect(clock.worldDelay(1_001)).toBeCloseTo(1_000, 6);
  });

  test('a jump moves the wall clock, even backwards, but not timers', () => {
    const clock = new NodeClock({ now: 500 }, 10_000, { offsetMs: 0, driftPpm: 0 });
    clock.jump(-2_000);
    expect(clock.now()).toBe(8_500);
    expect(clock.worldDelay(100)).toBe(100);
    expect(clock.worldDelay(-5)).toBe(0);
  });
});
