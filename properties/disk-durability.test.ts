// Durability of sim/disk.ts against a plain model: generated sequences of writes (appends and
// writes at any offset), flushes (whole files and ranges), truncations, deletions and the passing
// of virtual time, then a fault. The model keeps each file's cache and durable bytes as plain
// arrays and applies a flush when the disk calls its `done`, so it checks what a flush makes
// durable while the disk decides when.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { ByteRange } from '../core/env.ts';
import { diskConfigSchema, SimDisk, type FileLoss } from '../sim/disk.ts';
import { SeededRng } from '../sim/rng.ts';
import { Scheduler } from '../sim/scheduler.ts';

const PATHS = ['store/a', 'store/b', 'store/c'];

type Op =
  | { kind: 'write'; file: number; offset: number | 'append'; data: Uint8Array }
  | { kind: 'flush'; file: number; range: ByteRange | undefined }
  | { kind: 'advance'; ms: number }
  | { kind: 'truncate'; file: number; size: number }
  | { kind: 'delete'; file: number };

const fileArb = fc.integer({ min: 0, max: PATHS.length - 1 });
/**
 * Operation sequences with `usual` appends per write at any offset, and as many flushes of a
 * whole file per range flush: RocketMQ mostly appends and flushes whole files.
 */
function opsArb(usual: number): fc.Arbitrary<Op[]> {
  const write = fc.record({
    kind: fc.constant('write' as const),
    file: fileArb,
    offset: fc.oneof(
      { arbitrary: fc.constant('append' as const), weight: usual },
      { arbitrary: fc.integer({ min: 0, max: 200 }), weight: 1 },
    ),
    data: fc.uint8Array({ maxLength: 40 }),
  });
  const flush = fc.record({
    kind: fc.constant('flush' as const),
    file: fileArb,
    range: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: usual },
      { arbitrary: fc.record({ offset: fc.nat(220), length: fc.nat(100) }), weight: 1 },
    ),
  });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: write, weight: 6 },
    { arbitrary: flush, weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(50) }), weight: 3 },
    {
      arbitrary: fc.record({ kind: fc.constant('truncate' as const), file: fileArb, size: fc.nat(200) }),
      weight: 1,
    },
    { arbitrary: fc.record({ kind: fc.constant('delete' as const), file: fileArb }), weight: 1 },
  );
  return fc.array(op, { maxLength: 50, size: 'max' });
}
const timingArb = fc.record({
  flushLatencyMs: fc.nat(10),
  flushBytesPerMs: fc.oneof(fc.constant(Infinity), fc.integer({ min: 4, max: 50 })),
});
const geometryArb = fc.record({
  sectorSize: fc.constantFrom(1, 4, 8, 16),
  sectorsPerPage: fc.constantFrom(1, 2, 4, 8),
  tornWriteProbability: fc.constantFrom(0.5, 1),
});

/** One file as the model sees it: the cache, and what a power loss would leave. */
interface ModelFile {
  cache: number[];
  durable: number[];
}

/** Sets `bytes[at]`, first zero-filling any gap before it. */
function put(bytes: number[], at: number, value: number): void {
  while (bytes.length < at) bytes.push(0);
  bytes[at] = value;
}

/** Runs `ops` on a SimDisk and on the model side by side; an operation on a missing file must be ENOENT. */
class Harness {
  readonly scheduler = new Scheduler({ maxEvents: 100_000, maxTimeMs: 1e9 });
  readonly disk: SimDisk;
  readonly model = new Map<string, ModelFile>();
  issued = 0;
  completed = 0;
  private calling = false;
  private powered = true;
  readonly violations: string[] = [];

  constructor(config: Record<string, number>, seed: string) {
    // The model knows fsync only: the kernel's flusher is off here (sim/disk.test.ts covers it).
    const parsed = diskConfigSchema.parse({ dirtyExpireMs: Infinity, ...config });
    this.disk = new SimDisk({ scheduler: this.scheduler, rng: new SeededRng(seed), config: parsed });
  }

  run(ops: Op[]): void {
    for (const op of ops) {
      if (op.kind === 'advance') this.scheduler.runUntil(this.scheduler.now + op.ms);
      else this.apply(op, PATHS[op.file] ?? '');
    }
  }

  powerLoss(): { files: FileLoss[]; cancelledFlushes: number } {
    this.powered = false;
    return this.disk.powerLoss();
  }

  private apply(op: Exclude<Op, { kind: 'advance' }>, path: string): void {
    const file = this.model.get(path);
    if (op.kind === 'write') return this.write(path, op.offset, op.data);
    if (file === undefined) {
      expect(() => this.applyToDisk(op, path)).toThrow(/^ENOENT: /);
      return;
    }
    if (op.kind === 'delete') {
      this.disk.delete(path);
      this.model.delete(path);
    } else if (op.kind === 'truncate') {
      this.disk.truncate(path, op.size);
      this.truncateModel(file, op.size);
    } else {
      this.flush(path, file, op.range);
    }
  }

  /** The operation on the disk alone, for a file that must be missing (so it throws ENOENT). */
  private applyToDisk(op: Exclude<Op, { kind: 'advance' | 'write' }>, path: string): void {
    if (op.kind === 'delete') this.disk.delete(path);
    else if (op.kind === 'truncate') this.disk.truncate(path, op.size);
    else this.disk.flush(path, () => this.violations.push(`flush of missing ${path} completed`), op.range);
  }

  private write(path: string, offset: number | 'append', data: Uint8Array): void {
    const file = this.model.get(path) ?? { cache: [], durable: [] };
    this.model.set(path, file);
    const at = offset === 'append' ? file.cache.length : offset;
    this.disk.write(path, at, data);
    data.forEach((value, i) => put(file.cache, at + i, value));
  }

  private truncateModel(file: ModelFile, size: number): void {
    const grows = size > file.cache.length;
    if (grows) put(file.cache, size - 1, 0);
    file.cache.length = size;
    // Truncation is durable at once: a growth makes the new size durable, with zeros.
    if (grows) file.durable = [...file.durable, ...Array<number>(size - file.durable.length).fill(0)];
    else file.durable.length = Math.min(file.durable.length, size);
  }

  private flush(path: string, file: ModelFile, range: ByteRange | undefined): void {
    const size = file.cache.length;
    const start = Math.min(range?.offset ?? 0, size);
    const end = range === undefined ? size : Math.min(range.offset + range.length, size);
    this.issued++;
    this.calling = true;
    this.disk.flush(
      path,
      () => {
        if (this.calling) this.violations.push(`flush of ${path}: done ran synchronously`);
        if (!this.powered) this.violations.push(`flush of ${path}: done ran after a power loss`);
        this.completed++;
        // A file deleted (or replaced) meanwhile is not this one: nothing becomes durable.
        if (this.model.get(path) !== file) return;
        const stop = Math.min(end, file.cache.length);
        for (let i = start; i < stop; i++) put(file.durable, i, file.cache[i] ?? 0);
      },
      range,
    );
    this.calling = false;
  }
}

function contents(disk: SimDisk): Map<string, number[]> {
  return new Map(disk.paths().map((path) => [path, [...disk.read(path, 0, disk.size(path))]]));
}

function modelBytes(model: Map<string, ModelFile>, which: 'cache' | 'durable'): Map<string, number[]> {
  return new Map([...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, f]) => [p, f[which]]));
}

/** Checks one file after a torn power loss: durable bytes, plus whole sectors of one page of the cache. */
function checkTorn(
  after: number[],
  file: ModelFile,
  loss: FileLoss | undefined,
  page: number,
  sector: number,
) {
  const { cache, durable } = file;
  const torn = loss?.torn ?? { offset: 0, length: 0 };
  const tornEnd = torn.offset + torn.length;
  if (loss?.torn !== undefined) {
    expect(torn.length).toBeGreaterThan(0);
    expect(torn.offset % sector).toBe(0);
    expect(tornEnd % sector === 0 || tornEnd === cache.length).toBe(true);
    expect(Math.floor(torn.offset / page)).toBe(Math.floor((tornEnd - 1) / page));
    // The torn page is the first holding an unflushed byte, so no byte before it changed.
    expect(cache.slice(0, torn.offset)).toEqual(durable.slice(0, torn.offset));
  }
  const expected = [...durable];
  for (let i = torn.offset; i < tornEnd; i++) put(expected, i, cache[i] ?? -1);
  expect(after).toEqual(expected);
}

describe('disk durability', () => {
  ptest.prop([opsArb(2), timingArb])(
    'after a power loss exactly the flushed bytes survive',
    (ops, timing) => {
      const h = new Harness(timing, 'power-loss');
      h.run(ops);
      const expected = modelBytes(h.model, 'durable');
      for (const [path, bytes] of expected) {
        expect(h.disk.durableSize(path)).toBe(bytes.length);
        expect([...h.disk.durableRead(path, 0, bytes.length + 10)]).toEqual(bytes);
      }
      const sizesBefore = new Map([...h.model].map(([path, file]) => [path, file.cache.length]));
      const summary = h.powerLoss();
      expect(contents(h.disk)).toEqual(expected);
      expect(summary.cancelledFlushes).toBe(h.issued - h.completed);
      for (const loss of summary.files) {
        expect(loss.sizeBefore).toBe(sizesBefore.get(loss.path));
        expect(loss.sizeAfter).toBe(expected.get(loss.path)?.length);
        expect(loss.tornBytes).toBe(0);
      }
      h.scheduler.runUntilQuiet();
      expect(h.violations).toEqual([]);
      expect(contents(h.disk)).toEqual(expected);
      expect(h.disk.dirtyBytes()).toBe(0);
    },
  );

  ptest.prop([opsArb(2), timingArb])(
    'after a process kill every written byte survives and pending flushes complete',
    (ops, timing) => {
      const h = new Harness(timing, 'process-kill');
      h.run(ops);
      expect(h.disk.processKill()).toBe(h.issued - h.completed);
      expect(contents(h.disk)).toEqual(modelBytes(h.model, 'cache'));
      h.scheduler.runUntilQuiet();
      expect(h.completed).toBe(h.issued);
      expect(h.violations).toEqual([]);
      expect(contents(h.disk)).toEqual(modelBytes(h.model, 'cache'));
      h.powerLoss();
      expect(contents(h.disk)).toEqual(modelBytes(h.model, 'durable'));
    },
  );

  ptest.prop([opsArb(10), timingArb, geometryArb, fc.nat()])(
    'with torn writes, what survives is the durable bytes plus whole sectors of one page, never garbage',
    (ops, timing, geometry, seed) => {
      const { sectorSize, sectorsPerPage, tornWriteProbability } = geometry;
      const pageSize = sectorSize * sectorsPerPage;
      const h = new Harness({ ...timing, sectorSize, pageSize, tornWriteProbability }, `torn-${seed}`);
      h.run(ops);
      const summary = h.powerLoss();
      expect(h.disk.paths()).toEqual([...h.model.keys()].sort());
      for (const [path, after] of contents(h.disk)) {
        const file = h.model.get(path);
        if (file === undefined) throw new Error(`${path} is on the disk but not in the model`);
        const loss = summary.files.find((l) => l.path === path);
        checkTorn(after, file, loss, pageSize, sectorSize);
        expect(loss?.sizeAfter ?? file.cache.length).toBe(after.length);
      }
      h.scheduler.runUntilQuiet();
      expect(h.violations).toEqual([]);
    },
  );
});
