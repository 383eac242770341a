import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import { parseHost } from '../message/host.ts';
import { MessageConst, MessageSysFlag, SCHEDULE_TOPIC } from '../message/message.ts';
import { checkRecord, RECORD_FIXED_SIZE } from './commit-log-record.ts';
import { FlushRealTimeService, GroupCommitService, type FlushStatus } from './commit-log-flush.ts';
import { CommitLog, type PutMessageRequest } from './commit-log.ts';
import { messageStoreConfigSchema, type MessageStoreConfigInput } from './message-store-config.ts';

function setup(config: MessageStoreConfigInput = {}, disk = {}) {
  const { world, node, env } = probeMachine({ seed: 1, disk }, 'broker');
  const storeConfig = messageStoreConfigSchema.parse({ mappedFileSizeCommitLog: 1024, ...config });
  const commitLog = new CommitLog(env(), storeConfig, parseHost('10.0.0.1:10911'));
  return { world, env: env(), commitLog, storeConfig, node };
}

function request(topic: string, queueId: number, body: string, extra: Partial<PutMessageRequest> = {}) {
  return {
    topic,
    queueId,
    flag: 0,
    body: new TextEncoder().encode(body),
    properties: new Map<string, string>(),
    sysFlag: 0,
    bornTimestamp: 1,
    bornHost: parseHost('10.0.0.9:5555'),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...extra,
  } satisfies PutMessageRequest;
}

/** A record of `bodyLength` bytes with topic "t" and no properties is 92 + bodyLength bytes. */
const sizeOf = (bodyLength: number) => RECORD_FIXED_SIZE + 1 + bodyLength;

describe('CommitLog.append', () => {
  test('assigns queue offsets per (topic, queue) and physical offsets in order', () => {
    const { commitLog } = setup();
    const a = commitLog.append(request('t', 0, 'a'));
    const b = commitLog.append(request('t', 1, 'bb'));
    const c = commitLog.append(request('t', 0, 'c'));
    expect([a, b, c].map((r) => r.appendResult?.logicsOffset)).toEqual([0, 0, 1]);
    expect([a, b, c].map((r) => r.appendResult?.wroteOffset)).toEqual([0, sizeOf(1), sizeOf(1) + sizeOf(2)]);
    expect(commitLog.maxOffset()).toBe(2 * sizeOf(1) + sizeOf(2));
    const stored = checkRecord(commitLog.read(sizeOf(1), sizeOf(2))!, 0, { checkCRC: true });
    expect(stored).toMatchObject({ kind: 'valid', record: { topic: 't', queueId: 1, queueOffset: 0 } });
  });

  test('a record that leaves no room for the blank opens the next file', () => {
    const { commitLog } = setup();
    // 1024-byte files: 9 records of 100 bytes fill 900; a tenth needs 100 + 8 > 124 left? No: fits.
    const body = 'x'.repeat(100 - sizeOf(0));
    for (let i = 0; i < 10; i++) commitLog.append(request('t', 0, body));
    const eleventh = commitLog.append(request('t', 0, body));
    expect(eleventh.appendResult?.wroteOffset).toBe(1024);
    const tail = commitLog.queue.files[0]!.readRaw(1000, 8);
    expect(checkRecord(tail, 0, { checkCRC: true })).toEqual({ kind: 'end-of-file' });
    expect(commitLog.queue.files.map((f) => f.path)).toEqual([
      'store/commitlog/00000000000000000000',
      'store/commitlog/00000000000000001024',
    ]);
  });

  test('refuses what cannot be stored, and stores nothing for it', () => {
    const { commitLog } = setup({ maxMessageSize: 50 });
    expect(commitLog.append(request('t', 0, 'y'.repeat(51))).status).toBe('MESSAGE_ILLEGAL');
    expect(commitLog.append(request('t'.repeat(128), 0, 'y')).status).toBe('MESSAGE_ILLEGAL');
    expect(commitLog.maxOffset()).toBe(0);
  });

  test('a disk that is full answers UNKNOWN_ERROR and leaves the log as it was', () => {
    const { commitLog } = setup({}, { capacityBytes: 150 });
    expect(commitLog.append(request('t', 0, 'a')).status).toBe('PUT_OK');
    expect(commitLog.append(request('t', 0, 'b'))).toMatchObject({ status: 'UNKNOWN_ERROR' });
    expect(commitLog.maxOffset()).toBe(sizeOf(1));
    expect(commitLog.topicQueueTable.get('t-0')).toBe(1);
  });

  test('a delayed message goes to SCHEDULE_TOPIC_XXXX, queue level-1, with its real place kept', () => {
    const { commitLog } = setup();
    const properties = new Map([[MessageConst.DELAY, '99']]);
    const result = commitLog.append(request('orders', 3, 'later', { properties }));
    expect(result.appendResult).toMatchObject({ topic: SCHEDULE_TOPIC, queueId: 17, logicsOffset: 0 });
    const bytes = commitLog.read(0, result.appendResult!.wroteBytes)!;
    const stored = checkRecord(bytes, 0, { checkCRC: true });
    if (stored.kind !== 'valid') throw new Error(stored.kind);
    expect(stored.record.getProperty(MessageConst.REAL_TOPIC)).toBe('orders');
    expect(stored.record.getProperty(MessageConst.REAL_QID)).toBe('3');
    expect(stored.record.getProperty(MessageConst.DELAY)).toBe('18');
  });

  test('prepared transactional messages get no queue offset', () => {
    const { commitLog } = setup();
    const prepared = { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE };
    commitLog.append(request('t', 0, 'half', prepared));
    commitLog.append(request('t', 0, 'half', prepared));
    expect(commitLog.append(request('t', 0, 'plain')).appendResult?.logicsOffset).toBe(0);
  });
});

describe('GroupCommitService (SYNC_FLUSH)', () => {
  test('answers PUT_OK once the record is durable, sharing one flush among a group', () => {
    const { world, env, commitLog, storeConfig, node } = setup({ flushDiskType: 'SYNC_FLUSH' });
    const stamps: number[] = [];
    const service = new GroupCommitService(env, commitLog, storeConfig, (s) => stamps.push(s));
    const statuses: FlushStatus[] = [];
    for (const body of ['a', 'b', 'c']) {
      const r = commitLog.append(request('t', 0, body)).appendResult!;
      service.putRequest(r.wroteOffset + r.wroteBytes, (s) => statuses.push(s));
    }
    world.runUntilQuiet();
    expect(statuses).toEqual(['PUT_OK', 'PUT_OK', 'PUT_OK']);
    expect(stamps).toHaveLength(1);
    expect(node.disk.durableSize('store/commitlog/00000000000000000000')).toBe(3 * sizeOf(1));
  });

  test('a group whose records span a roll flushes a file at a time: each answer waits for its own file', () => {
    const { world, env, commitLog, storeConfig, node } = setup(
      { flushDiskType: 'SYNC_FLUSH' },
      { flushLatencyMs: 10 },
    );
    const stamps: number[] = [];
    const service = new GroupCommitService(env, commitLog, storeConfig, (s) => stamps.push(s));
    const body = 'x'.repeat(100 - sizeOf(0));
    const durable = () =>
      [0, 1024].map((f) => node.disk.durableSize(`store/commitlog/${String(f).padStart(20, '0')}`));
    const answers: unknown[] = [];
    // Ten 100-byte records and an 8-byte blank end the first 1024-byte file; the eleventh opens the next.
    for (let i = 0; i < 11; i++) {
      const r = commitLog.append(request('t', 0, body)).appendResult!;
      if (i < 9) continue;
      service.putRequest(r.wroteOffset + r.wroteBytes, (s) => answers.push([s, world.now, durable()]));
    }
    world.runUntilQuiet();
    expect(answers).toEqual([
      ['PUT_OK', 10, [1008, 0]],
      ['PUT_OK', 20, [1008, 100]],
    ]);
    expect(stamps).toEqual([commitLog.lastStoreTimestamp]);
  });

  test('a disk slower than syncFlushTimeout gives FLUSH_DISK_TIMEOUT, yet the record is stored', () => {
    const { world, env, commitLog, storeConfig } = setup(
      { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 100 },
      { flushLatencyMs: 500 },
    );
    const service = new GroupCommitService(env, commitLog, storeConfig, () => {});
    const statuses: FlushStatus[] = [];
    const r = commitLog.append(request('t', 0, 'slow')).appendResult!;
    service.putRequest(r.wroteOffset + r.wroteBytes, (s) => statuses.push(s));
    world.runUntilQuiet();
    expect(statuses).toEqual(['FLUSH_DISK_TIMEOUT']);
    expect(commitLog.queue.flushedWhere).toBe(sizeOf(4));
  });
});

describe('FlushRealTimeService (ASYNC_FLUSH)', () => {
  test('waits for enough dirty pages, and flushes everything on the thorough interval', () => {
    const { world, env, commitLog, storeConfig } = setup({
      mappedFileSizeCommitLog: 1 << 20,
      flushCommitLogLeastPages: 4,
      flushIntervalCommitLog: 500,
      flushCommitLogThoroughInterval: 10_000,
    });
    new FlushRealTimeService(env, commitLog, storeConfig, () => {}).start();
    commitLog.append(request('t', 0, 'small'));
    world.runUntil(9_000);
    expect(commitLog.queue.flushedWhere).toBe(0);
    world.runUntil(10_600);
    expect(commitLog.queue.flushedWhere).toBe(sizeOf(5));
    const body = 'z'.repeat(4 * 4096);
    commitLog.append(request('t', 0, body));
    world.runUntil(11_200);
    expect(commitLog.queue.flushedWhere).toBe(commitLog.maxOffset());
  });

  test('a power loss before the interval loses the acknowledged tail', () => {
    const { world, env, commitLog, storeConfig, node } = setup();
    new FlushRealTimeService(env, commitLog, storeConfig, () => {}).start();
    commitLog.append(request('t', 0, 'acked'));
    world.runUntil(100);
    node.powerOff();
    expect(node.disk.exists('store/commitlog/00000000000000000000')).toBe(true);
    expect(node.disk.size('store/commitlog/00000000000000000000')).toBe(0);
  });
});
