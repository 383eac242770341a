// The world counts coverage probes per run, apart from the trace: a process that hits probes has
// the same trace hash as one that does not, and each world keeps its own tally.
import { describe, expect, test } from 'vitest';
import type { ProcessMain } from '../core/env.ts';
import { PROBE_NAMES } from '../core/probes.ts';
import { World } from './world.ts';

/** A process that traces a tick every 10 ms, five times, and hits `probes` probes each tick. */
function ticker(probes: number): ProcessMain {
  return (env) => {
    let left = 5;
    const tick = () => {
      env.trace('tick', { left });
      for (let i = 0; i < probes; i++) env.probe(PROBE_NAMES[i % PROBE_NAMES.length]!);
      if (--left > 0) env.setTimer(10, tick);
    };
    env.setTimer(10, tick);
    return {};
  };
}

function run(probes: number) {
  const world = new World({ seed: 7 });
  world.addNode('a', ticker(probes));
  world.runUntilQuiet();
  return world;
}

describe('ProbeTally', () => {
  test('probes are counted per world and leave the trace hash as it was', () => {
    const [none, some] = [run(0), run(3)];
    expect(some.trace.hash).toBe(none.trace.hash);
    expect(some.trace.length).toBe(none.trace.length);
    expect(none.probes.hits()).toEqual({});
    const [a, b, c] = PROBE_NAMES;
    expect(some.probes.hits()).toEqual({ [a!]: 5, [b!]: 5, [c!]: 5 });
    expect(run(1).probes.count(a!)).toBe(5);
  });

  test('hits are listed in the registry order, whatever the order they were hit in', () => {
    const world = new World({ seed: 1 });
    const [first, second] = PROBE_NAMES;
    world.addNode('a', (env) => {
      env.probe(second!);
      env.probe(first!);
      return {};
    });
    expect(Object.keys(world.probes.hits())).toEqual([first, second]);
  });
});
