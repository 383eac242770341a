import { describe, expect, test } from 'vitest';
import { ConfigError } from '../core/config-error.ts';
import { echoClient, echoServer, type EchoOutcome } from './echo.ts';
import type { FaultInput } from './nemesis.ts';
import { World } from './world.ts';

function echoWorld(seed: number, faults: FaultInput[] = []) {
  const world = new World({ seed, network: { latency: { dist: 'exponential', minMs: 1, meanMs: 4 } } });
  const log: EchoOutcome[] = [];
  world.addNode('server', echoServer);
  world.addNode('client', echoClient({ server: 'server', count: 50, intervalMs: 20, timeoutMs: 100, log }));
  world.scheduleFaults(faults);
  const stop = world.runUntilQuiet();
  return { world, log, stop };
}

const chaos: FaultInput[] = [
  { at: 100, fault: 'partition', from: ['client'], to: ['server'] },
  { at: 300, fault: 'heal' },
  { at: 400, fault: 'kill', node: 'server' },
  { at: 500, fault: 'restart', node: 'server' },
  { at: 600, fault: 'pause', node: 'server' },
  { at: 700, fault: 'resume', node: 'server' },
];

describe('World', () => {
  test('the echo pair completes every request when nothing fails', () => {
    const { log, stop } = echoWorld(1);
    expect(stop).toBe('quiet');
    expect(log.map((o) => o.n)).toEqual([...Array(50).keys()]);
    expect(log.every((o) => o.ok)).toBe(true);
  });

  test('under faults the echo pair sees timeouts and refusals, then recovers', () => {
    const { log } = echoWorld(1, chaos);
    const errors = new Set(log.filter((o) => !o.ok).map((o) => o.error));
    expect(errors).toContain('timeout');
    expect(errors.has('refused') || errors.has('closed')).toBe(true);
    expect(log.at(-1)).toMatchObject({ n: 49, ok: true });
  });

  test('same seed and schedule give the same trace hash; another seed does not', () => {
    const a = echoWorld(7, chaos);
    const b = echoWorld(7, chaos);
    const c = echoWorld(8, chaos);
    expect(a.world.trace.hash).toBe(b.world.trace.hash);
    expect(a.log).toEqual(b.log);
    expect(c.world.trace.hash).not.toBe(a.world.trace.hash);
  });

  test('the nemesis skips a fault that means nothing in the node state', () => {
    const { log } = echoWorld(1, [
      { at: 50, fault: 'resume', node: 'server' },
      { at: 60, fault: 'kill', node: 'server' },
      { at: 70, fault: 'kill', node: 'server' },
      { at: 80, fault: 'restart', node: 'server' },
    ]);
    expect(log.at(-1)).toMatchObject({ n: 49, ok: true });
  });

  test('fill-disk leaves freeBytes of a disk free with a file of another process; free-disk deletes it', () => {
    const world = new World({ seed: 1, disk: { capacityBytes: 1_000 } });
    world.addNode('server', echoServer);
    world.node('server').disk.write('mine', 0, new Uint8Array(100));
    world.scheduleFaults([
      { at: 10, fault: 'fill-disk', node: 'server', freeBytes: 300 },
      { at: 20, fault: 'fill-disk', node: 'server', freeBytes: 0 },
      { at: 30, fault: 'free-disk', node: 'server' },
    ]);
    const used = () => world.node('server').disk.usage().usedBytes;
    world.runUntil(15);
    expect(used()).toBe(700);
    world.runUntil(25);
    expect(used()).toBe(1_000);
    world.runUntil(35);
    expect(used()).toBe(100);
    expect(world.node('server').disk.paths()).toEqual(['mine']);
  });

  test('a bad world configuration names the field', () => {
    const bad = () => new World({ seed: 1, network: { latency: { dist: 'uniform', minMs: 5, maxMs: 1 } } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/maxMs must be >= minMs[\s\S]*network\.latency\.maxMs/);
    expect(() => new World({ seed: -1 })).toThrow(/seed/);
    expect(() => new World({ seed: 1, disk: { pageSize: 'big' } } as never)).toThrow(/disk\.pageSize/);
    expect(() => new World({ seed: 1, color: 'red' } as never)).toThrow(/Unrecognized key: "color"/);
  });

  test('a bad fault schedule names the fault and field; nothing is scheduled', () => {
    const world = new World({ seed: 1 });
    world.addNode('server', echoServer);
    expect(() => world.scheduleFaults([{ at: 5, fault: 'kill', node: 'nobody' }])).toThrow(
      /unknown node "nobody"[\s\S]*at \[0\]/,
    );
    expect(() => world.scheduleFaults([{ at: -1, fault: 'heal' }])).toThrow(/\[0\]\.at/);
    expect(() => world.scheduleFaults([{ at: 1, fault: 'melt', node: 'server' }])).toThrow(/\[0\]\.fault/);
    expect(world.scheduler.pending).toBe(0);
  });
});
