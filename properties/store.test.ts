// The store's promises under the world's disk faults (issue: the message store):
// - cq-consistent after any puts, kills, power losses (torn pages included) and restarts;
// - a kill or clean shutdown loses nothing; a power loss loses only the unflushed tail, and with
//   SYNC_FLUSH never a message it acknowledged with PUT_OK;
//   all of it provided a power loss comes at least WRITEBACK_WINDOW_MS after a kill, and after an
//   IndexFile filled. Within those windows both are refuted (the last two describe blocks): after
//   a kill, recovery takes the pages the dead process wrote but never forced for flushed; when an
//   IndexFile fills, its flush writes the checkpoint, which then claims ConsumeQueue entries
//   that are not durable yet, so recovery after a power loss does not dispatch them again. Only
//   the kernel's writeback (or the next thorough flush) makes them durable;
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

/** Puts a generated put operation's message: its body, and its delay level as the DELAY property. */
function putOp(h: ReturnType<typeof storeNode>, op: Extract<StoreOperation, { op: 'put' }>): string {
  const properties = op.delayLevel > 0 ? new Map([[MessageConst.DELAY, String(op.delayLevel)]]) : undefined;
  return h.put(`T${op.topic}`, op.queueId, { ...body(op.bodySize), ...(properties && { properties }) });
}

/** The operations as generated, without the checks (or the moved power losses) a refutation breaks. */
function runUnchecked(
  flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH',
  seed: number,
  ops: StoreOperation[],
  disk: { tornWriteProbability?: number; flushLatencyMs: number },
) {
  const h = storeNode({ seed, config: { flushDiskType }, disk });
  for (const op of ops) {
    if (op.op === 'put') putOp(h, op);
    else if (op.op === 'advance') h.world.runUntil(h.world.now + op.ms);
    else {
      h.stop(op.kind);
      h.restart();
    }
  }
  return h;
}

/** The kernel's dirty_expire (30 s) plus one flusher interval (5 s): by then a dead process's pages are durable. */
const WRITEBACK_WINDOW_MS = 35_000;

/**
 * Runs the operations, checking consistency and loss after every restart and at the end. A power
 * loss is moved to at least `killToPowerLossMs` after the last kill and WRITEBACK_WINDOW_MS after
 * the last IndexFile roll (running up to then may roll another: it is moved again).
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
    if (op.op === 'put') present.push(putOp(h, op));
    else if (op.op === 'advance') h.world.runUntil(h.world.now + op.ms);
    else {
      if (op.kind === 'power-off') {
        const safe = () => Math.max(lastKill + killToPowerLossMs, h.lastIndexRoll() + WRITEBACK_WINDOW_MS);
        while (safe() > h.world.now) h.world.runUntil(safe());
      }
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
    const h = runUnchecked('SYNC_FLUSH', 773289783, ops, { flushLatencyMs: 2 });
    expect(lostPutOk(h)).toEqual(['k7']);
  });

  test('the same faults with the power loss after the window lose nothing acknowledged', () => {
    expect(lostPutOk(runChecked('SYNC_FLUSH', 773289783, ops))).toEqual([]);
  });
});

describe('refuted: a power loss soon after an IndexFile filled', () => {
  // RocketMQ 4.9 sets the checkpoint's logicsMsgTimestamp at every dispatch
  // (ConsumeQueue.putMessagePositionInfoWrapper) and flushes the whole checkpoint when an
  // IndexFile fills (IndexService.flush), while the ConsumeQueues themselves are flushed only
  // every 2 dirty pages or 60 s. The checkpoint then claims entries that are in the page cache
  // only. A power loss takes them; abnormal recovery trusts the checkpoint, re-dispatches only
  // from the CommitLog file older than its time minus 3 s, and the records before it never get
  // their entries back, though the CommitLog kept them.

  // fast-check's case (FC_SEED=-1665901585, FC_NUM_RUNS=2000; issue 14), every body a byte longer
  // than generated, as 4.9.1+ records are a byte shorter, so that the records end where they did:
  // 19 puts, 4 more 3.5 s later, 6 more, 6.5 s, 3 more, and the power fails 3 ms later. The
  // CommitLog was flushed (its 10 s thorough flush), the ConsumeQueue never was.
  const put = (bodySize: number, delayLevel = 0): StoreOperation => ({
    op: 'put',
    topic: 0,
    queueId: 0,
    bodySize: bodySize + 1,
    delayLevel,
  });
  const found: StoreOperation[] = [
    ...[0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0].map((delay) => put(0, delay)),
    { op: 'advance', ms: 3_492 },
    ...[0, 0, 0, 0].map(() => put(0)),
    { op: 'advance', ms: 9 },
    put(133),
    put(177, 1),
    put(54, 1),
    put(26),
    put(58),
    put(47),
    { op: 'advance', ms: 5_545 },
    { op: 'advance', ms: 953 },
    ...[0, 0, 0].map(() => put(0)),
    { op: 'advance', ms: 3 },
    { op: 'stop', kind: 'power-off' },
  ];
  // Built by hand: 36 puts roll the CommitLog into its second file; one more 10.5 s later is
  // covered by the next full flush (the checkpoint's physicMsgTimestamp); 10 s later 30 puts, 5 ms
  // apart, fill an IndexFile, and the power fails as the last one is put.
  const byHand: StoreOperation[] = [
    ...Array.from({ length: 36 }, () => put(-1)),
    { op: 'advance', ms: 10_500 },
    put(-1),
    { op: 'advance', ms: 10_000 },
    ...Array.from({ length: 30 }, () => [put(-1), { op: 'advance', ms: 5 } as const]).flat(),
    { op: 'stop', kind: 'power-off' },
  ];
  const seed14 = 1083225363;
  const disk = { tornWriteProbability: 0.5, flushLatencyMs: 2 };

  test('ASYNC_FLUSH: records the CommitLog kept lose their ConsumeQueue entries', () => {
    const h = runUnchecked('ASYNC_FLUSH', seed14, found, disk);
    const store = h.store();
    const recovery = store.recovery!;
    // The whole CommitLog survived and recovery started from its second file, on the checkpoint's word.
    expect(recovery.truncatedBytes).toBe(0);
    expect(recovery.fromFileOffset).toBe(store.commitLog.queue.files[1]!.fileFromOffset);
    expect(h.world.now - h.lastIndexRoll()).toBeLessThan(WRITEBACK_WINDOW_MS);
    const violations = checkCqConsistent(store);
    const unqueued = violations.filter((v) => /was dispatched, but its ConsumeQueue has/.test(v.explanation));
    expect(unqueued.length).toBeGreaterThan(0);
    for (const v of unqueued) {
      const offset = Number(/CommitLog offset (\d+)/.exec(v.explanation)![1]);
      expect(offset, v.explanation).toBeLessThan(recovery.fromFileOffset);
      expect(store.lookMessageByOffset(offset), 'the record itself is still there').toBeDefined();
    }
  });

  test('SYNC_FLUSH: messages answered PUT_OK, durable in the CommitLog, are gone from their queue', () => {
    const h = runUnchecked('SYNC_FLUSH', 1, byHand, { flushLatencyMs: 2 });
    const lost = lostPutOk(h);
    expect(lost.length).toBeGreaterThan(0);
    expect(h.store().recovery!.fromFileOffset).toBeGreaterThan(0);
    const inCommitLog = new Set<string>();
    for (let offset = 0; offset < h.store().recovery!.fromFileOffset;) {
      const msg = h.store().lookMessageByOffset(offset);
      if (msg === undefined) break;
      inCommitLog.add(msg.getKeys()!);
      offset += msg.storeSize;
    }
    for (const key of lost) expect(inCommitLog, `${key} is still in the CommitLog`).toContain(key);
  });

  test('the same operations with the power loss after the window: consistent, nothing acknowledged lost', () => {
    runChecked('ASYNC_FLUSH', seed14, found);
    expect(lostPutOk(runChecked('SYNC_FLUSH', 1, byHand))).toEqual([]);
  });
});
