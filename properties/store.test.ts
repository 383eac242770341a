// The store's promises under the world's disk faults (issue: the message store):
// - cq-consistent after any puts, kills, power losses (torn pages included) and restarts;
// - a kill or clean shutdown loses nothing; a power loss loses only the unflushed tail, and with
//   SYNC_FLUSH never a message it acknowledged with PUT_OK;
//   all of it provided a power loss comes at least WRITEBACK_WINDOW_MS after a kill. Within that
//   window both are refuted (see the last describe block): after a kill, recovery takes the
//   pages the dead process wrote but never forced for flushed, and only the kernel's writeback
//   makes them durable;
// - ASYNC_FLUSH does lose acknowledged messages on power loss (the harness must find it);
// - ConsumeQueues and IndexFiles rebuilt from the CommitLog alone are byte-identical;
// - a flipped bit in a record's body is caught by CRC, and recovery cuts the log there.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { MessageConst } from '../core/message/message.ts';
import { checkRecord, RecordLayout } from '../core/store/commit-log-record.ts';
import type { DefaultMessageStore } from '../core/store/message-store.ts';
import { storeOperationsArb, type StoreOperation } from './arbitraries/store-operations.ts';
import { checkCqConsistent } from './checkers/cq-consistent.ts';
import { storeNode } from './harness/store-node.ts';

/**
 * Every message the queues hold, in CommitLog (= put) order. Read through the queues, not the
 * index: after a crash RocketMQ drops the IndexFile being filled, so old keys may not be found.
 */
function allKeys(store: DefaultMessageStore): string[] {
  const offsets: number[] = [];
  for (const cq of store.consumeQueues) {
    for (let i = cq.minOffsetInQueue(); i < cq.maxOffsetInQueue(); i++)
      offsets.push(cq.get(i)!.commitLogOffset);
  }
  return offsets.sort((a, b) => a - b).map((offset) => store.lookMessageByOffset(offset)!.getKeys()!);
}

function lostPutOk(h: ReturnType<typeof storeNode>): string[] {
  const kept = new Set(allKeys(h.store()));
  return h.acked.filter((a) => a.result.status === 'PUT_OK' && !kept.has(a.key)).map((a) => a.key);
}

function body(size: number): Partial<{ body: Uint8Array }> {
  return { body: new Uint8Array(size).fill(0x61) };
}

/** The kernel's dirty_expire (30 s) plus one flusher interval (5 s): by then a dead process's pages are durable. */
const WRITEBACK_WINDOW_MS = 35_000;

/**
 * Runs the operations, checking consistency and loss after every restart and at the end. A power
 * loss is moved to at least `killToPowerLossMs` after the last kill.
 */
function runChecked(
  flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH',
  seed: number,
  ops: StoreOperation[],
  killToPowerLossMs = WRITEBACK_WINDOW_MS,
) {
  const h = storeNode({
    seed,
    config: { flushDiskType },
    disk: { tornWriteProbability: 0.5, flushLatencyMs: 2 },
  });
  let present: string[] = [];
  let lastKill = -Infinity;
  const check = (after: string) => {
    expect(checkCqConsistent(h.store()), after).toEqual([]);
    const now = allKeys(h.store());
    expect(now, `${after}: survivors are a prefix of what was there`).toEqual(present.slice(0, now.length));
    return now;
  };
  for (const op of ops) {
    if (op.op === 'put') {
      const properties =
        op.delayLevel > 0 ? new Map([[MessageConst.DELAY, String(op.delayLevel)]]) : undefined;
      present.push(
        h.put(`T${op.topic}`, op.queueId, { ...body(op.bodySize), ...(properties && { properties }) }),
      );
    } else if (op.op === 'advance') h.world.runUntil(h.world.now + op.ms);
    else {
      if (op.kind === 'power-off') h.world.runUntil(Math.max(h.world.now, lastKill + killToPowerLossMs));
      if (op.kind === 'kill') lastKill = h.world.now;
      h.stop(op.kind);
      h.restart();
      const lost = present.length - check(`after ${op.kind}`).length;
      if (op.kind !== 'power-off') expect(lost, `a ${op.kind} loses nothing`).toBe(0);
      present = present.slice(0, present.length - lost);
    }
  }
  h.world.runUntil(h.world.now + 20_000);
  check('at the end');
  return h;
}

const seed = fc.noShrink(fc.integer({ min: 0, max: 2 ** 31 - 1 }));
const withFaults = storeOperationsArb({ stops: ['kill', 'power-off', 'shutdown'], maxLength: 60 });

describe('the store under disk faults', () => {
  ptest.prop([seed, withFaults])(
    'ASYNC_FLUSH: cq-consistent, and a power loss loses only the tail',
    (s, ops) => {
      runChecked('ASYNC_FLUSH', s, ops);
    },
  );

  ptest.prop([seed, withFaults])('SYNC_FLUSH: cq-consistent, and no PUT_OK is ever lost', (s, ops) => {
    expect(lostPutOk(runChecked('SYNC_FLUSH', s, ops))).toEqual([]);
  });

  test('ASYNC_FLUSH: the harness finds an acknowledged message lost to a power loss', () => {
    const lossAt = [...Array(20).keys()].find((s) => {
      const h = storeNode({ seed: s, config: { flushDiskType: 'ASYNC_FLUSH' } });
      for (let i = 0; i < 3 + s; i++) h.put('T', 0);
      h.world.runUntil(h.world.now + 50 * s);
      h.stop('power-off');
      h.restart();
      const kept = new Set(allKeys(h.store()));
      return h.acked.some((a) => a.result.status === 'PUT_OK' && !kept.has(a.key));
    });
    expect(lossAt).toBeDefined();
  });
});

/** The bytes of every file under a store directory, by path, and the index files' contents in order. */
function snapshot(h: ReturnType<typeof storeNode>) {
  const disk = h.node.disk;
  const files = disk.paths().filter((p) => p.startsWith('store/consumequeue/'));
  const cq = Object.fromEntries(
    files.map((p) => [p, Buffer.from(disk.read(p, 0, disk.size(p))).toString('hex')]),
  );
  const index = disk.paths().filter((p) => p.startsWith('store/index/'));
  return { cq, index: index.map((p) => Buffer.from(disk.read(p, 0, disk.size(p))).toString('hex')) };
}

const putsOnly = storeOperationsArb({ stops: [], maxLength: 80 });

describe('rebuild from the CommitLog', () => {
  ptest.prop([seed, putsOnly])('deleted ConsumeQueues and IndexFiles come back byte-identical', (s, ops) => {
    const h = runChecked('ASYNC_FLUSH', s, ops);
    h.stop('shutdown');
    const built = snapshot(h);
    for (const path of h.node.disk.paths()) {
      if (/^store\/(consumequeue|index)\/|^store\/checkpoint$/.test(path)) h.node.disk.delete(path);
    }
    h.restart();
    h.world.runUntil(h.world.now + 10);
    h.stop('shutdown');
    expect(snapshot(h)).toEqual(built);
  });

  ptest.prop([seed, withFaults])(
    'after crashes too, the rebuilt ConsumeQueues are byte-identical',
    (s, ops) => {
      const h = runChecked('ASYNC_FLUSH', s, ops);
      h.stop('shutdown');
      const { cq } = snapshot(h);
      for (const path of h.node.disk.paths())
        if (path.startsWith('store/consumequeue/')) h.node.disk.delete(path);
      h.restart();
      h.stop('shutdown');
      expect(snapshot(h).cq).toEqual(cq);
    },
  );
});

describe('corruption', () => {
  const puts = fc.array(fc.integer({ min: 1, max: 800 }), { minLength: 1, maxLength: 40 });
  ptest.prop([seed, puts, fc.nat(), fc.nat()])(
    'a flipped body bit is caught by CRC and recovery cuts the log at that record, if it scans there',
    (s, sizes, pick, bitPick) => {
      const h = storeNode({ seed: s });
      sizes.forEach((size, i) => h.put(`T${i % 2}`, 0, body(size)));
      h.world.runUntil(h.world.now + 20_000);
      const store = h.store();
      const offsets = [...store.consumeQueues].flatMap((cq) =>
        [...Array(cq.maxOffsetInQueue()).keys()].map((i) => cq.get(i)!.commitLogOffset),
      );
      const victim = store.lookMessageByOffset(offsets[pick % offsets.length]!)!;
      const end = store.commitLog.maxOffset();
      h.stop('kill');
      const file = store.commitLog.queue.findByOffset(victim.commitLogOffset)!;
      const bodyAt = victim.commitLogOffset - file.fileFromOffset + RecordLayout.BODY;
      h.node.disk.corrupt(file.path, bodyAt + (bitPick % victim.body.length), bitPick % 8);
      h.restart();
      const recovery = h.store().recovery!;
      const scanned = victim.commitLogOffset >= recovery.fromFileOffset;
      expect(recovery.processOffset).toBe(scanned ? victim.commitLogOffset : end);
      expect(checkCqConsistent(h.store())).toEqual(scanned ? [] : expect.any(Array));
      const before = h.store().commitLog.read(victim.commitLogOffset, victim.storeSize);
      if (!scanned) expect(checkRecord(before!, 0, { checkCRC: true }).kind).toBe('corrupt');
    },
  );
});

describe('refuted: a power loss soon after a kill', () => {
  // The minimal counterexample fast-check found (seed 773289783; its first body is 7 bytes longer
  // here, as 4.9.1+ records are a byte shorter, so the records end where they did). Seven puts are
  // appended and the broker is killed before its group commit runs: they were never acknowledged,
  // and their pages sit unforced in the page cache. On restart, recovery counts file 0 as flushed (RocketMQ sets
  // a loaded file's flushed position to its size). k7 is then put and answered PUT_OK after an
  // fsync of the last file only. A power loss before the kernel writes file 0 back empties it,
  // and recovery cuts the CommitLog at its first invalid record: at 0, taking k7 with it.
  const ops: StoreOperation[] = [
    ...[1072, 11, 0, 9, 507, 611, 1088].map((bodySize) => ({
      op: 'put' as const,
      topic: 0,
      queueId: 0,
      bodySize,
      delayLevel: 0,
    })),
    { op: 'stop', kind: 'kill' },
    { op: 'put', topic: 0, queueId: 0, bodySize: 0, delayLevel: 0 },
    { op: 'stop', kind: 'shutdown' },
    { op: 'stop', kind: 'power-off' },
  ];

  test('SYNC_FLUSH loses a PUT_OK when the power fails within the writeback window after a kill', () => {
    const h = runCheckedUnchecked(ops);
    expect(lostPutOk(h)).toEqual(['k7']);
  });

  test('the same faults with the power loss after the window lose nothing acknowledged', () => {
    expect(lostPutOk(runChecked('SYNC_FLUSH', 773289783, ops))).toEqual([]);
  });

  /** The operations as generated, without the checks that the refutation breaks. */
  function runCheckedUnchecked(list: StoreOperation[]) {
    const h = storeNode({
      seed: 773289783,
      config: { flushDiskType: 'SYNC_FLUSH' },
      disk: { flushLatencyMs: 2 },
    });
    for (const op of list) {
      if (op.op === 'put') h.put(`T${op.topic}`, op.queueId, body(op.bodySize));
      else if (op.op === 'stop') {
        h.stop(op.kind);
        h.restart();
      }
    }
    return h;
  }
});
