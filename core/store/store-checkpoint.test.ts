import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import { StoreCheckpoint } from './store-checkpoint.ts';

function machine() {
  const { world, node, disk } = probeMachine({ seed: 9, disk: { flushLatencyMs: 2 } });
  const open = () => new StoreCheckpoint(disk(), 'store');
  const fields = (cp: StoreCheckpoint) => [
    cp.physicMsgTimestamp,
    cp.logicsMsgTimestamp,
    cp.indexMsgTimestamp,
  ];
  return { world, node, open, fields };
}

function set(cp: StoreCheckpoint, physic: number, logics: number, index: number): void {
  cp.physicMsgTimestamp = physic;
  cp.logicsMsgTimestamp = logics;
  cp.indexMsgTimestamp = index;
}

describe('StoreCheckpoint', () => {
  test('without a file, load says so and the fields stay 0', () => {
    const { open, fields } = machine();
    const cp = open();
    expect(cp.load()).toBe(false);
    expect(fields(cp)).toEqual([0, 0, 0]);
  });

  test('a flushed checkpoint survives a power loss, in one 4 KB page', () => {
    const { world, node, open, fields } = machine();
    const cp = open();
    set(cp, 30_000, 20_000, 10_000);
    let durable = false;
    cp.flush(() => (durable = true));
    expect(durable).toBe(false);
    world.runUntilQuiet();
    expect(durable).toBe(true);
    node.powerOff();
    node.start();
    const back = open();
    expect(back.load()).toBe(true);
    expect(fields(back)).toEqual([30_000, 20_000, 10_000]);
    expect(node.disk.size(back.path)).toBe(4096);
    expect(back.path).toBe('store/checkpoint');
  });

  test('a power loss before the flush completes keeps the previous checkpoint', () => {
    const { world, node, open, fields } = machine();
    const cp = open();
    set(cp, 3, 2, 1);
    cp.flush();
    world.runUntilQuiet();
    set(cp, 30, 20, 10);
    cp.flush();
    node.powerOff();
    node.start();
    const back = open();
    back.load();
    expect(fields(back)).toEqual([3, 2, 1]);
  });

  test('a power loss before any flush completes leaves zeros', () => {
    const { node, open, fields } = machine();
    const cp = open();
    set(cp, 3, 2, 1);
    cp.flush();
    node.powerOff();
    node.start();
    const back = open();
    expect(back.load()).toBe(true);
    expect(fields(back)).toEqual([0, 0, 0]);
  });

  test('setting a field writes nothing; a flushed write is kept by a kill (page cache)', () => {
    const { node, open, fields } = machine();
    const cp = open();
    set(cp, 3, 2, 1);
    expect(node.disk.exists(cp.path)).toBe(false);
    cp.flush();
    node.kill();
    node.start();
    const back = open();
    back.load();
    expect(fields(back)).toEqual([3, 2, 1]);
  });

  test('minTimestamp: 3 s before the older of CommitLog and ConsumeQueue; the index one can be older', () => {
    const { open } = machine();
    const cp = open();
    set(cp, 10_000, 8_000, 4_000);
    expect([cp.minTimestamp(), cp.minTimestampIndex()]).toEqual([5_000, 4_000]);
    set(cp, 10_000, 8_000, 9_000);
    expect(cp.minTimestampIndex()).toBe(5_000);
    set(cp, 1_000, 8_000, 9_000);
    expect(cp.minTimestamp()).toBe(0);
  });
});
