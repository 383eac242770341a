import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import { MessageSysFlag } from '../message/message.ts';
import type { DispatchRequest } from './commit-log-record.ts';
import { indexFileName, type IndexFileGeometry } from './index-file-format.ts';
import { IndexService } from './index-service.ts';
import { StoreCheckpoint } from './store-checkpoint.ts';

const T0 = 1_767_225_600_000;
const MAX = Number.MAX_SAFE_INTEGER;
/** Two entries per file. */
const TINY: IndexFileGeometry = { hashSlotNum: 8, indexNum: 3 };

function machine() {
  const { world, node, env } = probeMachine({
    seed: 5,
    disk: { flushLatencyMs: 1, dirtyExpireMs: Infinity },
  });
  /** A fresh checkpoint and IndexService on the running incarnation, loaded from disk. */
  const open = (geometry: IndexFileGeometry = TINY, lastExitOK = true, maxMsgsNumBatch?: number) => {
    const checkpoint = new StoreCheckpoint(env().disk, 'store');
    checkpoint.load();
    const service = new IndexService({
      disk: env().disk,
      rootDir: 'store',
      checkpoint,
      now: env().now,
      geometry,
      maxMsgsNumBatch,
    });
    expect(service.load(lastExitOK)).toBe(true);
    return { checkpoint, service };
  };
  return { world, node, env, open };
}

function req(commitLogOffset: number, fields: Partial<DispatchRequest> = {}): DispatchRequest {
  return {
    topic: 'T',
    queueId: 0,
    queueOffset: 0,
    commitLogOffset,
    storeSize: 100,
    tagsCode: 0,
    storeTimestamp: T0,
    sysFlag: 0,
    preparedTransactionOffset: 0,
    keys: undefined,
    uniqKey: undefined,
    ...fields,
  };
}

const offsets = (service: IndexService, key: string, maxNum = 32, begin = 0, end = MAX) =>
  service.queryOffset('T', key, maxNum, begin, end).phyOffsets;

describe('IndexService.buildIndex', () => {
  test('indexes topic#UNIQ_KEY and each non-empty topic#KEY', () => {
    const { service } = machine().open({ hashSlotNum: 64, indexNum: 32 });
    service.buildIndex(req(0, { uniqKey: 'U1', keys: 'k1 k2  k3 ' }));
    service.buildIndex(req(100, { keys: 'k2' }));
    expect(offsets(service, 'U1')).toEqual([0]);
    expect(offsets(service, 'k2')).toEqual([100, 0]);
    expect(offsets(service, 'k3')).toEqual([0]);
    expect(offsets(service, '')).toEqual([]);
    expect(service.queryOffset('T2', 'k1', 32, 0, MAX).phyOffsets).toEqual([]);
    expect(service.files[0]!.indexCount).toBe(6);
  });

  test('a rolled-back transaction is not indexed; prepared and committed ones are', () => {
    const { service } = machine().open({ hashSlotNum: 64, indexNum: 32 });
    service.buildIndex(req(0, { keys: 'k', sysFlag: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE }));
    service.buildIndex(req(100, { keys: 'k', sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }));
    service.buildIndex(req(200, { keys: 'k', sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE }));
    expect(offsets(service, 'k')).toEqual([200, 100]);
  });

  test('re-dispatch skips records below the last indexed one, but indexes that one again', () => {
    const { service } = machine().open({ hashSlotNum: 64, indexNum: 32 });
    service.buildIndex(req(0, { keys: 'a' }));
    service.buildIndex(req(100, { keys: 'b' }));
    service.buildIndex(req(0, { keys: 'a' }));
    service.buildIndex(req(100, { keys: 'b' }));
    expect(offsets(service, 'a')).toEqual([0]);
    expect(offsets(service, 'b')).toEqual([100, 100]);
  });
});

describe('IndexService files', () => {
  test('a full file rolls to a new one, named 1 ms later if its time is taken', () => {
    const { env, open } = machine();
    const { service } = open();
    service.buildIndex(req(0, { uniqKey: 'U', keys: 'k1 k2 k3' }));
    const now = env().now();
    expect(service.files.map((f) => f.fileName)).toEqual([indexFileName(now), indexFileName(now + 1)]);
    expect(env().disk.list('store/index')).toEqual([indexFileName(now), indexFileName(now + 1)]);
    for (const key of ['U', 'k1', 'k2', 'k3']) expect(offsets(service, key)).toEqual([0]);
    expect(service.files[1]!.beginPhyOffset).toBe(0);
  });

  test('the full file is flushed at the roll, then the checkpoint records its end time', () => {
    const { world, node, open } = machine();
    const { service, checkpoint } = open();
    service.buildIndex(req(0, { keys: 'a', storeTimestamp: T0 }));
    service.buildIndex(req(100, { keys: 'b', storeTimestamp: T0 + 1000 }));
    expect(checkpoint.indexMsgTimestamp).toBe(0);
    service.buildIndex(req(200, { keys: 'c', storeTimestamp: T0 + 2000 }));
    expect(checkpoint.indexMsgTimestamp).toBe(0); // not before the file is durable
    world.runUntilQuiet();
    expect(checkpoint.indexMsgTimestamp).toBe(T0 + 1000);
    node.powerOff();
    node.start();
    const back = open(TINY, false);
    expect(back.checkpoint.indexMsgTimestamp).toBe(T0 + 1000);
    // The second file was never flushed: it comes back empty and is kept (its end time is 0).
    expect(back.service.files.map((f) => f.indexCount)).toEqual([3, 1]);
    expect(offsets(back.service, 'a')).toEqual([0]);
    expect(offsets(back.service, 'c')).toEqual([]);
  });

  test('after an unclean exit, files ending after the checkpoint index time are deleted', () => {
    const { world, node, env, open } = machine();
    const { service } = open();
    for (let i = 0; i < 3; i++)
      service.buildIndex(req(100 * i, { keys: `k${i}`, storeTimestamp: T0 + 1000 * i }));
    world.runUntilQuiet();
    node.kill(); // the page cache keeps the second file's key
    node.start();
    expect(open(TINY, true).service.files.length).toBe(2);
    const names = env().disk.list('store/index');
    const back = open(TINY, false).service;
    expect(back.files.map((f) => f.fileName)).toEqual([names[0]]);
    expect(env().disk.list('store/index')).toEqual([names[0]]);
    expect(offsets(back, 'k2')).toEqual([]);
  });

  test('queries walk the files newest first and stop after one that begins before the range', () => {
    const { open } = machine();
    const { service } = open();
    for (let i = 0; i < 5; i++)
      service.buildIndex(req(100 * i, { keys: 'K', storeTimestamp: T0 + 10_000 * i }));
    expect(service.files.length).toBe(3);
    expect(offsets(service, 'K')).toEqual([400, 300, 200, 100, 0]);
    expect(offsets(service, 'K', 32, T0 + 20_000)).toEqual([400, 300, 200]);
    expect(offsets(service, 'K', 32, T0 + 10_000, T0 + 30_000)).toEqual([300, 200, 100]);
    expect(offsets(service, 'K', 2)).toEqual([400, 300]);
    const result = service.queryOffset('T', 'K', 32, 0, MAX);
    expect([result.indexLastUpdateTimestamp, result.indexLastUpdatePhyoffset]).toEqual([T0 + 40_000, 400]);
  });

  test('maxMsgsNumBatch caps a query', () => {
    const { service } = machine().open(TINY, true, 1);
    for (let i = 0; i < 3; i++) service.buildIndex(req(100 * i, { keys: 'K' }));
    expect(offsets(service, 'K')).toEqual([200]);
  });

  test('an empty service answers nothing', () => {
    const { service } = machine().open();
    expect(service.queryOffset('T', 'K', 32, 0, MAX)).toEqual({
      phyOffsets: [],
      indexLastUpdateTimestamp: 0,
      indexLastUpdatePhyoffset: 0,
    });
  });

  test('deleteExpiredFile deletes the oldest files ending below the CommitLog minimum, not the last', () => {
    const { env, open } = machine();
    const { service } = open();
    for (let i = 0; i < 5; i++) service.buildIndex(req(100 * i, { keys: 'K' }));
    const names = service.files.map((f) => f.fileName);
    service.deleteExpiredFile(300);
    expect(service.files.map((f) => f.fileName)).toEqual(names.slice(1));
    service.deleteExpiredFile(10_000);
    expect(service.files.map((f) => f.fileName)).toEqual(names.slice(2));
    expect(env().disk.list('store/index')).toEqual(names.slice(2));
  });

  test('destroy deletes every file', () => {
    const { env, open } = machine();
    const { service } = open();
    for (let i = 0; i < 3; i++) service.buildIndex(req(100 * i, { keys: 'K' }));
    service.destroy();
    expect([service.files.length, env().disk.list('store/index').length]).toEqual([0, 0]);
  });

  test('a geometry in which no key fits is refused', () => {
    const { env } = machine();
    const checkpoint = new StoreCheckpoint(env().disk, 'store');
    const make = (geometry: IndexFileGeometry) => () =>
      new IndexService({ disk: env().disk, rootDir: 'store', checkpoint, now: env().now, geometry });
    expect(make({ hashSlotNum: 8, indexNum: 1 })).toThrow(RangeError);
    expect(make({ hashSlotNum: 0, indexNum: 8 })).toThrow(RangeError);
  });
});
