import { describe, expect, test } from 'vitest';
import { probeProcess, type Probe } from './probe-process.ts';
import { World } from './world.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

function oneNode() {
  const world = new World({ seed: 2, network: { latency: { dist: 'constant', ms: 1 } } });
  const probes = new Map<string, Probe>();
  const main = probeProcess(probes, () => world.now);
  const node = world.addNode('n', main);
  world.addNode('peer', main);
  return { world, node, probe: (a = 'n') => probes.get(a)! };
}

describe('SimNode', () => {
  test('timers fire on time, and a killed incarnation never sees its timers', () => {
    const { world, node, probe } = oneNode();
    const fired: number[] = [];
    probe().env.setTimer(10, () => fired.push(world.now));
    probe().env.setTimer(30, () => fired.push(world.now));
    world.runUntil(20);
    node.kill();
    node.start();
    world.runUntilQuiet();
    expect(fired).toEqual([10]);
  });

  test('a cancelled timer does not fire', () => {
    const { world, probe } = oneNode();
    let fired = false;
    const id = probe().env.setTimer(5, () => (fired = true));
    probe().env.cancelTimer(id);
    world.runUntilQuiet();
    expect(fired).toBe(false);
  });

  test('a timer re-armed from its own callback reuses its slot; a stale id cancels nothing', () => {
    const { world, probe } = oneNode();
    const ids: number[] = [];
    const fired: number[] = [];
    const tick = () => {
      fired.push(world.now);
      if (fired.length < 3) ids.push(probe().env.setTimer(10, tick));
      if (ids.length > 1) probe().env.cancelTimer(ids[0]!);
    };
    ids.push(probe().env.setTimer(10, tick));
    world.runUntilQuiet();
    expect(fired).toEqual([10, 20, 30]);
    expect(new Set(ids).size).toBe(3);
  });

  test('a paused process handles messages and timers late, in order, at resume', () => {
    const { world, node, probe } = oneNode();
    const events: string[] = [];
    probe().env.setTimer(5, () => events.push(`timer@${world.now}`));
    probe().env.net.serve((_f, body) => events.push(`msg ${String(body)}@${world.now}`));
    node.pause();
    probe('peer').env.net.oneway('n', 'x');
    world.runUntil(50);
    expect(events).toEqual([]);
    node.resume();
    world.runUntilQuiet();
    expect(events).toEqual(['msg x@50', 'timer@50']);
  });

  test('a timer due while paused can still be cancelled before the resume runs it', () => {
    // A message handled first at the resume cancels the timer (as an answer cancels its timeout):
    // the timer's callback must not run after it (found by the SYNC_MASTER property: a send
    // answered PUT_OK by the slave's report, then FLUSH_SLAVE_TIMEOUT by its cancelled timer).
    const { world, node, probe } = oneNode();
    const events: string[] = [];
    const id = probe().env.setTimer(20, () => events.push('timer'));
    probe().env.net.serve(() => {
      events.push('msg');
      probe().env.cancelTimer(id);
    });
    probe('peer').env.net.oneway('n', 'x');
    world.runUntil(0.5);
    node.pause();
    world.runUntil(50);
    node.resume();
    world.runUntilQuiet();
    expect(events).toEqual(['msg']);
  });

  test('a kill keeps unflushed bytes (page cache); a power-off loses them', () => {
    const { world, node, probe } = oneNode();
    probe().env.disk.write('f', 0, bytes(1, 2, 3));
    node.kill();
    expect(node.disk.read('f', 0, 3)).toEqual(bytes(1, 2, 3));
    node.start();
    probe().env.disk.flush('f');
    world.runUntilQuiet();
    probe().env.disk.write('f', 3, bytes(4));
    node.powerOff();
    expect(node.disk.read('f', 0, 10)).toEqual(bytes(1, 2, 3));
  });

  test('a flush completion reaches only the incarnation that asked for it', () => {
    const { world, node, probe } = oneNode();
    let done = 0;
    probe().env.disk.write('f', 0, bytes(9));
    probe().env.disk.flush('f', () => done++);
    node.kill();
    node.start();
    world.runUntilQuiet();
    expect(done).toBe(0);
    expect(node.disk.durableSize('f')).toBe(1);
  });

  test('disk loss leaves the machine off with an empty disk', () => {
    const { node, probe } = oneNode();
    probe().env.disk.write('store/commitlog/0', 0, bytes(1));
    node.loseDisk();
    expect(node.state).toBe('off');
    node.start();
    expect(probe().env.disk.exists('store/commitlog/0')).toBe(false);
  });

  test('lifecycle actions in the wrong state are refused', () => {
    const { node } = oneNode();
    expect(() => node.start()).toThrow(/cannot start n: it is running/);
    node.kill();
    expect(() => node.kill()).toThrow(/cannot kill/);
    expect(() => node.resume()).toThrow(/cannot resume/);
  });

  test('clock jumps move what the process reads as now', () => {
    const { world, node, probe } = oneNode();
    const before = probe().env.now();
    node.clock.jump(60_000);
    expect(probe().env.now() - before).toBe(60_000);
    expect(before).toBe(world.config.epochMs);
  });
});
