import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { consumeBrokerWorld, heartbeat, pullHeader } from '../../properties/harness/consume-broker-node.ts';
import { request } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { checkInDiskByConsumeOffset } from './consumer-manage-processor.ts';
import { runs } from '../../properties/fc-setup.ts';
import { PullSysFlag } from '../protocol/pull-message-header.ts';

function world(conf: Record<string, unknown> = {}) {
  const w = consumeBrokerWorld({ conf });
  w.world.runUntil(5);
  const query = (queueId = 0, group = 'G') =>
    w.call('c1', request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic: 'T', queueId }));
  const update = (commitOffset: number, queueId = 0) =>
    w.call(
      'c1',
      request(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'G', topic: 'T', queueId, commitOffset }),
    );
  const settle = () => w.world.runUntil(w.world.now + 10);
  return { ...w, query, update, settle };
}

describe('consumer offsets', () => {
  test('UPDATE_CONSUMER_OFFSET then QUERY_CONSUMER_OFFSET answers it; a lower offset overwrites', () => {
    const w = world();
    expect(w.update(42)?.code).toBe(ResponseCode.SUCCESS);
    expect(w.query()).toMatchObject({ code: ResponseCode.SUCCESS, extFields: { offset: 42 } });
    w.update(7);
    expect(w.query()?.extFields?.offset).toBe(7);
  });

  test('an offset committed through a pull is what QUERY_CONSUMER_OFFSET answers', () => {
    const w = world();
    w.call('c1', heartbeat('c1@1', 'G', 'T'));
    const sysFlag = PullSysFlag.COMMIT_OFFSET;
    w.call(
      'c1',
      request(RequestCode.PULL_MESSAGE, pullHeader({ queueOffset: 0, sysFlag, commitOffset: 5, queueId: 2 })),
    );
    expect(w.query(2)?.extFields?.offset).toBe(5);
  });

  test('quirk: no committed offset, min offset 0 and offset 0 in memory: SUCCESS with 0', () => {
    const w = world();
    expect(w.query(3)).toMatchObject({ code: ResponseCode.SUCCESS, extFields: { offset: 0 } }); // never written
    for (let i = 0; i < 3; i++) w.put('T', 0);
    w.settle();
    expect(w.query(0)).toMatchObject({ code: ResponseCode.SUCCESS, extFields: { offset: 0 } });
  });

  test('quirk: offset 0 out of memory (far behind the CommitLog end): QUERY_NOT_FOUND', () => {
    // 40% of 2,000 bytes: a message more than 800 bytes behind the end counts as on disk.
    const w = world({ physicalMemoryBytes: 2_000 });
    w.put('T', 0);
    w.settle();
    expect(checkInDiskByConsumeOffset(w.parts().ctx.store, 'T', 0, 0)).toBe(false);
    expect(w.query(0)?.code).toBe(ResponseCode.SUCCESS);
    for (let i = 0; i < 12; i++) w.put('T', 1);
    w.settle();
    expect(checkInDiskByConsumeOffset(w.parts().ctx.store, 'T', 0, 0)).toBe(true);
    expect(w.query(0)).toMatchObject({ code: ResponseCode.QUERY_NOT_FOUND });
    expect(w.query(0)?.extFields).toBeUndefined();
  });

  ptest.prop(
    [fc.array(fc.record({ queueId: fc.nat({ max: 3 }), offset: fc.nat({ max: 1_000 }) }), { maxLength: 15 })],
    runs(25),
  )('every queue answers its last committed offset, whatever the order of values', (commits) => {
    const w = world();
    const last = new Map<number, number>();
    for (const { queueId, offset } of commits) {
      w.update(offset, queueId);
      last.set(queueId, offset);
    }
    for (let queueId = 0; queueId < 4; queueId++) {
      expect(w.query(queueId)?.extFields?.offset).toBe(last.get(queueId) ?? 0);
    }
  });
});
