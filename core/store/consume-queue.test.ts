import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import { BLANK_CQ_ENTRY, type CqEntry } from './consume-queue-entry.ts';
import { ConsumeQueue, consumeQueueDir } from './consume-queue.ts';
import { ConsumeQueueStore } from './consume-queue-store.ts';

const PER_FILE = 3;
const FILE_SIZE = PER_FILE * 20;

/** One machine with a simulated disk; `disk()` is the running incarnation's. */
function machine() {
  const { world, node, disk } = probeMachine({ seed: 7, disk: { flushLatencyMs: 2 } });
  const cq = (topic = 'T', queueId = 0) =>
    new ConsumeQueue({ disk: disk(), rootDir: 'store', topic, queueId, mappedFileSize: FILE_SIZE });
  /** Power loss (or a kill), restart, and a fresh ConsumeQueue loaded and recovered from disk. */
  const restart = (how: 'power-off' | 'kill' = 'power-off') => {
    if (how === 'power-off') node.powerOff();
    else node.kill();
    node.start();
    const fresh = cq();
    expect(fresh.load()).toBe(true);
    return { cq: fresh, maxPhysicOffset: fresh.recover() };
  };
  return { world, node, disk, cq, restart };
}

/** Entry k points at CommitLog offset 100k (size 50), tagsCode k. */
const entry = (k: number): CqEntry => ({ commitLogOffset: 100 * k, size: 50, tagsCode: k });

function putAll(cq: ConsumeQueue, from: number, to: number): void {
  for (let k = from; k < to; k++) expect(cq.putMessagePositionInfo(100 * k, 50, k, k)).toBe('put');
}

function contents(cq: ConsumeQueue): CqEntry[] {
  const out: CqEntry[] = [];
  for (let k = cq.minOffsetInQueue(); k < cq.maxOffsetInQueue(); k++) out.push(cq.get(k)!);
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('ConsumeQueue writes', () => {
  test('entries roll across files named by their first byte', () => {
    const { disk, cq } = machine();
    const q = cq();
    putAll(q, 0, 7);
    expect(disk().list(consumeQueueDir('store', 'T', 0))).toEqual([
      '00000000000000000000',
      '00000000000000000060',
      '00000000000000000120',
    ]);
    expect(q.maxOffsetInQueue()).toBe(7);
    expect(contents(q)).toEqual(range(0, 7).map(entry));
    expect(q.get(7)).toBeUndefined();
    expect(q.get(-1)).toBeUndefined();
    expect(q.get(1.5)).toBeUndefined();
  });

  test('a pull reads at most to the end of one file', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 7);
    expect(q.getEntries(1, 10)).toEqual([entry(1), entry(2)]);
    expect(q.getEntries(3, 2)).toEqual([entry(3), entry(4)]);
    expect(q.getEntries(6, 32)).toEqual([entry(6)]);
    expect(q.getEntries(7, 32)).toEqual([]);
  });

  test('re-dispatching an entry already written changes nothing', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 5);
    expect(q.putMessagePositionInfo(200, 50, 2, 2)).toBe('already-dispatched');
    expect(q.putMessagePositionInfo(400, 50, 4, 4)).toBe('already-dispatched');
    // Past maxPhysicOffset but behind the write position: skipped by position.
    expect(q.putMessagePositionInfo(9000, 50, 1, 1)).toBe('already-there');
    expect(contents(q)).toEqual(range(0, 5).map(entry));
    expect(q.maxPhysicOffset).toBe(450);
  });

  test('a gap is not filled: the entry goes to the write position', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 1);
    expect(q.putMessagePositionInfo(500, 50, 5, 5)).toBe('misplaced');
    expect(q.maxOffsetInQueue()).toBe(2);
    expect(q.get(1)).toEqual({ commitLogOffset: 500, size: 50, tagsCode: 5 });
  });

  test('a new queue starting past 0 pre-fills its first file with blanks and moves its minimum', () => {
    const { cq } = machine();
    const q = cq();
    expect(q.putMessagePositionInfo(400, 50, 4, 4)).toBe('put');
    expect(q.files.map((f) => f.fileFromOffset)).toEqual([60]);
    expect(q.minOffsetInQueue()).toBe(4);
    expect(q.maxOffsetInQueue()).toBe(5);
    expect(q.get(3)).toBeUndefined();
    expect(q.get(4)).toEqual(entry(4));
    // The blank is there on disk, where a pull below the minimum never reads.
    expect(q.files[0]!.read(0, 20)).toEqual(
      new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]),
    );
    // The blank write is not counted as dirty, as RocketMQ moves flushedWhere past it.
    expect(q.dirtyBytes()).toBe(20);
    putAll(q, 5, 7);
    expect(q.files.map((f) => f.fileFromOffset)).toEqual([60, 120]);
  });

  test('blanks are valid to recovery; truncating back onto them leaves maxPhysicOffset at 2^31-1', () => {
    const { world, cq, restart } = machine();
    const q = cq();
    q.putMessagePositionInfo(500, 50, 5, 5);
    q.flush();
    world.runUntilQuiet();
    const { cq: back, maxPhysicOffset } = restart();
    expect(maxPhysicOffset).toBe(550);
    expect(back.maxOffsetInQueue()).toBe(6);
    back.truncateDirtyLogicFiles(500);
    expect(back.maxOffsetInQueue()).toBe(5);
    // A restart does not restore the minimum (0 until corrected), so the blank reads as an entry.
    expect(back.get(4)).toEqual(BLANK_CQ_ENTRY);
    expect(back.maxPhysicOffset).toBe(BLANK_CQ_ENTRY.size);
    expect(back.putMessagePositionInfo(500, 50, 5, 5)).toBe('already-dispatched');
  });
});

describe('ConsumeQueue recovery', () => {
  test('after a power loss exactly the flushed entries are back', () => {
    const { world, cq, restart } = machine();
    const q = cq();
    putAll(q, 0, 5);
    q.flush();
    world.runUntilQuiet();
    putAll(q, 5, 8);
    q.flush(); // still in flight at the power loss
    const { cq: back, maxPhysicOffset } = restart();
    expect(contents(back)).toEqual(range(0, 5).map(entry));
    expect(maxPhysicOffset).toBe(450);
    // Reput resumes where the queue ends.
    putAll(back, 5, 8);
    expect(contents(back)).toEqual(range(0, 8).map(entry));
  });

  test('after a kill the page cache keeps every entry', () => {
    const { cq, restart } = machine();
    putAll(cq(), 0, 5);
    const { cq: back, maxPhysicOffset } = restart('kill');
    expect(contents(back)).toEqual(range(0, 5).map(entry));
    expect(maxPhysicOffset).toBe(450);
  });

  test('entries a killed process never flushed become durable with the next flush of their file', () => {
    const { world, cq, restart } = machine();
    putAll(cq(), 0, 2);
    const { cq: back } = restart('kill');
    putAll(back, 2, 3);
    back.flush();
    world.runUntilQuiet();
    const { cq: last } = restart();
    expect(contents(last)).toEqual(range(0, 3).map(entry));
  });

  test('nothing flushed: the queue is empty and takes entries from 0 again', () => {
    const { cq, restart } = machine();
    putAll(cq(), 0, 4);
    const { cq: back, maxPhysicOffset } = restart();
    expect(maxPhysicOffset).toBe(-1);
    expect(back.maxOffsetInQueue()).toBe(0);
    expect(back.files).toEqual([]);
    putAll(back, 0, 2);
  });

  test('recovery scans from the third-last file: a bad entry there cuts the queue', () => {
    const { disk, cq, restart } = machine();
    putAll(cq(), 0, 14); // 5 files
    const dir = consumeQueueDir('store', 'T', 0);
    disk().write(`${dir}/00000000000000000120`, 28, new Uint8Array(4)); // entry 7: size 0
    const { cq: back, maxPhysicOffset } = restart('kill');
    expect(back.maxOffsetInQueue()).toBe(7);
    expect(maxPhysicOffset).toBe(650);
    expect(back.files.map((f) => f.fileFromOffset)).toEqual([0, 60, 120]);
  });

  test('a bad entry before the third-last file is not looked at', () => {
    const { disk, cq, restart } = machine();
    putAll(cq(), 0, 14);
    disk().write(`${consumeQueueDir('store', 'T', 0)}/00000000000000000000`, 28, new Uint8Array(4));
    const { cq: back } = restart('kill');
    expect(back.maxOffsetInQueue()).toBe(14);
  });

  test('more than three unflushed files lost: files before the scan count as full, as in RocketMQ', () => {
    const { cq, restart } = machine();
    putAll(cq(), 0, 5 * PER_FILE);
    const { cq: back } = restart();
    // Files 0 and 60 lost their entries too, but recovery scans from the third-last (120) on and
    // takes the ones before as full: 6 entries that read as zeros, as in RocketMQ.
    expect(back.files.map((f) => [f.fileFromOffset, f.wrotePosition])).toEqual([
      [0, FILE_SIZE],
      [60, FILE_SIZE],
    ]);
    expect(back.maxOffsetInQueue()).toBe(6);
    expect(back.get(0)).toEqual({ commitLogOffset: 0, size: 0, tagsCode: 0 });
    // Reput then writes entry 0 at the write position, and entry 1 is behind it.
    expect(back.putMessagePositionInfo(0, 50, 0, 0)).toBe('misplaced');
    expect(back.get(6)).toEqual(entry(0));
    expect(back.putMessagePositionInfo(100, 50, 1, 1)).toBe('already-there');
    expect(back.dirtyBytes()).toBe(20);
  });

  test('a torn entry at the end of a file ends the queue there', () => {
    const { disk, cq, restart } = machine();
    putAll(cq(), 0, 5);
    const path = `${consumeQueueDir('store', 'T', 0)}/00000000000000000060`;
    disk().truncate(path, 30); // entry 3 whole, entry 4 half written
    const { cq: back } = restart('kill');
    expect(back.maxOffsetInQueue()).toBe(4);
    expect(disk().size(path)).toBe(20);
  });
});

describe('truncateDirtyLogicFiles', () => {
  test('inside a file: cut after the last entry below the offset', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 7);
    q.truncateDirtyLogicFiles(430);
    expect(contents(q)).toEqual(range(0, 5).map(entry));
    expect(q.maxPhysicOffset).toBe(450);
    expect(q.files.map((f) => f.fileFromOffset)).toEqual([0, 60]);
    putAll(q, 5, 6);
  });

  test('at a file boundary: the files whose first entry is at or past it go, the full one stays', () => {
    const { disk, cq } = machine();
    const q = cq();
    putAll(q, 0, 8);
    q.truncateDirtyLogicFiles(300);
    expect(q.maxOffsetInQueue()).toBe(3);
    expect(q.files.map((f) => f.fileFromOffset)).toEqual([0]);
    expect(disk().list(consumeQueueDir('store', 'T', 0))).toEqual(['00000000000000000000']);
    expect(q.maxPhysicOffset).toBe(250);
    putAll(q, 3, 4);
    expect(q.files.map((f) => f.fileFromOffset)).toEqual([0, 60]);
  });

  test('below every entry: all files go and maxPhysicOffset is the cut', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 4);
    q.truncateDirtyLogicFiles(0);
    expect(q.files).toEqual([]);
    expect(q.maxPhysicOffset).toBe(0);
    putAll(q, 0, 1);
  });

  test('past every entry: nothing goes', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 6);
    q.truncateDirtyLogicFiles(10_000);
    expect(contents(q)).toEqual(range(0, 6).map(entry));
    expect(q.maxPhysicOffset).toBe(550);
  });

  test('a cut also drops the unflushed entries past it from the disk', () => {
    const { world, cq, restart } = machine();
    const q = cq();
    putAll(q, 0, 5);
    q.flush();
    world.runUntilQuiet();
    q.truncateDirtyLogicFiles(200);
    expect(q.dirtyBytes()).toBe(0);
    expect(contents(restart().cq)).toEqual(range(0, 2).map(entry));
  });
});

describe('minimum offset', () => {
  test('correctMinOffset moves to the first entry of the first file at or past the CommitLog minimum', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 5);
    q.correctMinOffset(150);
    expect(q.minOffsetInQueue()).toBe(2);
    expect(q.get(1)).toBeUndefined();
    q.correctMinOffset(450); // not in the first file: unchanged (4.9)
    expect(q.minOffsetInQueue()).toBe(2);
  });

  test('deleteExpiredFile deletes the files wholly below the minimum, never the last one', () => {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, 8);
    expect(q.deleteExpiredFile(650)).toBe(2);
    expect(q.files.map((f) => f.fileFromOffset)).toEqual([120]);
    expect(q.minOffsetInQueue()).toBe(7);
    expect(q.deleteExpiredFile(10_000)).toBe(0);
  });

  test('destroy deletes everything and forgets the offsets', () => {
    const { disk, cq } = machine();
    const q = cq();
    putAll(q, 0, 5);
    q.correctMinOffset(100);
    q.destroy();
    expect(disk().list(consumeQueueDir('store', 'T', 0))).toEqual([]);
    expect([q.minOffsetInQueue(), q.maxOffsetInQueue(), q.maxPhysicOffset]).toEqual([0, 0, -1]);
    putAll(q, 0, 2);
  });
});

describe('getOffsetInQueueByTime (5.x LOWER boundary)', () => {
  // Entry k points at CommitLog offset 100k, stored at times[k]; files hold 3 entries.
  const times = [10, 20, 20, 20, 30, 40, 50];
  const storeTimeOf = (offset: number) => times[offset / 100];

  function timed() {
    const { cq } = machine();
    const q = cq();
    putAll(q, 0, times.length);
    return q;
  }

  test('the first entry stored at or after the time, the first of equal ones', () => {
    const q = timed();
    expect(q.getOffsetInQueueByTime(20, storeTimeOf)).toBe(1);
    expect(q.getOffsetInQueueByTime(25, storeTimeOf)).toBe(4);
    expect(q.getOffsetInQueueByTime(30, storeTimeOf)).toBe(4);
    expect(q.getOffsetInQueueByTime(41, storeTimeOf)).toBe(6);
    expect(q.getOffsetInQueueByTime(50, storeTimeOf)).toBe(6);
  });

  test('before the first entry: the file start; after the last: the next offset to write', () => {
    const q = timed();
    expect(q.getOffsetInQueueByTime(5, storeTimeOf)).toBe(0);
    expect(q.getOffsetInQueueByTime(51, storeTimeOf)).toBe(7);
    expect(q.getOffsetInQueueByTime(10 ** 12, storeTimeOf)).toBe(q.maxOffsetInQueue());
  });

  test('an empty queue, or a lookup that fails inside the search, gives 0', () => {
    const { cq } = machine();
    expect(cq().getOffsetInQueueByTime(20, storeTimeOf)).toBe(0);
    const q = timed();
    expect(q.getOffsetInQueueByTime(25, (offset) => (offset === 400 ? undefined : storeTimeOf(offset)))).toBe(
      0,
    );
  });

  test('entries below the CommitLog minimum count as older than any time', () => {
    const q = timed();
    expect(q.getOffsetInQueueByTime(15, storeTimeOf)).toBe(1);
    expect(q.getOffsetInQueueByTime(15, storeTimeOf, 200)).toBe(2);
  });

  test('before the first entry of a queue that starts past 0: the file start, below the minimum', () => {
    const { cq } = machine();
    const q = cq();
    q.putMessagePositionInfo(400, 50, 4, 4);
    putAll(q, 5, 6);
    expect(q.minOffsetInQueue()).toBe(4);
    expect(q.getOffsetInQueueByTime(1, () => 100)).toBe(3);
  });
});

describe('ConsumeQueueStore', () => {
  function store(disk: ReturnType<ReturnType<typeof machine>['disk']>) {
    return new ConsumeQueueStore(disk, 'store', FILE_SIZE);
  }

  test('one queue per (topic, queueId), created on first use', () => {
    const { disk } = machine();
    const s = store(disk());
    const a = s.findOrCreate('A', 0);
    expect(s.findOrCreate('A', 0)).toBe(a);
    expect(s.find('A', 1)).toBeUndefined();
    s.findOrCreate('B', 3);
    expect([...s].map((q) => `${q.topic}/${q.queueId}`)).toEqual(['A/0', 'B/3']);
  });

  test('load opens the queues with files of the given topics; recover, truncate and flush reach all', () => {
    const { world, node, disk } = machine();
    const s = store(disk());
    for (let k = 0; k < 4; k++) s.findOrCreate('A', k % 2).putMessagePositionInfo(100 * k, 50, 0, k >> 1);
    s.findOrCreate('B', 0).putMessagePositionInfo(400, 50, 0, 0);
    let flushed = false;
    s.flush(() => (flushed = true));
    world.runUntilQuiet();
    expect(flushed).toBe(true);
    node.powerOff();
    node.start();
    const back = store(disk());
    expect(back.load()).toBe(true);
    expect([...back].map((q) => `${q.topic}/${q.queueId}`)).toEqual(['A/0', 'A/1', 'B/0']);
    expect(back.recover()).toBe(450);
    back.truncateDirtyLogicFiles(200);
    expect([...back].map((q) => q.maxOffsetInQueue())).toEqual([1, 1, 0]);
    // A queue cut to nothing keeps the cut as its maxPhysicOffset.
    expect([...back].map((q) => q.maxPhysicOffset)).toEqual([50, 150, 200]);
  });

  test('a queue with files on disk that load did not open is a wiring bug', () => {
    const { node, disk } = machine();
    store(disk()).findOrCreate('A', 0).putMessagePositionInfo(0, 50, 0, 0);
    node.kill();
    node.start();
    expect(() => store(disk()).findOrCreate('A', 0)).toThrow(/load\(\) did not open/);
  });

  test('the clean-up service moves every minimum; dirty bytes add up', () => {
    const { disk } = machine();
    const s = store(disk());
    putAll(s.findOrCreate('A', 0), 0, 7);
    putAll(s.findOrCreate('B', 0), 0, 2);
    expect(s.dirtyBytes()).toBe(9 * 20);
    expect(s.deleteExpiredFile(300)).toBe(1);
    expect([...s].map((q) => q.minOffsetInQueue())).toEqual([3, 0]);
    s.correctMinOffset(400);
    expect([...s].map((q) => q.minOffsetInQueue())).toEqual([4, 0]);
  });

  test('destroy empties every queue but keeps them', () => {
    const { disk } = machine();
    const s = store(disk());
    s.findOrCreate('A', 0).putMessagePositionInfo(0, 50, 0, 0);
    s.destroy();
    expect(s.find('A', 0)!.maxOffsetInQueue()).toBe(0);
    expect(s.recover()).toBe(-1);
  });
});
