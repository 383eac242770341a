// The disk as files: configuration, reads and writes, capacity, flushes and views.
import { describe, expect, test } from 'vitest';
import { newDiskSpan } from '../core/env.ts';
import { setup, bytes, filled, pattern, whole, expectBytes, errorCode } from './disk-test-helpers.ts';
import { diskConfigSchema } from './disk.ts';

describe('config', () => {
  test('defaults', () => {
    expect(diskConfigSchema.parse({})).toEqual({
      pageSize: 4096,
      sectorSize: 512,
      tornWriteProbability: 0,
      flushLatencyMs: 0,
      flushBytesPerMs: Infinity,
      capacityBytes: Infinity,
      writebackIntervalMs: 5_000,
      dirtyExpireMs: 30_000,
    });
  });

  test('rejects unknown keys, a sector that does not divide the page, and out-of-range values', () => {
    expect(diskConfigSchema.safeParse({ pageSiz: 4096 }).success).toBe(false);
    expect(diskConfigSchema.safeParse({ pageSize: 4096, sectorSize: 1000 }).success).toBe(false);
    expect(diskConfigSchema.safeParse({ tornWriteProbability: 1.5 }).success).toBe(false);
    expect(diskConfigSchema.safeParse({ flushLatencyMs: -1 }).success).toBe(false);
    expect(diskConfigSchema.safeParse({ flushBytesPerMs: 0 }).success).toBe(false);
    expect(diskConfigSchema.safeParse({ capacityBytes: 1000, flushBytesPerMs: 10 }).success).toBe(true);
  });
});

describe('files', () => {
  test('a write is read back at once, and read and write copy their bytes', () => {
    const { disk } = setup();
    const data = bytes(1, 2, 3);
    disk.write('a', 0, data);
    data[0] = 9;
    const read = disk.read('a', 0, 3);
    expect(read).toEqual(bytes(1, 2, 3));
    read[1] = 9;
    expect(disk.read('a', 0, 3)).toEqual(bytes(1, 2, 3));
  });

  test('read is short at the end of the file and empty past it', () => {
    const { disk } = setup();
    disk.write('a', 0, bytes(1, 2, 3));
    expect(disk.read('a', 1, 10)).toEqual(bytes(2, 3));
    expect(disk.read('a', 3, 10)).toEqual(bytes());
    expect(disk.read('a', 50, 10)).toEqual(bytes());
  });

  test('a write past the end zero-fills the gap; an overwrite keeps the size', () => {
    const { disk } = setup();
    disk.write('a', 4, bytes(7, 8));
    expect(whole(disk, 'a')).toEqual(bytes(0, 0, 0, 0, 7, 8));
    disk.write('a', 1, bytes(5));
    expect(whole(disk, 'a')).toEqual(bytes(0, 5, 0, 0, 7, 8));
    expect(disk.size('a')).toBe(6);
  });

  test('an empty write creates the file and changes nothing else', () => {
    const { disk } = setup();
    disk.write('a', 10, bytes());
    expect(disk.exists('a')).toBe(true);
    expect(disk.size('a')).toBe(0);
  });

  test('a missing file is ENOENT for every operation that needs one', () => {
    const { disk } = setup();
    expect(disk.exists('nope')).toBe(false);
    expect(errorCode(() => disk.size('nope'))).toBe('ENOENT');
    expect(errorCode(() => disk.read('nope', 0, 1))).toBe('ENOENT');
    expect(errorCode(() => disk.truncate('nope', 0))).toBe('ENOENT');
    expect(errorCode(() => disk.delete('nope'))).toBe('ENOENT');
    expect(errorCode(() => disk.flush('nope'))).toBe('ENOENT');
    expect(errorCode(() => disk.corrupt('nope', 0, 0))).toBe('ENOENT');
    expect(disk.exists('nope')).toBe(false);
  });

  test('offsets and lengths must be non-negative integers', () => {
    const { disk } = setup();
    disk.write('a', 0, bytes(1));
    expect(() => disk.write('a', -1, bytes(1))).toThrow(RangeError);
    expect(() => disk.write('a', 0.5, bytes(1))).toThrow(RangeError);
    expect(() => disk.read('a', 0, -1)).toThrow(RangeError);
    expect(() => disk.truncate('a', 1.5)).toThrow(RangeError);
    expect(() => disk.flush('a', undefined, { offset: -1, length: 1 })).toThrow(RangeError);
    expect(() => disk.write('dir/', 0, bytes(1))).toThrow(RangeError);
    expect(whole(disk, 'a')).toEqual(bytes(1));
  });

  test('list gives the files and subdirectories directly inside a directory, sorted', () => {
    const { disk } = setup();
    for (const path of [
      'store/commitlog/01',
      'store/commitlog/00',
      'store/checkpoint',
      'store/a/b/c',
      'top',
    ]) {
      disk.write(path, 0, bytes(1));
    }
    expect(disk.list('store')).toEqual(['a', 'checkpoint', 'commitlog']);
    expect(disk.list('store/')).toEqual(['a', 'checkpoint', 'commitlog']);
    expect(disk.list('store/commitlog')).toEqual(['00', '01']);
    expect(disk.list('store/a')).toEqual(['b']);
    expect(disk.list('')).toEqual(['store', 'top']);
    expect(disk.list('missing')).toEqual([]);
    expect(disk.list('store/commit')).toEqual([]);
    expect(disk.paths()).toEqual([
      'store/a/b/c',
      'store/checkpoint',
      'store/commitlog/00',
      'store/commitlog/01',
      'top',
    ]);
  });

  test('truncate shrinks, and extends with zeros (old bytes never come back)', () => {
    const { disk } = setup();
    disk.write('a', 0, bytes(1, 2, 3, 4));
    disk.truncate('a', 2);
    expect(whole(disk, 'a')).toEqual(bytes(1, 2));
    disk.truncate('a', 5);
    expect(whole(disk, 'a')).toEqual(bytes(1, 2, 0, 0, 0));
    expect(disk.usedBytes).toBe(5);
  });

  test('delete removes the file and frees its bytes', () => {
    const { disk } = setup();
    disk.write('a', 0, bytes(1, 2));
    disk.write('b', 0, bytes(3));
    disk.delete('a');
    expect(disk.exists('a')).toBe(false);
    expect(disk.paths()).toEqual(['b']);
    expect(disk.usedBytes).toBe(1);
  });

  test('many small appends build a large file byte for byte', () => {
    const { disk } = setup();
    const chunk = 997;
    for (let i = 0; i < 2000; i++) disk.write('log', i * chunk, pattern(chunk, i * chunk));
    expect(disk.size('log')).toBe(2000 * chunk);
    expectBytes(disk.read('log', 0, 2000 * chunk), pattern(2000 * chunk));
    expect(disk.dirtyBytes()).toBe(2000 * chunk);
  });
});

describe('capacity', () => {
  test('a write that would exceed it is ENOSPC and changes nothing', () => {
    const { disk } = setup({ capacityBytes: 10 });
    disk.write('a', 0, pattern(6));
    disk.write('b', 0, pattern(3));
    expect(errorCode(() => disk.write('a', 6, pattern(2)))).toBe('ENOSPC');
    expect(errorCode(() => disk.write('c', 0, pattern(2)))).toBe('ENOSPC');
    expect(errorCode(() => disk.truncate('b', 5))).toBe('ENOSPC');
    expect(whole(disk, 'a')).toEqual(pattern(6));
    expect(disk.size('b')).toBe(3);
    expect(disk.exists('c')).toBe(false);
    expect(disk.usedBytes).toBe(9);
    expect(disk.dirtyBytes()).toBe(9);
  });

  test('an overwrite inside a full disk fits, and a delete frees room', () => {
    const { disk } = setup({ capacityBytes: 4 });
    disk.write('a', 0, pattern(4));
    disk.write('a', 1, bytes(9, 9));
    expect(whole(disk, 'a')).toEqual(bytes(0, 9, 9, 3));
    disk.delete('a');
    disk.write('b', 0, pattern(4));
    expect(disk.usedBytes).toBe(4);
  });

  test('a power loss gives back the room of the dropped bytes', () => {
    const { disk, scheduler } = setup({ capacityBytes: 8 });
    disk.write('a', 0, pattern(4));
    disk.flush('a');
    scheduler.runUntilQuiet();
    disk.write('a', 4, pattern(4));
    disk.powerLoss();
    expect(disk.usedBytes).toBe(4);
    disk.write('b', 0, pattern(4));
  });
});

describe('flush', () => {
  test('done is never synchronous, even with no latency', () => {
    const { disk, scheduler } = setup();
    disk.write('a', 0, pattern(10));
    let calls = 0;
    disk.flush('a', () => calls++);
    expect(calls).toBe(0);
    expect(disk.durableSize('a')).toBe(0);
    expect(disk.pendingFlushes).toBe(1);
    scheduler.runUntilQuiet();
    expect(calls).toBe(1);
    expect(disk.durableSize('a')).toBe(10);
    expect(disk.durableRead('a', 0, 10)).toEqual(pattern(10));
    expect(disk.dirtyBytes()).toBe(0);
    expect(disk.pendingFlushes).toBe(0);
  });

  test('takes latency plus unflushed bytes over bandwidth', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 5, flushBytesPerMs: 100 });
    disk.write('a', 0, pattern(1000));
    let doneAt: number | undefined;
    disk.flush('a', () => (doneAt = scheduler.now));
    scheduler.runUntil(14.9);
    expect(doneAt).toBeUndefined();
    scheduler.runUntilQuiet();
    expect(doneAt).toBe(15);
    disk.flush('a', () => (doneAt = scheduler.now)); // nothing left to write: latency only
    scheduler.runUntilQuiet();
    expect(doneAt).toBe(20);
  });

  test('a range flush makes only its bytes durable; an unflushed hole before them is zeros', () => {
    const { disk, scheduler } = setup();
    disk.write('a', 0, pattern(30));
    disk.flush('a', undefined, { offset: 10, length: 10 });
    scheduler.runUntilQuiet();
    expect(disk.durableSize('a')).toBe(20);
    expect(disk.dirtyBytes('a')).toBe(20);
    const expected = new Uint8Array(20);
    expected.set(pattern(10, 10), 10);
    expect(disk.durableRead('a', 0, 30)).toEqual(expected);
    disk.powerLoss();
    expect(whole(disk, 'a')).toEqual(expected);
  });

  test('a range past the end is cut to the size', () => {
    const { disk, scheduler } = setup();
    disk.write('a', 0, pattern(8));
    disk.flush('a', undefined, { offset: 4, length: 100 });
    disk.flush('a', undefined, { offset: 50, length: 10 });
    scheduler.runUntilQuiet();
    expect(disk.durableSize('a')).toBe(8);
    expect(disk.dirtyBytes('a')).toBe(4);
  });

  test('bytes appended after the call are not flushed; an overwrite inside the range is', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 1 });
    disk.write('a', 0, pattern(8));
    disk.flush('a');
    disk.write('a', 8, bytes(50, 51));
    disk.write('a', 0, bytes(99));
    scheduler.runUntilQuiet();
    expect(disk.durableSize('a')).toBe(8);
    expect(disk.durableRead('a', 0, 10)).toEqual(bytes(99, 1, 2, 3, 4, 5, 6, 7));
    expect(disk.dirtyBytes('a')).toBe(2);
  });

  test('a flush of a file deleted (and recreated) before it completes makes nothing durable', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 1 });
    disk.write('a', 0, pattern(8));
    let done = false;
    disk.flush('a', () => (done = true));
    disk.delete('a');
    disk.write('a', 0, pattern(4));
    scheduler.runUntilQuiet();
    expect(done).toBe(true);
    expect(disk.durableSize('a')).toBe(0);
    expect(disk.dirtyBytes('a')).toBe(4);
  });

  test('a flush of a file shrunk before it completes flushes what is left', () => {
    const { disk, scheduler } = setup({ flushLatencyMs: 1 });
    disk.write('a', 0, pattern(8));
    disk.flush('a');
    disk.truncate('a', 3);
    scheduler.runUntilQuiet();
    expect(disk.durableSize('a')).toBe(3);
    expect(disk.dirtyBytes()).toBe(0);
  });
});

describe('view', () => {
  test("read's bytes in place: a later write shows through a view and not through a read", () => {
    const { disk } = setup();
    disk.write('a', 0, pattern(10));
    const span = newDiskSpan();
    const viewed = (offset: number, length: number) => {
      disk.view('a', offset, length, span);
      return span.bytes.subarray(span.start, span.end);
    };
    const seen = viewed(2, 4);
    const copied = disk.read('a', 2, 4);
    expectBytes(seen, copied);
    expect(viewed(8, 10)).toEqual(bytes(8, 9));
    disk.write('a', 3, filled(2, 0xaa));
    expectBytes(seen, bytes(2, 0xaa, 0xaa, 5));
    expectBytes(copied, pattern(4, 2));
  });
});
