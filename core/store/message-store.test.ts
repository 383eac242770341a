import { describe, expect, test } from 'vitest';
import { readQueue, storeNode } from '../../properties/harness/store-node.ts';
import { javaHashCode } from '../message/java-hash.ts';
import { MessageConst, SCHEDULE_TOPIC } from '../message/message.ts';

describe('DefaultMessageStore', () => {
  test('a message is visible to pulls only once dispatched', () => {
    const { world, put, store } = storeNode();
    put('T', 0);
    expect(store().getMessage('T', 0, { offset: 0, maxMsgNums: 32 }).status).toBe('NO_MATCHED_LOGIC_QUEUE');
    world.runUntil(world.now + 1);
    const found = store().getMessage('T', 0, { offset: 0, maxMsgNums: 32 });
    expect(found).toMatchObject({ status: 'FOUND', nextBeginOffset: 1, minOffset: 0, maxOffset: 1 });
    expect(found.messages[0]!.getKeys()).toBe('k0');
  });

  test('pull offsets are checked against the queue as RocketMQ does', () => {
    const { world, put, store } = storeNode();
    for (let i = 0; i < 3; i++) put('T', 0);
    world.runUntil(10);
    const at = (offset: number) => store().getMessage('T', 0, { offset, maxMsgNums: 32 });
    expect(at(3)).toMatchObject({ status: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: 3 });
    expect(at(9)).toMatchObject({ status: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: 3 });
    expect(at(1)).toMatchObject({ status: 'FOUND', nextBeginOffset: 3 });
    expect(at(0).messages.map((m) => m.queueOffset)).toEqual([0, 1, 2]);
    expect(store().getMessage('T', 0, { offset: 0, maxMsgNums: 2 }).nextBeginOffset).toBe(2);
  });

  test('a tag filter skips entries by hash and still moves the offset past them', () => {
    const { world, put, store } = storeNode();
    put('T', 0, { properties: new Map([[MessageConst.TAGS, 'TagA']]) });
    put('T', 0, { properties: new Map([[MessageConst.TAGS, 'TagB']]) });
    world.runUntil(10);
    const tagB = javaHashCode('TagB');
    const onlyB = store().getMessage('T', 0, { offset: 0, maxMsgNums: 32, filter: (c) => c === tagB });
    expect(onlyB.messages.map((m) => m.getTags())).toEqual(['TagB']);
    expect(onlyB.nextBeginOffset).toBe(2);
    const none = store().getMessage('T', 0, { offset: 0, maxMsgNums: 32, filter: () => false });
    expect(none).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 2, messages: [] });
  });

  test('a filter looks at 16,000 bytes of entries per pull (800), more for a larger batch', () => {
    const { world, put, store } = storeNode({
      config: { mappedFileSizeConsumeQueue: 20 * 2_000, mappedFileSizeCommitLog: 1 << 20 },
    });
    for (let i = 0; i < 1_200; i++) put('T', 0);
    world.runUntil(100);
    const skipAll = (maxMsgNums: number) =>
      store().getMessage('T', 0, { offset: 0, maxMsgNums, filter: () => false });
    expect(skipAll(32)).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 800 });
    expect(skipAll(1_000)).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 1_000 });
    expect(store().getMessage('T', 0, { offset: 0, maxMsgNums: 32 }).messages).toHaveLength(32);
  });

  test('SYNC_FLUSH answers once durable; ASYNC_FLUSH answers at once', () => {
    for (const flushDiskType of ['SYNC_FLUSH', 'ASYNC_FLUSH'] as const) {
      const { world, put, acked } = storeNode({ config: { flushDiskType }, disk: { flushLatencyMs: 5 } });
      put('T', 0);
      expect(acked.length).toBe(flushDiskType === 'SYNC_FLUSH' ? 0 : 1);
      world.runUntil(10);
      expect(acked.map((a) => a.result.status)).toEqual(['PUT_OK']);
    }
  });

  test('after a clean shutdown the store recovers normally with everything', () => {
    const { world, put, store, stop, restart } = storeNode();
    for (let i = 0; i < 200; i++) put(`T${i % 3}`, i % 2);
    world.runUntil(100);
    stop('shutdown');
    world.runUntil(200);
    restart();
    expect(store().recovery).toMatchObject({ lastExitOK: true, redispatched: 0, truncatedBytes: 0 });
    expect(
      [0, 1, 2].map((t) => readQueue(store(), `T${t}`, 0).length + readQueue(store(), `T${t}`, 1).length),
    ).toEqual([67, 67, 66]);
  });

  test('after a kill the abort file is there: abnormal recovery, nothing lost (page cache)', () => {
    const { world, put, store, stop, restart } = storeNode();
    for (let i = 0; i < 100; i++) put('T', 0);
    world.runUntil(5);
    stop('kill');
    restart();
    expect(store().recovery?.lastExitOK).toBe(false);
    expect(readQueue(store(), 'T', 0).map((m) => m.key)).toEqual([...Array(100).keys()].map((i) => `k${i}`));
    put('T', 0);
    world.runUntil(world.now + 5);
    expect(readQueue(store(), 'T', 0).at(-1)).toEqual({ key: 'k100', queueOffset: 100 });
  });

  test('ASYNC_FLUSH: a power loss loses the acknowledged tail; SYNC_FLUSH loses nothing acknowledged', () => {
    for (const flushDiskType of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
      const { world, put, store, stop, restart, acked } = storeNode({ config: { flushDiskType } });
      for (let i = 0; i < 10; i++) put('T', 0);
      world.runUntil(world.now + 1);
      stop('power-off');
      restart();
      const kept = readQueue(store(), 'T', 0).length;
      const ok = acked.filter((a) => a.result.status === 'PUT_OK').length;
      expect([ok, kept]).toEqual(flushDiskType === 'ASYNC_FLUSH' ? [10, 0] : [10, 10]);
    }
  });

  test('query by key and by UNIQ_KEY through the index, and look up by offset', () => {
    const { world, put, store } = storeNode();
    for (let i = 0; i < 20; i++) put('T', i % 4);
    world.runUntil(10);
    const [byKey] = store().queryMessage('T', 'k7', 10, 0, Number.MAX_SAFE_INTEGER);
    expect(byKey?.getKeys()).toBe('k7');
    const [byUniq] = store().queryMessage('T', 'Uk7', 10, 0, Number.MAX_SAFE_INTEGER);
    expect(byUniq?.commitLogOffset).toBe(byKey?.commitLogOffset);
    expect(store().lookMessageByOffset(byKey!.commitLogOffset)?.getKeys()).toBe('k7');
    expect(store().queryMessage('T', 'nope', 10, 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  test('search by time finds the first message stored at or after it', () => {
    const { world, put, store } = storeNode();
    put('T', 0);
    world.runUntil(1_000);
    put('T', 0);
    world.runUntil(2_000);
    put('T', 0);
    world.runUntil(2_001);
    const t0 = world.config.epochMs;
    expect(store().getOffsetInQueueByTime('T', 0, t0 + 500)).toBe(1);
    expect(store().getOffsetInQueueByTime('T', 0, t0 + 1_000)).toBe(1);
    expect(store().getOffsetInQueueByTime('T', 0, t0 - 1)).toBe(0);
    expect(store().getOffsetInQueueByTime('T', 0, t0 + 5_000)).toBe(3);
  });

  test('a delayed message waits in SCHEDULE_TOPIC_XXXX with its delivery time as tag code', () => {
    const { world, put, store } = storeNode();
    put('T', 0, { properties: new Map([[MessageConst.DELAY, '3']]) });
    world.runUntil(10);
    const entry = store().consumeQueues.find(SCHEDULE_TOPIC, 2)!.get(0)!;
    expect(entry.tagsCode).toBe(world.config.epochMs + 10_000);
    expect(store().getMaxOffsetInQueue('T', 0)).toBe(0);
  });

  test('retention deletes expired CommitLog files and moves the queues minimum', () => {
    const { world, put, store } = storeNode({
      config: { fileReservedTime: 1, cleanResourceInterval: 60_000 },
    });
    for (let i = 0; i < 100; i++) put('T', 0);
    world.runUntil(2 * 3_600_000);
    put('T', 0);
    world.runUntil(world.now + 70_000);
    expect(store().commitLog.minOffset()).toBeGreaterThan(0);
    const min = store().getMinOffsetInQueue('T', 0);
    expect(min).toBeGreaterThan(0);
    expect(store().getMessage('T', 0, { offset: 0, maxMsgNums: 1 })).toMatchObject({
      status: 'OFFSET_TOO_SMALL',
      nextBeginOffset: min,
    });
  });

  test('a slave never accepts writes', () => {
    const { put, acked } = storeNode({ config: { brokerRole: 'SLAVE' } });
    put('T', 0);
    expect(acked[0]?.result.status).toBe('SERVICE_NOT_AVAILABLE');
  });
});

describe('appendToCommitLog (a slave copying its master)', () => {
  test('bytes copied file by file from a master give the slave the same messages', () => {
    const master = storeNode({ seed: 1 });
    const slave = storeNode({ seed: 2, config: { brokerRole: 'SLAVE' } });
    for (let i = 0; i < 60; i++) master.put(`T${i % 2}`, 0, { body: new Uint8Array(100 + i) });
    master.world.runUntil(10);
    const log = master.store().commitLog;
    for (let offset = 0; offset < log.maxOffset();) {
      const chunk = log.readFrom(offset)!.subarray(0, 1000);
      expect(slave.store().appendToCommitLog(offset, chunk)).toBe(true);
      offset += chunk.length;
    }
    slave.world.runUntil(10);
    expect(slave.store().commitLog.maxOffset()).toBe(log.maxOffset());
    for (const topic of ['T0', 'T1']) {
      expect(readQueue(slave.store(), topic, 0)).toEqual(readQueue(master.store(), topic, 0));
    }
  });

  test('bytes that do not start where the slave log ends are refused', () => {
    const slave = storeNode({ config: { brokerRole: 'SLAVE' } });
    expect(slave.store().appendToCommitLog(100, new Uint8Array(10))).toBe(false);
    expect(slave.store().appendToCommitLog(0, new Uint8Array(10))).toBe(true);
    expect(slave.store().appendToCommitLog(0, new Uint8Array(10))).toBe(false);
    expect(slave.store().commitLog.maxOffset()).toBe(10);
  });
});

describe('DefaultMessageStore on a full disk', () => {
  const GiB = 2 ** 30;
  /** Another process takes all but `free` bytes of the store's disk. */
  const fillTo = (node: ReturnType<typeof storeNode>['node'], free: number) => {
    const { usedBytes, capacityBytes } = node.disk.usage();
    node.disk.allocate('other/fill', capacityBytes - usedBytes - free);
  };
  const statuses = (acked: ReturnType<typeof storeNode>['acked']) => acked.map((a) => a.result.status);

  test('past 90% used, puts are refused SERVICE_NOT_AVAILABLE from the next disk check until it is freed', () => {
    const { world, node, put, acked, store } = storeNode({ disk: { capacityBytes: 10 * GiB } });
    put('T', 0);
    fillTo(node, GiB / 2);
    put('T', 0); // the check runs every 10 s from 1 s after start: not yet
    world.runUntil(11_500);
    expect(store().flags.diskFull).toBe(true);
    put('T', 0);
    node.disk.delete('other/fill');
    world.runUntil(21_500);
    put('T', 0);
    world.runUntil(21_510);
    expect(statuses(acked)).toEqual(['PUT_OK', 'PUT_OK', 'SERVICE_NOT_AVAILABLE', 'PUT_OK']);
    expect(store().getMaxOffsetInQueue('T', 0)).toBe(3);
  });

  test('a ConsumeQueue file the disk cannot hold stops dispatch at its entry, tried each second until there is room', () => {
    const { world, node, put, acked, store } = storeNode({ disk: { capacityBytes: 10 * GiB } });
    put('T', 0);
    world.runUntil(10);
    fillTo(node, 0);
    put('T', 1); // stored in the CommitLog (its file has room), but queue 1 needs a file
    put('T', 0);
    world.runUntil(5_000);
    expect(statuses(acked)).toEqual(['PUT_OK', 'PUT_OK', 'PUT_OK']);
    expect([store().getMaxOffsetInQueue('T', 1), store().getMaxOffsetInQueue('T', 0)]).toEqual([0, 1]);
    node.disk.delete('other/fill');
    world.runUntil(6_100);
    expect([store().getMaxOffsetInQueue('T', 1), store().getMaxOffsetInQueue('T', 0)]).toEqual([1, 2]);
    expect(store().flags.logicsQueueError).toBe(false);
    world.runUntil(11_500); // the disk check that clears the full mark
    expect(store().flags.isWriteable()).toBe(true);
  });

  test('after 30 tries the entry is skipped and the store refuses puts until a restart', () => {
    const { world, node, put, acked, store, stop, restart } = storeNode({ disk: { capacityBytes: 10 * GiB } });
    put('T', 0);
    world.runUntil(10);
    fillTo(node, 0);
    put('T', 1);
    put('T', 0);
    world.runUntil(40_000);
    expect(store().flags.logicsQueueError).toBe(true);
    // Skipped, and so is every entry after it: no ConsumeQueue takes entries any more (4.9).
    expect([store().getMaxOffsetInQueue('T', 1), store().getMaxOffsetInQueue('T', 0)]).toEqual([0, 1]);
    node.disk.delete('other/fill');
    world.runUntil(52_000);
    put('T', 0);
    expect(statuses(acked).at(-1)).toBe('SERVICE_NOT_AVAILABLE');
    stop('kill');
    restart();
    world.runUntil(world.now + 10);
    put('T', 0);
    expect(statuses(acked).at(-1)).toBe('PUT_OK');
  });

  test('a kill while dispatch waits: recovery leaves the entry to dispatch, and new puts take the next queue offsets', () => {
    const { world, node, put, acked, store, stop, restart } = storeNode({ disk: { capacityBytes: 10 * GiB } });
    put('T', 0);
    world.runUntil(10);
    fillTo(node, 0);
    put('T', 1);
    put('T', 1);
    world.runUntil(3_000);
    stop('kill');
    restart();
    world.runUntil(world.now + 10);
    expect(store().getMaxOffsetInQueue('T', 1)).toBe(0);
    node.disk.delete('other/fill');
    world.runUntil(world.now + 12_000);
    put('T', 1);
    world.runUntil(world.now + 10);
    expect(statuses(acked)).toEqual(['PUT_OK', 'PUT_OK', 'PUT_OK', 'PUT_OK']);
    expect(acked.at(-1)!.result.appendResult?.logicsOffset).toBe(2);
    const got = store().getMessage('T', 1, { offset: 0, maxMsgNums: 32 });
    expect(got.messages.map((m) => m.queueOffset)).toEqual([0, 1, 2]);
  });
});
