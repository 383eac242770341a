// The ConsumeQueue against a simple model: the queue is always a prefix of the intended entries
// (what the CommitLog holds, in order); after a power loss and recover() exactly the flushed ones
// are back (at least those, with torn pages), never a hole and never a corrupt entry; re-dispatch
// of old entries changes nothing; a CommitLog truncation cuts the queue at the same entry.
// The unflushed entries are kept within three files, the most recovery looks at.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { probeProcess, type Probe } from '../../sim/probe-process.ts';
import { World } from '../../sim/world.ts';
import type { CqEntry } from './consume-queue-entry.ts';
import { ConsumeQueue } from './consume-queue.ts';

type Op =
  | { kind: 'put'; count: number }
  | { kind: 'redispatch'; back: number }
  | { kind: 'flush'; settle: boolean }
  | { kind: 'settle' }
  | { kind: 'power-loss' }
  | { kind: 'truncate'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('put' as const), count: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redispatch' as const), back: fc.nat(30) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flush' as const), settle: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'power-loss' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(40) }) },
);

class Harness {
  readonly world: World;
  private readonly probes = new Map<string, Probe>();
  cq: ConsumeQueue;
  /** What the CommitLog holds, in queue order; entry k belongs at queue offset k. */
  intended: CqEntry[] = [];
  private nextPhy = 1000;
  /** Entries in the queue; and how many of them a completed flush made durable. */
  written = 0;
  durable = 0;

  constructor(
    seed: number,
    private readonly perFile: number,
    readonly torn: boolean,
  ) {
    this.world = new World({
      seed,
      // The model knows fsync only, so the kernel's flusher is off.
      disk: { flushLatencyMs: 3, tornWriteProbability: torn ? 1 : 0, sectorSize: 8, dirtyExpireMs: Infinity },
    });
    this.world.addNode(
      'n',
      probeProcess(this.probes, () => this.world.now),
    );
    this.cq = this.open();
  }

  open(): ConsumeQueue {
    const disk = this.probes.get('n')!.env.disk;
    return new ConsumeQueue({
      disk,
      rootDir: 'store',
      topic: 'T',
      queueId: 1,
      mappedFileSize: this.perFile * 20,
    });
  }

  entry(k: number): CqEntry {
    while (this.intended.length <= k) {
      const n = this.intended.length;
      const size = 20 + ((n * 37) % 90);
      this.intended.push({ commitLogOffset: this.nextPhy, size, tagsCode: n * 7 - 50 });
      this.nextPhy += size + ((n * 13) % 3) * 40; // other topics' records in between
    }
    return this.intended[k]!;
  }

  put(k: number): ReturnType<ConsumeQueue['putMessagePositionInfo']> {
    const e = this.entry(k);
    return this.cq.putMessagePositionInfo(e.commitLogOffset, e.size, e.tagsCode, k);
  }

  apply(op: Op): void {
    switch (op.kind) {
      case 'put':
        for (let i = 0; i < op.count; i++) this.putNext();
        break;
      case 'redispatch':
        if (this.written > 0)
          expect(this.put(this.written - 1 - (op.back % this.written))).toBe('already-dispatched');
        break;
      case 'flush':
        this.flush();
        if (op.settle) this.world.runUntilQuiet();
        break;
      case 'settle':
        this.world.runUntilQuiet();
        break;
      case 'power-loss':
        this.powerLoss();
        break;
      case 'truncate':
        if (this.written > 0) this.truncate(op.at % this.written);
        break;
    }
  }

  private putNext(): void {
    // Recovery scans only the last three files, so more unflushed files than that can leave a hole
    // (as in RocketMQ; see consume-queue.test.ts): keep the unflushed entries within three files.
    if (this.written - this.durable >= 2 * this.perFile) {
      this.flush();
      this.world.runUntilQuiet();
    }
    expect(this.put(this.written)).toBe('put');
    this.written++;
  }

  private flush(): void {
    const covered = this.written;
    this.cq.flush(() => (this.durable = Math.max(this.durable, covered)));
  }

  private powerLoss(): void {
    const node = this.world.node('n');
    node.powerOff();
    node.start();
    this.cq = this.open();
    expect(this.cq.load()).toBe(true);
    const maxPhysicOffset = this.cq.recover();
    const survived = this.cq.maxOffsetInQueue();
    if (this.torn) {
      expect(survived).toBeGreaterThanOrEqual(this.durable);
      expect(survived).toBeLessThanOrEqual(this.written);
    } else expect(survived).toBe(this.durable);
    const last = this.intended[survived - 1];
    expect(maxPhysicOffset).toBe(last === undefined ? -1 : last.commitLogOffset + last.size);
    this.written = this.durable = survived;
  }

  /**
   * Recovery cut the CommitLog at entry j, below the queue's end (RocketMQ truncates the queues only
   * then, and after dispatch: an empty queue keeps the cut as its maxPhysicOffset). No flush is in
   * flight at recovery time.
   */
  private truncate(j: number): void {
    this.world.runUntilQuiet();
    const cut = this.entry(j).commitLogOffset;
    this.cq.truncateDirtyLogicFiles(cut);
    this.intended = this.intended.slice(0, j);
    this.nextPhy = cut;
    this.written = j;
    this.durable = Math.min(this.durable, j);
  }

  check(): void {
    expect(this.cq.minOffsetInQueue()).toBe(0);
    expect(this.cq.maxOffsetInQueue()).toBe(this.written);
    const all = this.written === 0 ? [] : this.cq.getEntries(0, this.written);
    const read: CqEntry[] = [];
    for (let k = 0; k < this.written; k++) read.push(this.cq.get(k)!);
    expect(read).toEqual(this.intended.slice(0, this.written));
    expect(all).toEqual(read.slice(0, all.length));
    expect(this.cq.get(this.written)).toBeUndefined();
  }
}

describe('ConsumeQueue model', () => {
  ptest.prop([
    fc.nat(1_000_000),
    fc.constantFrom(1, 2, 3, 5),
    fc.boolean(),
    fc.array(opArb, { minLength: 1, maxLength: 60 }),
  ])(
    'puts, re-dispatch, flushes, power losses and truncation keep the queue a prefix',
    (seed, perFile, torn, ops) => {
      const h = new Harness(seed, perFile, torn);
      for (const op of ops) {
        h.apply(op);
        h.check();
      }
      // In the end everything flushed survives one more power loss.
      h.apply({ kind: 'flush', settle: true });
      const written = h.written;
      h.apply({ kind: 'power-loss' });
      expect(h.written).toBe(written);
      h.check();
    },
  );
});
