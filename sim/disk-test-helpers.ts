// What the disk tests share: a disk on its own scheduler, recognisable bytes, byte comparisons.
import { expect } from 'vitest';
import type { z } from 'zod';
import { DiskError, type DiskErrorCode } from '../core/env.ts';
import { diskConfigSchema, SimDisk } from './disk.ts';
import { SeededRng } from './rng.ts';
import { Scheduler } from './scheduler.ts';

export type ConfigInput = z.input<typeof diskConfigSchema>;

/** fsync semantics alone: the kernel's flusher is off unless a test turns it on. */
export function setup(config: ConfigInput = {}, seed = 'disk-test') {
  const scheduler = new Scheduler({ maxEvents: 1_000_000, maxTimeMs: 1e12 });
  const parsed = diskConfigSchema.parse({ dirtyExpireMs: Infinity, ...config });
  const disk = new SimDisk({ scheduler, rng: new SeededRng(seed), config: parsed });
  return { scheduler, disk };
}

export const bytes = (...values: number[]) => Uint8Array.from(values);
export const filled = (length: number, value: number) => new Uint8Array(length).fill(value);
/** Bytes 0, 1, 2... (mod 251), so that every offset of a test file is recognisable. */
export const pattern = (length: number, from = 0) => Uint8Array.from({ length }, (_, i) => (from + i) % 251);
export const whole = (disk: SimDisk, path: string) => disk.read(path, 0, disk.size(path));

/** Compares in one pass (toEqual walks a large typed array slowly) and names the first difference. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  const common = Math.min(actual.length, expected.length);
  let at = 0;
  while (at < common && actual[at] === expected[at]) at++;
  const same = at === common && actual.length === expected.length;
  expect({ length: actual.length, firstDifference: same ? 'none' : at }).toEqual({
    length: expected.length,
    firstDifference: 'none',
  });
}

export function errorCode(action: () => unknown): DiskErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DiskError) return error.code;
    throw error;
  }
  return undefined;
}
