import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { BROKER_NAME, consumeBrokerWorld, heartbeat } from '../../properties/harness/consume-broker-node.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { LockBatchResponseBody, ResetOffsetBody } from './admin-processor.ts';
import { REBALANCE_LOCK_MAX_LIVE_TIME } from './rebalance-lock-manager.ts';
import { runs } from '../../properties/fc-setup.ts';
import { asRead } from '../../properties/harness/as-read.ts';

function world() {
  const w = consumeBrokerWorld({ clients: ['c1', 'c2', 'admin'] });
  w.world.runUntil(5);
  const offset = (code: number, fields: Record<string, number | string>) =>
    w.call('admin', request(code, { topic: 'T', queueId: 0, ...fields }))?.extFields?.offset;
  /** Puts `n` messages into T/0 at the current time, then lets `gapMs` pass. */
  const putAt = (n: number, gapMs: number, queueId = 0) => {
    const at = w.world.config.epochMs + w.world.now;
    for (let i = 0; i < n; i++) w.put('T', queueId);
    w.world.runUntil(w.world.now + gapMs);
    return at;
  };
  return { ...w, offset, putAt };
}

const mq = (queueId: number) => ({ topic: 'T', brokerName: BROKER_NAME, queueId });

describe('offset queries', () => {
  test('GET_MAX_OFFSET and GET_MIN_OFFSET of a queue, written or not', () => {
    const w = world();
    w.putAt(3, 10);
    expect(w.offset(RequestCode.GET_MAX_OFFSET, {})).toBe(3);
    expect(w.offset(RequestCode.GET_MIN_OFFSET, {})).toBe(0);
    expect(w.offset(RequestCode.GET_MAX_OFFSET, { queueId: 2 })).toBe(0);
    expect(w.offset(RequestCode.GET_MIN_OFFSET, { queueId: 2 })).toBe(0);
  });

  ptest.prop(
    [fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }), fc.nat({ max: 100_000 })],
    runs(20),
  )('SEARCH_OFFSET_BY_TIMESTAMP: the first message stored at or after the time', (batches, probeMs) => {
    const w = world();
    const stored: number[] = []; // store time of each queue offset
    for (const n of batches) {
      const at = w.putAt(n, 10_000);
      for (let i = 0; i < n; i++) stored.push(at);
    }
    const timestamp = w.world.config.epochMs + probeMs;
    const first = stored.findIndex((t) => t >= timestamp);
    const answer = w.offset(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { timestamp });
    // Past the last message, RocketMQ answers the max offset (the next one to be written).
    expect(answer).toBe(first === -1 ? stored.length : first);
  });
});

describe('orderly locks', () => {
  test('LOCK_BATCH_MQ answers the queues locked; another client gets a queue once unlocked or expired', () => {
    const w = world();
    const lock = (client: string, ...ids: number[]) =>
      (
        w.call(
          client,
          request(RequestCode.LOCK_BATCH_MQ, undefined, {
            consumerGroup: 'G',
            clientId: client,
            mqSet: ids.map(mq),
          }),
        )?.body as LockBatchResponseBody
      ).lockOKMQSet.map((q) => q.queueId);
    expect(lock('c1', 0, 1)).toEqual([0, 1]);
    expect(lock('c2', 1, 2)).toEqual([2]);
    const unlock = request(RequestCode.UNLOCK_BATCH_MQ, undefined, {
      consumerGroup: 'G',
      clientId: 'c1',
      mqSet: [mq(1)],
    });
    expect(w.call('c1', unlock)?.code).toBe(ResponseCode.SUCCESS);
    expect(lock('c2', 1)).toEqual([1]);
    expect(lock('c2', 0)).toEqual([]);
    w.world.runUntil(w.world.now + REBALANCE_LOCK_MAX_LIVE_TIME + 1);
    expect(lock('c2', 0)).toEqual([0]);
  });
});

describe('resetOffsetByTime', () => {
  const reset = (timestamp: number, isForce = true, group = 'G') =>
    request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T', group, timestamp, isForce });

  /** Group G on topic T, with offset 5 committed for its first `committed` queues (of 4). */
  function withGroup(committed = 4) {
    const w = world();
    w.call('c1', heartbeat('c1@1', 'G', 'T'));
    w.call('c2', heartbeat('c2@1', 'G', 'T'));
    const t0 = w.putAt(2, 10_000);
    const t1 = w.putAt(3, 10_000);
    for (let queueId = 0; queueId < committed; queueId++)
      w.parts().ctx.offsets.commitOffset('x', 'G', 'T', queueId, 5);
    const pushes = (client: string) =>
      w
        .probe(client)
        .deliveries.map((d) => asRead(d.body as RemotingCommand))
        .filter((c) => c.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET);
    return { ...w, t0, t1, pushes };
  }

  test('every client of the group gets the table of offsets at the time; the admin gets it too', () => {
    const w = withGroup();
    const answer = w.call('admin', reset(w.t1));
    w.world.runUntil(w.world.now + 10);
    expect(answer?.code).toBe(ResponseCode.SUCCESS);
    const table = (answer?.body as ResetOffsetBody).offsetTable;
    expect(table.map((e) => [e.mq.queueId, e.offset])).toEqual([
      [0, 2],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    for (const client of ['c1', 'c2']) {
      const [push] = w.pushes(client);
      expect(push).toMatchObject({ extFields: { topic: 'T', group: 'G', timestamp: w.t1 } });
      expect((push!.body as ResetOffsetBody).offsetTable).toEqual(table);
    }
    expect(w.parts().ctx.offsets.queryOffset('G', 'T', 0)).toBe(5); // the clients commit, later
  });

  test("without isForce a committed offset lower than the time's is kept; -1 means the max offset", () => {
    const w = withGroup();
    w.parts().ctx.offsets.commitOffset('x', 'G', 'T', 0, 1);
    const table = (t: number, force: boolean) =>
      (w.call('admin', reset(t, force))?.body as ResetOffsetBody).offsetTable.map((e) => e.offset);
    expect(table(w.t1, false)).toEqual([1, 0, 0, 0]);
    expect(table(-1, true)).toEqual([5, 0, 0, 0]);
  });

  test('failures: a queue without committed offset, no client online, unknown topic', () => {
    const w = withGroup(3);
    expect(w.call('admin', reset(w.t0))?.code).toBe(ResponseCode.SYSTEM_ERROR);
    for (let queueId = 0; queueId < 4; queueId++)
      w.parts().ctx.offsets.commitOffset('x', 'H', 'T', queueId, 0);
    expect(w.call('admin', reset(w.t0, true, 'H'))?.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    const unknown = request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
      topic: 'U',
      group: 'G',
      timestamp: 0,
    });
    expect(w.call('admin', unknown)?.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(w.pushes('c1')).toEqual([]);
  });
});
