// Reservations (allocate, as fallocate with FALLOC_FL_KEEP_SIZE) and what the disk reports as used
// (usage, as statfs): a file takes max(its size, its reservation) of the capacity.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runs } from '../properties/fc-setup.ts';
import { errorCode, pattern, setup, whole } from './disk-test-helpers.ts';

describe('allocate', () => {
  test('reserves room without changing the size; writes within it take no more', () => {
    const { disk } = setup({ capacityBytes: 100 });
    disk.allocate('a', 60);
    expect([disk.exists('a'), disk.size('a'), disk.usedBytes]).toEqual([true, 0, 0]);
    expect(disk.usage()).toEqual({ usedBytes: 60, capacityBytes: 100 });
    disk.write('a', 0, pattern(50));
    expect(disk.usage().usedBytes).toBe(60);
    expect(errorCode(() => disk.write('b', 0, pattern(41)))).toBe('ENOSPC');
    expect(errorCode(() => disk.allocate('b', 41))).toBe('ENOSPC');
    expect(disk.exists('b')).toBe(false);
    disk.write('a', 50, pattern(30)); // 20 bytes past the reservation
    expect(disk.usage().usedBytes).toBe(80);
  });

  test('a truncate and a power loss keep the reservation; a delete frees it', () => {
    const { disk } = setup({ capacityBytes: 100 });
    disk.allocate('a', 60);
    disk.write('a', 0, pattern(40));
    disk.truncate('a', 10);
    expect(disk.usage().usedBytes).toBe(60);
    disk.powerLoss();
    expect([disk.size('a'), disk.usage().usedBytes]).toEqual([0, 60]);
    disk.delete('a');
    expect(disk.usage().usedBytes).toBe(0);
    expect(disk.diskLoss().paths).toEqual([]);
  });

  // A model of the space each file takes, against which every operation is checked.
  const op = fc.record({
    kind: fc.constantFrom('write', 'allocate', 'truncate', 'delete', 'powerLoss'),
    path: fc.constantFrom('a', 'b', 'c'),
    at: fc.nat(40),
    length: fc.nat(40),
  });
  ptest.prop([fc.array(op, { maxLength: 40 }), fc.integer({ min: 20, max: 120 })], runs(100))(
    'usage is the sum of max(size, reservation), never past the capacity; a refused operation changes nothing',
    (ops, capacityBytes) => {
      const { disk } = setup({ capacityBytes });
      const reserved = new Map<string, number>();
      const space = () =>
        disk.paths().reduce((sum, p) => sum + Math.max(disk.size(p), reserved.get(p) ?? 0), 0);
      for (const { kind, path, at, length } of ops) {
        const before = disk.paths().map((p) => [p, whole(disk, p)]);
        try {
          if (kind === 'write') disk.write(path, at, pattern(length));
          else if (kind === 'allocate') {
            disk.allocate(path, length);
            reserved.set(path, Math.max(reserved.get(path) ?? 0, length));
          } else if (kind === 'powerLoss') disk.powerLoss();
          else if (!disk.exists(path)) continue;
          else if (kind === 'truncate') disk.truncate(path, length);
          else {
            disk.delete(path);
            reserved.delete(path);
          }
        } catch (error) {
          expect(errorCode(() => { throw error; })).toBe('ENOSPC');
          expect(disk.paths().map((p) => [p, whole(disk, p)])).toEqual(before);
        }
        expect(disk.usage().usedBytes).toBe(space());
        expect(disk.usage().usedBytes).toBeLessThanOrEqual(capacityBytes);
      }
    },
  );
});
