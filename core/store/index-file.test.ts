import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import type { Disk } from '../env.ts';
import { javaHashCode } from '../message/java-hash.ts';
import { IndexFile } from './index-file.ts';
import {
  decodeIndexEntry,
  decodeIndexHeader,
  entryPosition,
  indexKeyHash,
  slotPosition,
} from './index-file-format.ts';

const G = { hashSlotNum: 4, indexNum: 6 };
const DIR = 'store/index';
const NAME = '20260101000000000';
const T0 = 1_767_225_600_000;
const ALL = [0, Number.MAX_SAFE_INTEGER] as const;

function machine() {
  const { world, node, disk } = probeMachine({ seed: 3, disk: { flushLatencyMs: 1 } });
  return { world, node, disk, create: () => IndexFile.create(disk(), DIR, NAME, G) };
}

describe('IndexFile chains', () => {
  test('keys sharing a hash answer for each other; a shared slot is filtered by hash', () => {
    expect([javaHashCode('Aa'), javaHashCode('BB')]).toEqual([2112, 2112]);
    const f = machine().create();
    f.putKey(indexKeyHash('Aa'), 100, T0);
    f.putKey(indexKeyHash('a'), 200, T0 + 1000); // hash 97: slot 1
    f.putKey(indexKeyHash('BB'), 300, T0 + 2000);
    f.putKey(indexKeyHash('e'), 400, T0 + 3000); // hash 101: slot 1 too
    expect(f.selectPhyOffset(indexKeyHash('Aa'), 10, ...ALL)).toEqual([300, 100]);
    expect(f.selectPhyOffset(indexKeyHash('BB'), 10, ...ALL)).toEqual([300, 100]);
    expect(f.selectPhyOffset(indexKeyHash('a'), 10, ...ALL)).toEqual([200]);
    expect(f.selectPhyOffset(indexKeyHash('e'), 10, ...ALL)).toEqual([400]);
    expect(f.selectPhyOffset(indexKeyHash('zz'), 10, ...ALL)).toEqual([]);
    expect(f.selectPhyOffset(indexKeyHash('Aa'), 1, ...ALL)).toEqual([300]);
    const into = [7];
    expect(f.selectPhyOffset(indexKeyHash('a'), 2, ...ALL, into)).toBe(into);
    expect(into).toEqual([7, 200]);
  });

  test('the header tracks begin and end, the slots used and the next entry number', () => {
    const f = machine().create();
    expect([f.indexCount, f.hashSlotCount, f.beginTimestamp, f.endPhyOffset]).toEqual([1, 0, 0, 0]);
    f.putKey(indexKeyHash('Aa'), 100, T0);
    f.putKey(indexKeyHash('a'), 200, T0 + 1000);
    f.putKey(indexKeyHash('BB'), 300, T0 + 2000);
    expect({
      indexCount: f.indexCount,
      hashSlotCount: f.hashSlotCount,
      begin: [f.beginTimestamp, f.beginPhyOffset],
      end: [f.endTimestamp, f.endPhyOffset],
    }).toEqual({ indexCount: 4, hashSlotCount: 2, begin: [T0, 100], end: [T0 + 2000, 300] });
  });

  test('the time range filters entries, at whole-second precision, and stops the walk', () => {
    const f = machine().create();
    f.putKey(indexKeyHash('k'), 100, T0);
    f.putKey(indexKeyHash('k'), 200, T0 + 5000);
    f.putKey(indexKeyHash('k'), 300, T0 + 10_999); // stored as 10 s after the begin time
    expect(f.selectPhyOffset(indexKeyHash('k'), 10, T0 + 3000, T0 + 7000)).toEqual([200]);
    expect(f.selectPhyOffset(indexKeyHash('k'), 10, T0, T0 + 10_000)).toEqual([300, 200, 100]);
    expect(f.selectPhyOffset(indexKeyHash('k'), 10, T0 + 10_500, T0 + 11_000)).toEqual([]);
    expect(f.selectPhyOffset(indexKeyHash('k'), 10, T0 + 10_000, T0 + 10_000)).toEqual([300]);
  });

  test('a full file refuses keys: entry numbers start at 1, so it holds indexNum - 1', () => {
    const f = machine().create();
    for (let i = 1; i < G.indexNum; i++) expect(f.putKey(indexKeyHash(`k${i}`), i, T0)).toBe(true);
    expect(f.isFull()).toBe(true);
    expect(f.putKey(indexKeyHash('one more'), 99, T0)).toBe(false);
    expect(f.indexCount).toBe(G.indexNum);
    expect(f.selectPhyOffset(indexKeyHash('one more'), 10, ...ALL)).toEqual([]);
  });

  test('a file that follows a full one starts at its end; its first timeDiff counts from there', () => {
    const { disk } = machine();
    const f = IndexFile.create(disk(), DIR, NAME, G, { endPhyOffset: 500, endTimestamp: T0 });
    expect([f.beginPhyOffset, f.endPhyOffset, f.beginTimestamp, f.endTimestamp]).toEqual([500, 500, T0, T0]);
    f.putKey(indexKeyHash('x'), 600, T0 + 4000);
    expect([f.beginPhyOffset, f.beginTimestamp]).toEqual([600, T0 + 4000]);
    // The entry says 4 s after the old begin time, read back against the new one: 8 s, as in RocketMQ.
    expect(f.selectPhyOffset(indexKeyHash('x'), 10, T0 + 4000, T0 + 4000)).toEqual([]);
    expect(f.selectPhyOffset(indexKeyHash('x'), 10, T0 + 8000, T0 + 8000)).toEqual([600]);
  });

  test('isTimeMatched: the ranges overlap', () => {
    const f = machine().create();
    f.putKey(indexKeyHash('k'), 1, T0);
    f.putKey(indexKeyHash('k'), 2, T0 + 10_000);
    expect(f.isTimeMatched(T0 - 5, T0 + 20_000)).toBe(true);
    expect(f.isTimeMatched(T0 + 5, T0 + 20_000)).toBe(true);
    expect(f.isTimeMatched(T0 - 5, T0 + 5)).toBe(true);
    expect(f.isTimeMatched(T0 - 9, T0 - 5)).toBe(false);
    expect(f.isTimeMatched(T0 + 10_001, T0 + 20_000)).toBe(false);
  });
});

describe('IndexFile bytes', () => {
  test('a put writes its entry, its slot and the header, nothing else', () => {
    const { disk } = machine();
    const writes: [number, number][] = [];
    const recording: Disk = {
      ...disk(),
      write: (path, offset, data) => {
        writes.push([offset, data.length]);
        disk().write(path, offset, data);
      },
    };
    const f = IndexFile.create(recording, DIR, NAME, G);
    expect(writes).toEqual([[0, 40]]);
    writes.length = 0;
    f.putKey(indexKeyHash('Aa'), 100, T0);
    const slot = slotPosition(2112 % G.hashSlotNum);
    expect(writes).toEqual([
      [entryPosition(G, 1), 20],
      [slot, 4],
      [0, 40],
    ]);
    const path = `${DIR}/${NAME}`;
    expect(decodeIndexEntry(disk().read(path, entryPosition(G, 1), 20), 0)).toEqual({
      keyHash: 2112,
      phyOffset: 100,
      timeDiff: 0,
      prevIndex: 0,
    });
    expect(disk().read(path, slot, 4)).toEqual(Uint8Array.of(0, 0, 0, 1));
    expect(decodeIndexHeader(disk().read(path, 0, 40))).toMatchObject({ indexCount: 2, hashSlotCount: 1 });
  });

  test('keys survive a power loss only once flushed', () => {
    const { world, node, disk, create } = machine();
    const f = create();
    f.putKey(indexKeyHash('Aa'), 100, T0);
    node.powerOff();
    node.start();
    const lost = IndexFile.load(disk(), DIR, NAME, G);
    expect([lost.indexCount, lost.endTimestamp]).toEqual([1, 0]);
    expect(lost.selectPhyOffset(indexKeyHash('Aa'), 10, ...ALL)).toEqual([]);
    lost.putKey(indexKeyHash('Aa'), 100, T0);
    let flushed = false;
    lost.flush(() => (flushed = true));
    world.runUntilQuiet();
    expect(flushed).toBe(true);
    node.powerOff();
    node.start();
    const kept = IndexFile.load(disk(), DIR, NAME, G);
    expect([kept.indexCount, kept.endTimestamp, kept.endPhyOffset]).toEqual([2, T0, 100]);
    expect(kept.selectPhyOffset(indexKeyHash('BB'), 10, ...ALL)).toEqual([100]);
  });

  test('destroy deletes the file', () => {
    const { disk, create } = machine();
    const f = create();
    f.destroy();
    expect(disk().exists(f.path)).toBe(false);
  });
});
