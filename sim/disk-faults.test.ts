// The disk's faults: a process kill, power loss, torn pages, disk loss, corruption, and the kernel's writeback.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runs } from '../properties/fc-setup.ts';
import { setup, bytes, filled, pattern, whole, expectBytes } from './disk-test-helpers.ts';

describe('process kill', () => {
  test('loses nothing, and pending flushes still complete', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 2 });
    disk.write('a', 0, pattern(8));
    let done = false;
    disk.flush('a', () => (done = true));
    disk.write('a', 8, pattern(4, 8));
    expect(disk.processKill()).toBe(1);
    expect(whole(disk, 'a')).toEqual(pattern(12));
    scheduler.runUntilQuiet();
    expect(done).toBe(true);
    expect(disk.durableSize('a')).toBe(8);
    expect(whole(disk, 'a')).toEqual(pattern(12));
  });
});

describe('power loss', () => {
  test("a completed flush's bytes survive; bytes written after the flush call do not", () => {
    const { disk, scheduler } = setup();
    disk.write('log', 0, pattern(100));
    disk.flush('log');
    disk.write('log', 100, pattern(50, 100));
    scheduler.runUntilQuiet();
    disk.write('log', 150, pattern(20, 150));
    const summary = disk.powerLoss();
    expect(whole(disk, 'log')).toEqual(pattern(100));
    expect(summary).toEqual({
      files: [{ path: 'log', sizeBefore: 170, sizeAfter: 100, droppedBytes: 70, tornBytes: 0 }],
      cancelledFlushes: 0,
    });
    expect(disk.dirtyBytes()).toBe(0);
    expect(disk.usedBytes).toBe(100);
  });

  test('cancels pending flushes: their done never runs and they make nothing durable', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 10 });
    disk.write('a', 0, pattern(8));
    let calls = 0;
    disk.flush('a', () => calls++);
    disk.flush('a', () => calls++);
    scheduler.runUntil(5);
    expect(disk.powerLoss().cancelledFlushes).toBe(2);
    scheduler.runUntilQuiet();
    expect(calls).toBe(0);
    expect(disk.size('a')).toBe(0);
    expect(disk.pendingFlushes).toBe(0);
  });

  test('an unflushed in-place rewrite of a checkpoint reverts to the flushed one', () => {
    const { disk, scheduler } = setup();
    disk.write('checkpoint', 0, filled(4096, 1));
    disk.flush('checkpoint');
    scheduler.runUntilQuiet();
    disk.write('checkpoint', 0, filled(4096, 2));
    expect(disk.powerLoss().files).toEqual([
      { path: 'checkpoint', sizeBefore: 4096, sizeAfter: 4096, droppedBytes: 4096, tornBytes: 0 },
    ]);
    expectBytes(whole(disk, 'checkpoint'), filled(4096, 1));
  });

  test('metadata is durable at once: creation, deletion and truncation survive', () => {
    const { disk, scheduler } = setup();
    disk.write('kept', 0, pattern(10));
    disk.write('gone', 0, pattern(10));
    disk.flush('kept');
    disk.flush('gone');
    scheduler.runUntilQuiet();
    disk.delete('gone');
    disk.truncate('kept', 4);
    disk.truncate('kept', 6);
    disk.write('new', 0, pattern(10));
    disk.powerLoss();
    expect(disk.paths()).toEqual(['kept', 'new']);
    expect(disk.durableRead('kept', 0, 10)).toEqual(bytes(0, 1, 2, 3, 0, 0));
    expect(whole(disk, 'kept')).toEqual(bytes(0, 1, 2, 3, 0, 0));
    expect(disk.size('new')).toBe(0);
  });

  test('files with nothing unflushed are not in the summary and draw nothing', () => {
    const { disk, scheduler } = setup({ tornWriteProbability: 1 });
    disk.write('a', 0, pattern(10));
    disk.flush('a');
    scheduler.runUntilQuiet();
    expect(disk.powerLoss()).toEqual({ files: [], cancelledFlushes: 0 });
    expect(whole(disk, 'a')).toEqual(pattern(10));
  });

  test('without torn writes no unflushed byte survives', () => {
    const { disk } = setup({ tornWriteProbability: 0 });
    disk.write('a', 0, pattern(5000));
    const [loss] = disk.powerLoss().files;
    expect(loss?.torn).toBeUndefined();
    expect(disk.size('a')).toBe(0);
  });
});

describe('torn page', () => {
  /** 12 KiB written, the first 5000 bytes flushed, then power lost, for one rng seed. */
  function tornAppend(seed: string) {
    const { disk, scheduler } = setup({ tornWriteProbability: 1 }, seed);
    disk.write('log', 0, pattern(12288));
    disk.flush('log', undefined, { offset: 0, length: 5000 });
    scheduler.runUntilQuiet();
    const loss = disk.powerLoss().files[0];
    return { disk, loss };
  }

  test('keeps a whole number of sectors of the first unflushed page, never more than the page', () => {
    const sizes = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const { disk, loss } = tornAppend(`torn-${i}`);
      const size = disk.size('log');
      // 5000 is in sector 4608..5120 of page 4096..8192: the tear ends on a sector boundary of that page.
      expect(size).toBeGreaterThanOrEqual(5120);
      expect(size).toBeLessThanOrEqual(8192);
      expect(size % 512).toBe(0);
      expectBytes(whole(disk, 'log'), pattern(size));
      expect(loss).toEqual({
        path: 'log',
        sizeBefore: 12288,
        sizeAfter: size,
        droppedBytes: 12288 - size,
        tornBytes: size - 5000,
        torn: { offset: 4608, length: size - 4608 },
      });
      sizes.add(size);
    }
    expect(sizes.size).toBeGreaterThan(3);
  });

  test('the same seed tears the same way', () => {
    expect(tornAppend('same').loss).toEqual(tornAppend('same').loss);
  });

  test('an in-place rewrite tears into new sectors followed by old ones', () => {
    for (let i = 0; i < 20; i++) {
      const { disk, scheduler } = setup({ tornWriteProbability: 1 }, `checkpoint-${i}`);
      disk.write('checkpoint', 0, filled(4096, 1));
      disk.flush('checkpoint');
      scheduler.runUntilQuiet();
      disk.write('checkpoint', 0, filled(4096, 2));
      const loss = disk.powerLoss().files[0];
      const kept = loss?.tornBytes ?? -1;
      expect(kept % 512).toBe(0);
      expect(kept).toBeGreaterThan(0);
      const expected = filled(4096, 1);
      expected.fill(2, 0, kept);
      expectBytes(whole(disk, 'checkpoint'), expected);
    }
  });

  test('a tear stops at the end of a short file, and keeps only one page of a longer one', () => {
    for (let i = 0; i < 20; i++) {
      const { disk } = setup({ tornWriteProbability: 1, pageSize: 64, sectorSize: 16 }, `short-${i}`);
      disk.write('short', 0, pattern(40));
      disk.write('long', 0, pattern(1000));
      disk.powerLoss();
      expect([16, 32, 40]).toContain(disk.size('short'));
      expect([16, 32, 48, 64]).toContain(disk.size('long'));
      expect(whole(disk, 'long')).toEqual(pattern(disk.size('long')));
    }
  });
});

describe('disk loss', () => {
  test('replaces the disk with an empty one and cancels pending flushes', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 1 });
    disk.write('a/x', 0, pattern(10));
    disk.write('b', 0, pattern(5));
    disk.flush('b');
    scheduler.runUntilQuiet();
    let done = false;
    disk.flush('a/x', () => (done = true));
    expect(disk.diskLoss()).toEqual({ paths: ['a/x', 'b'], bytes: 15, cancelledFlushes: 1 });
    scheduler.runUntilQuiet();
    expect(done).toBe(false);
    expect(disk.paths()).toEqual([]);
    expect(disk.list('a')).toEqual([]);
    expect(disk.usedBytes).toBe(0);
    expect(disk.dirtyBytes()).toBe(0);
    disk.write('b', 0, bytes(1));
    expect(whole(disk, 'b')).toEqual(bytes(1));
  });
});

describe('corruption', () => {
  function flushed(length: number) {
    const { disk, scheduler } = setup();
    disk.write('a', 0, pattern(length));
    disk.flush('a');
    scheduler.runUntilQuiet();
    return disk;
  }

  test('corrupt flips exactly one bit, in the cache and on the medium', () => {
    const disk = flushed(16);
    disk.corrupt('a', 5, 3);
    const after = whole(disk, 'a');
    expect(after[5]).toBe(5 ^ 8);
    after[5] = 5;
    expect(after).toEqual(pattern(16));
    expect(disk.durableRead('a', 5, 1)).toEqual(bytes(5 ^ 8));
    expect(disk.dirtyBytes()).toBe(0);
    disk.powerLoss();
    expect(disk.read('a', 5, 1)).toEqual(bytes(5 ^ 8));
    disk.corrupt('a', 5, 3);
    expect(whole(disk, 'a')).toEqual(pattern(16));
  });

  test('corrupting an unflushed byte changes only the cache', () => {
    const disk = flushed(4);
    disk.write('a', 4, bytes(0));
    disk.corrupt('a', 4, 7);
    expect(disk.read('a', 4, 1)).toEqual(bytes(128));
    expect(disk.durableSize('a')).toBe(4);
  });

  test('corrupt rejects a byte past the end or a bit outside 0..7', () => {
    const disk = flushed(4);
    expect(() => disk.corrupt('a', 4, 0)).toThrow(RangeError);
    expect(() => disk.corrupt('a', 0, 8)).toThrow(RangeError);
    expect(() => disk.corrupt('a', 0, -1)).toThrow(RangeError);
    expect(whole(disk, 'a')).toEqual(pattern(4));
  });

  test('corruptRandom flips one bit that the rng chose, and nothing in an empty file', () => {
    const disk = flushed(64);
    const flip = disk.corruptRandom('a');
    if (flip === undefined) throw new Error('a non-empty file must get a flip');
    expect(flip.offset).toBeGreaterThanOrEqual(0);
    expect(flip.offset).toBeLessThan(64);
    expect(flip.bit).toBeGreaterThanOrEqual(0);
    expect(flip.bit).toBeLessThan(8);
    const after = whole(disk, 'a');
    const original = pattern(64);
    const changed = [...after.keys()].filter((i) => after[i] !== original[i]);
    expect(changed).toEqual([flip.offset]);
    expect((after[flip.offset] ?? 0) ^ (original[flip.offset] ?? 0)).toBe(1 << flip.bit);
    expect(flushed(64).corruptRandom('a')).toEqual(flip);
    disk.write('empty', 0, bytes());
    expect(disk.corruptRandom('empty')).toBeUndefined();
  });
});

describe('kernel writeback', () => {
  test('bytes dirty for dirtyExpireMs reach the medium without a flush; younger ones do not', () => {
    const { scheduler, disk } = setup({ dirtyExpireMs: 30_000, writebackIntervalMs: 5_000 });
    disk.write('old', 0, filled(100, 1));
    scheduler.runUntil(20_000);
    disk.write('young', 0, filled(100, 2));
    scheduler.runUntil(36_000);
    expect([disk.durableSize('old'), disk.durableSize('young')]).toEqual([100, 0]);
    disk.powerLoss();
    expectBytes(whole(disk, 'old'), filled(100, 1));
    expect(disk.size('young')).toBe(0);
  });

  test('writeback writes the current content, and the flusher sleeps once nothing is dirty', () => {
    const { scheduler, disk } = setup({ dirtyExpireMs: 10_000, writebackIntervalMs: 5_000 });
    disk.write('f', 0, filled(10, 1));
    scheduler.runUntil(7_000);
    disk.write('f', 0, filled(10, 9));
    expect(scheduler.runUntilQuiet()).toBe('quiet');
    expect(scheduler.now).toBeLessThanOrEqual(25_000);
    expectBytes(disk.durableRead('f', 0, 10), filled(10, 9));
  });

  test('Infinity turns it off: nothing becomes durable without a flush', () => {
    const { scheduler, disk } = setup({ dirtyExpireMs: Infinity });
    disk.write('f', 0, filled(10, 1));
    expect(scheduler.runUntilQuiet()).toBe('quiet');
    expect(disk.durableSize('f')).toBe(0);
  });
});

describe('dirty bytes', () => {
  // Appends, overwrites and writes past the end, mixed with range flushes that complete at once.
  const op = fc.oneof(
    fc.record({ kind: fc.constant('append' as const), length: fc.integer({ min: 1, max: 20 }) }),
    fc.record({
      kind: fc.constantFrom('write' as const, 'flush' as const),
      offset: fc.nat({ max: 60 }),
      length: fc.integer({ min: 1, max: 40 }),
    }),
  );
  ptest.prop([fc.array(op, { maxLength: 40 })], runs(500))(
    'are exactly the bytes written since a flush covered them',
    (ops) => {
      const { scheduler, disk } = setup();
      const dirty: boolean[] = [];
      let size = 0;
      for (const o of ops) {
        const offset = o.kind === 'append' ? size : o.offset;
        if (o.kind === 'flush') {
          if (size === 0) continue;
          disk.flush('f', undefined, { offset, length: o.length });
          scheduler.runUntilQuiet();
          for (let i = offset; i < Math.min(offset + o.length, size); i++) dirty[i] = false;
        } else {
          disk.write('f', offset, filled(o.length, 1));
          // The zero gap a write past the end leaves is dirty too.
          for (let i = Math.min(offset, size); i < offset + o.length; i++) dirty[i] = true;
          size = Math.max(size, offset + o.length);
        }
        expect(disk.dirtyBytes('f')).toBe(dirty.filter(Boolean).length);
      }
    },
  );
});
