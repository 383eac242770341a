import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import { ScheduledExecutor } from './scheduled-executor.ts';

describe('ScheduledExecutor', () => {
  test('a task runs once when due; a cancelled one never; an id of a reused future cancels nothing', () => {
    const { world, env } = probeMachine({ seed: 1 });
    const executor = new ScheduledExecutor(env());
    const ran: string[] = [];
    const first = executor.schedule(10, () => ran.push('first'));
    world.runUntil(20);
    // `first` fired, so its future is free: the next schedule reuses it under a new id.
    executor.schedule(10, () => ran.push('second'));
    executor.cancel(first);
    const third = executor.schedule(5, () => ran.push('third'));
    executor.cancel(third);
    world.runUntil(40);
    expect(ran).toEqual(['first', 'second']);
  });

  test('shutdown cancels every pending task, and what is scheduled after it never runs', () => {
    const { world, env } = probeMachine({ seed: 1 });
    const executor = new ScheduledExecutor(env());
    const ran: number[] = [];
    executor.scheduleAtFixedRate(5, 10, () => ran.push(world.now));
    executor.schedule(30, () => ran.push(-1));
    world.runUntil(27);
    executor.shutdown();
    executor.schedule(1, () => ran.push(-2));
    world.runUntil(100);
    expect(ran).toEqual([5, 15, 25]);
  });
});
