import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { consumeBrokerWorld, heartbeat, pullHeader } from '../../properties/harness/consume-broker-node.ts';
import type { MessageExt } from '../message/message.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { GetMessageStatus } from '../store/get-message.ts';
import { pullResponseCode } from './pull-message-processor.ts';
import { LONG_POLLING_CHECK_INTERVAL } from './pull-request-hold-service.ts';
import { runs } from '../../properties/fc-setup.ts';
import {
  PullSysFlag,
  pullMessageRequestHeaderSchema,
  newPullMessageRequestHeader,
  readPullMessageRequestHeader,
} from '../protocol/pull-message-header.ts';

const { SUSPEND, COMMIT_OFFSET, SUBSCRIPTION } = PullSysFlag;
const pull = (fields: Parameters<typeof pullHeader>[0]) =>
  request(RequestCode.PULL_MESSAGE, pullHeader(fields));
const keys = (answer: RemotingCommand | undefined) => (answer?.body as MessageExt[]).map((m) => m.getKeys());

/** A world where client c1 of group G subscribed to T with `subString`, and `n` messages in T/0. */
function subscribed(n = 0, subString = '*', conf: Record<string, unknown> = {}) {
  const w = consumeBrokerWorld({ conf });
  w.world.runUntil(5);
  expect(w.call('c1', heartbeat('c1@1', 'G', 'T', subString))?.code).toBe(ResponseCode.SUCCESS);
  for (let i = 0; i < n; i++) w.put('T', 0);
  w.world.runUntil(w.world.now + 10);
  return w;
}

describe('PULL_MESSAGE', () => {
  test('FOUND: SUCCESS with the messages, nextBeginOffset and the queue bounds', () => {
    const w = subscribed(3);
    const answer = w.call('c1', pull({ queueOffset: 1 }));
    expect(answer).toMatchObject({
      code: ResponseCode.SUCCESS,
      extFields: { nextBeginOffset: 3, minOffset: 0, maxOffset: 3, suggestWhichBrokerId: 0 },
    });
    expect(keys(answer)).toEqual(['k1', 'k2']);
    expect(w.call('c1', pull({ queueOffset: 0, maxMsgNums: 2 }))?.extFields?.nextBeginOffset).toBe(2);
  });

  test('offset statuses map to 4.9 response codes and corrected next offsets', () => {
    const w = subscribed(3);
    const at = (queueOffset: number, queueId = 0) => w.call('c1', pull({ queueOffset, queueId, sysFlag: 0 }));
    expect(at(3)).toMatchObject({ code: ResponseCode.PULL_NOT_FOUND, remark: 'OFFSET_OVERFLOW_ONE' });
    expect(at(3)?.extFields?.nextBeginOffset).toBe(3);
    expect(at(9)).toMatchObject({ code: ResponseCode.PULL_OFFSET_MOVED, remark: 'OFFSET_OVERFLOW_BADLY' });
    expect(at(9)?.extFields?.nextBeginOffset).toBe(3);
    // An empty (never written) queue: offset 0 is "not found", any other offset has moved to 0.
    expect(at(0, 1)).toMatchObject({ code: ResponseCode.PULL_NOT_FOUND, remark: 'NO_MATCHED_LOGIC_QUEUE' });
    expect(at(4, 1)).toMatchObject({
      code: ResponseCode.PULL_OFFSET_MOVED,
      extFields: { nextBeginOffset: 0 },
    });
  });

  test('the status table of PullMessageProcessor', () => {
    const table: [GetMessageStatus, number, number][] = [
      ['FOUND', 5, ResponseCode.SUCCESS],
      ['NO_MESSAGE_IN_QUEUE', 0, ResponseCode.PULL_NOT_FOUND],
      ['NO_MESSAGE_IN_QUEUE', 5, ResponseCode.PULL_OFFSET_MOVED],
      ['NO_MATCHED_LOGIC_QUEUE', 0, ResponseCode.PULL_NOT_FOUND],
      ['OFFSET_OVERFLOW_ONE', 5, ResponseCode.PULL_NOT_FOUND],
      ['OFFSET_FOUND_NULL', 5, ResponseCode.PULL_NOT_FOUND],
      ['OFFSET_OVERFLOW_BADLY', 5, ResponseCode.PULL_OFFSET_MOVED],
      ['OFFSET_TOO_SMALL', 0, ResponseCode.PULL_OFFSET_MOVED],
      ['NO_MATCHED_MESSAGE', 5, ResponseCode.PULL_RETRY_IMMEDIATELY],
      ['MESSAGE_WAS_REMOVING', 5, ResponseCode.PULL_RETRY_IMMEDIATELY],
    ];
    for (const [status, offset, code] of table) expect(pullResponseCode(status, offset), status).toBe(code);
  });

  test('a slave without offsetCheckInSlave retries instead of moving the offset, and commits nothing', () => {
    const w = subscribed(0, '*', { brokerRole: 'SLAVE', brokerId: 1 });
    const answer = w.call('c1', pull({ queueOffset: 7, sysFlag: COMMIT_OFFSET, commitOffset: 7 }));
    expect(answer).toMatchObject({
      code: ResponseCode.PULL_RETRY_IMMEDIATELY,
      extFields: { nextBeginOffset: 7, suggestWhichBrokerId: 0 },
    });
    expect(w.parts().ctx.offsets.queryOffset('G', 'T', 0)).toBe(-1);
  });

  test('tags: the registered subscription filters by tagsCode; the request may carry its own', () => {
    const w = subscribed(0, 'A || B');
    ['A', 'C', undefined, 'B', 'A'].forEach((tag) => w.put('T', 0, tag));
    w.world.runUntil(w.world.now + 10);
    const registered = w.call('c1', pull({ queueOffset: 0 }));
    expect(keys(registered)).toEqual(['k0', 'k3', 'k4']);
    const own = w.call('c1', pull({ queueOffset: 0, sysFlag: SUBSCRIPTION, subscription: 'C' }));
    expect(keys(own)).toEqual(['k1']);
    const none = w.call('c1', pull({ queueOffset: 0, sysFlag: SUBSCRIPTION, subscription: 'Z' }));
    expect(none).toMatchObject({ code: ResponseCode.PULL_RETRY_IMMEDIATELY, remark: 'NO_MATCHED_MESSAGE' });
    expect(none?.extFields?.nextBeginOffset).toBe(5);
  });

  test('request checks: topic, queueId, subscription, its version, broker permission', () => {
    const w = subscribed();
    const code = (fields: Parameters<typeof pullHeader>[0], client = 'c1') =>
      w.call(client, pull(fields))?.code;
    expect(code({ queueOffset: 0, topic: 'NOPE' })).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(code({ queueOffset: 0, queueId: 4 })).toBe(ResponseCode.SYSTEM_ERROR);
    expect(code({ queueOffset: 0, consumerGroup: 'OTHER' })).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    expect(code({ queueOffset: 0, subVersion: 2 })).toBe(ResponseCode.SUBSCRIPTION_NOT_LATEST);
    expect(code({ queueOffset: 0, sysFlag: SUBSCRIPTION, expressionType: 'SQL92' })).toBe(
      ResponseCode.SYSTEM_ERROR,
    );
    const closed = subscribed(0, '*', { brokerPermission: 2 });
    expect(closed.call('c1', pull({ queueOffset: 0 }))?.code).toBe(ResponseCode.NO_PERMISSION);
  });

  test('a commit offset in the pull is stored by a master, held or not', () => {
    const w = subscribed(2);
    w.call('c1', pull({ queueOffset: 0, sysFlag: COMMIT_OFFSET | SUSPEND, commitOffset: 1 }));
    expect(w.parts().ctx.offsets.queryOffset('G', 'T', 0)).toBe(1);
    w.send('c1', pull({ queueOffset: 2, sysFlag: COMMIT_OFFSET | SUSPEND, commitOffset: 2 }));
    w.world.runUntil(w.world.now + 5);
    expect(w.parts().hold.heldCount('T', 0)).toBe(1);
    expect(w.parts().ctx.offsets.queryOffset('G', 'T', 0)).toBe(2);
  });
});

describe('long polling', () => {
  test('a held pull is answered when a message arrives: arrival + dispatch lag + latency', () => {
    const w = subscribed(1);
    const answers = w.send('c1', pull({ queueOffset: 1 }));
    w.world.runUntil(w.world.now + 7_000);
    expect(answers).toEqual([]);
    const putAt = w.world.now;
    w.put('T', 0);
    w.world.runUntil(putAt + 100);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.t).toBe(putAt + 1 + 1); // reputDelayMs, then one network latency
    expect(keys(answers[0]!.result.ok ? (answers[0]!.result.body as RemotingCommand) : undefined)).toEqual([
      'k1',
    ]);
    expect(w.parts().hold.heldCount()).toBe(0);
  });

  test('a message in another queue or with another tag does not wake it', () => {
    const w = subscribed(0, 'A');
    const answers = w.send('c1', pull({ queueOffset: 0 }));
    w.world.runUntil(w.world.now + 100);
    w.put('T', 1, 'A');
    w.put('T', 0, 'B');
    w.world.runUntil(w.world.now + 100);
    expect(answers).toEqual([]);
    w.put('T', 0, 'A');
    w.world.runUntil(w.world.now + 100);
    expect(answers[0]?.result).toMatchObject({ ok: true, body: { code: ResponseCode.SUCCESS } });
  });

  test('with no message, PULL_NOT_FOUND at the first 5 s check after the 15 s suspend', () => {
    const w = subscribed();
    const sentAt = w.world.now;
    const answers = w.send('c1', pull({ queueOffset: 0 }));
    w.world.runUntil(sentAt + 14_999);
    expect(answers).toEqual([]);
    w.world.runUntil(sentAt + 25_000);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.result).toMatchObject({ ok: true, body: { code: ResponseCode.PULL_NOT_FOUND } });
    const heldAt = sentAt + 1;
    const answeredAt = answers[0]!.t - 1;
    expect(answeredAt).toBeGreaterThanOrEqual(heldAt + 15_000);
    expect(answeredAt).toBeLessThan(heldAt + 15_000 + LONG_POLLING_CHECK_INTERVAL);
    expect(answeredAt % LONG_POLLING_CHECK_INTERVAL).toBe(0);
  });

  test('long polling off: held for shortPollingTimeMills, checked every second, no arrival wake-up', () => {
    const w = subscribed(0, '*', { longPollingEnable: false });
    const sentAt = w.world.now;
    const answers = w.send('c1', pull({ queueOffset: 0 }));
    w.world.runUntil(sentAt + 3_000);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.t - 1 - (sentAt + 1)).toBeGreaterThanOrEqual(1_000);
    expect(answers[0]!.t - 1 - (sentAt + 1)).toBeLessThan(2_000);
  });

  test('a pull without the suspend bit is answered at once', () => {
    const w = subscribed();
    expect(w.call('c1', pull({ queueOffset: 0, sysFlag: 0 }))?.code).toBe(ResponseCode.PULL_NOT_FOUND);
  });
});

describe('PULL_MESSAGE property', () => {
  const TAGS = ['A', 'B', undefined] as const;
  ptest.prop(
    [
      fc.array(fc.constantFrom(...TAGS), { maxLength: 20 }),
      fc.constantFrom('*', 'A', 'A || B', 'C'),
      fc.nat({ max: 24 }),
    ],
    runs(40),
  )(
    'the answer is the matching messages from the offset, or the 4.9 code for the offset',
    (tags, sub, offset) => {
      const w = subscribed(0);
      tags.forEach((tag) => w.put('T', 0, tag));
      w.world.runUntil(w.world.now + 10);
      const answer = w.call('c1', pull({ queueOffset: offset, sysFlag: SUBSCRIPTION, subscription: sub }))!;
      const n = tags.length;
      const wanted = sub === '*' ? undefined : sub.split('||').map((t) => t.trim());
      const expected = tags
        .map((tag, i) => ({ tag, key: `k${i}` }))
        .slice(offset)
        .filter(({ tag }) => wanted === undefined || (tag !== undefined && wanted.includes(tag)))
        .map(({ key }) => key);
      const { code, extFields } = answer;
      if (n === 0)
        expect(code).toBe(offset === 0 ? ResponseCode.PULL_NOT_FOUND : ResponseCode.PULL_OFFSET_MOVED);
      else if (offset === n)
        expect([code, extFields?.nextBeginOffset]).toEqual([ResponseCode.PULL_NOT_FOUND, n]);
      else if (offset > n)
        expect([code, extFields?.nextBeginOffset]).toEqual([ResponseCode.PULL_OFFSET_MOVED, n]);
      else if (expected.length === 0)
        expect([code, extFields?.nextBeginOffset]).toEqual([ResponseCode.PULL_RETRY_IMMEDIATELY, n]);
      else {
        expect([code, extFields?.nextBeginOffset]).toEqual([ResponseCode.SUCCESS, n]);
        expect(keys(answer)).toEqual(expected);
      }
      expect(extFields?.maxOffset ?? 0).toBe(n);
    },
  );
});

describe('PULL_MESSAGE header', () => {
  // The number fields as the schema has them (all but the strings), so that a field the quick read
  // forgets still shows.
  const shape = pullMessageRequestHeaderSchema.shape;
  const INTS = Object.keys(shape).filter((name) => {
    const field = shape[name as keyof typeof shape];
    return !(field instanceof z.ZodString || field instanceof z.ZodOptional);
  });
  const number = fc.oneof(fc.integer(), fc.maxSafeInteger());
  // A number as the simulation passes it, or as text as it comes off the wire (within an int's
  // range: some of the fields are Java ints, and text beyond that range does not parse).
  const int = fc.oneof(number, fc.integer().map(String));
  // A header as a client writes it, optional fields present or not.
  const wellFormed = fc.record(
    {
      consumerGroup: fc.string({ minLength: 1 }),
      topic: fc.string({ minLength: 1 }),
      ...Object.fromEntries(INTS.map((name) => [name, int])),
      subscription: fc.string(),
      expressionType: fc.string(),
    },
    { requiredKeys: ['consumerGroup', 'topic', ...INTS] as never[] },
  );
  // One field replaced by a value of the wrong kind (or an unknown field added).
  const damage = fc.option(
    fc.tuple(
      fc.constantFrom('consumerGroup', 'topic', 'subscription', 'expressionType', 'unknownField', ...INTS),
      fc.oneof(
        fc.constant(''),
        fc.double(),
        fc.constant(2 ** 53),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
      ),
    ),
  );
  // One header read into again and again, as the broker does: nothing is left of the last one.
  const quick = newPullMessageRequestHeader();
  ptest.prop([wellFormed, damage], runs(300))(
    'the quick read answers as the schema does, key order included',
    (fields, damaged) => {
      const h = damaged === null ? fields : { ...fields, [damaged[0]]: damaged[1] };
      const error = readPullMessageRequestHeader(h, quick);
      const schema = pullMessageRequestHeaderSchema.safeParse(h);
      if (damaged === null) expect(error).toBeUndefined();
      expect(error === undefined).toBe(schema.success);
      if (error === undefined && schema.success) {
        // An absent optional field is read as undefined, where the schema leaves it out.
        expect(quick).toEqual(schema.data);
        expect(JSON.stringify(quick)).toBe(JSON.stringify(schema.data));
      } else expect(z.prettifyError(error!)).toBe(z.prettifyError(schema.error!));
    },
  );

  test('a malformed header gets the schema error, naming the field', () => {
    const sent = pullHeader({ queueOffset: 3, sysFlag: SUBSCRIPTION, subscription: 'A' });
    const header = newPullMessageRequestHeader();
    expect(readPullMessageRequestHeader(sent, header)).toBeUndefined();
    expect(header).toEqual(sent);
    const bad = readPullMessageRequestHeader({ ...sent, queueId: 1.5 }, header);
    expect(bad?.issues.map((i) => i.path)).toEqual([['queueId']]);
  });
});
