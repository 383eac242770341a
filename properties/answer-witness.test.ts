// The witness reads what the world holds: SimDisk.unflushedIn counts exactly the bytes a power loss
// would take, and in a run every SUCCESS answer names its own message's record, as the broker's
// disk holds it, flushed under SYNC_FLUSH and covered by a slave's report under SYNC_MASTER.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runs } from './fc-setup.ts';
import { SimDisk } from '../sim/disk.ts';
import { SeededRng } from '../sim/rng.ts';
import { Scheduler } from '../sim/scheduler.ts';
import { runScenario } from '../scenarios/runner.ts';

const writes = fc.array(
  fc.record({ offset: fc.nat(3_000), length: fc.integer({ min: 1, max: 500 }), flush: fc.boolean() }),
  { minLength: 1, maxLength: 12 },
);

describe('answer witness', () => {
  ptest.prop([writes, fc.nat(4_000), fc.integer({ min: 1, max: 800 })], runs(200))(
    'unflushedIn counts the bytes of a range a power loss now would take',
    (steps, offset, length) => {
      const scheduler = new Scheduler({ maxEvents: 100_000, maxTimeMs: 1e9 });
      const config = { flushLatencyMs: 5, dirtyExpireMs: Infinity };
      const disk = new SimDisk({ scheduler, rng: new SeededRng('witness'), config: config as never });
      // Each write has a value of its own and starts within the file (no zero gap), so a byte is
      // on the medium exactly when the medium holds the value the cache holds.
      steps.forEach((step, k) => {
        const at = disk.exists('f') ? Math.min(step.offset, disk.size('f')) : 0;
        disk.write('f', at, new Uint8Array(step.length).fill(k + 1));
        if (step.flush) disk.flush('f', undefined, { offset: at, length: step.length });
        scheduler.runUntil(scheduler.now + 3);
      });
      const size = disk.size('f');
      const cache = disk.read('f', 0, size);
      const medium = disk.durableRead('f', 0, size);
      let expected = 0;
      for (let i = offset; i < offset + length; i++)
        if (i >= medium.length || medium[i] !== cache[i]) expected++;
      expect(disk.unflushedIn('f', offset, length)).toBe(expected);
    },
  );

  test('in a SYNC_FLUSH, SYNC_MASTER run each SEND_OK answer names its record, flushed and replicated', () => {
    const result = runScenario({
      name: 'witness',
      title: 'witness',
      lesson: { teaches: 't', expect: 'e', why: 'w' },
      topology: {
        brokers: [{ flushDiskType: 'SYNC_FLUSH', brokerRole: 'SYNC_MASTER', slaves: 1 }],
        producers: [{ sendMode: 'sync' }, { sendMode: 'async' }],
      },
      workload: { messages: 60, startAtMs: 9_000 },
      run: { durationMs: 20_000, drainMs: 5_000 },
    });
    const ok = result.wire.answers.filter((a) => a.code === 0);
    expect(ok.length).toBeGreaterThan(40);
    for (const answer of ok) {
      expect(answer.record?.uniqKey).toBe(answer.uniqKey);
      expect(answer.record?.unflushedBytes).toBe(0);
      expect(answer.slaveAckedOffset).toBeGreaterThanOrEqual(answer.record!.offset + answer.record!.size);
    }
    expect(result.wire.requests.length).toBeGreaterThanOrEqual(result.wire.answers.length);
    expect(result.wire.routes.some((r) => r.topic === 'myTopic' && r.writable.includes('broker-a'))).toBe(
      true,
    );
  });
});
