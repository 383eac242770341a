import { describe, expect, test } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { isRemotingCommand, request, response } from './remoting-command.ts';
import { RequestCode } from './request-code.ts';
import { ResponseCode } from './response-code.ts';

describe('RemotingCommand', () => {
  test('helpers leave absent parts out', () => {
    expect(request(RequestCode.GET_BROKER_CLUSTER_INFO)).toStrictEqual({ code: 106 });
    expect(request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' })).toStrictEqual({
      code: 105,
      extFields: { topic: 'T' },
    });
    expect(response(ResponseCode.SUCCESS, undefined, undefined, [1])).toStrictEqual({ code: 0, body: [1] });
    expect(response(ResponseCode.TOPIC_NOT_EXIST, 'no route')).toStrictEqual({
      code: 17,
      remark: 'no route',
    });
  });

  test('isRemotingCommand rejects what is not one', () => {
    for (const x of [null, 7, 'ping', {}, { code: 1.5 }, { code: '1' }, { code: 1, remark: 2 }]) {
      expect(isRemotingCommand(x)).toBe(false);
    }
    expect(isRemotingCommand({ code: 1, extFields: { a: { nested: true } } })).toBe(false);
    expect(isRemotingCommand({ code: 1, extFields: ['a'] })).toBe(false);
  });

  const extFields = fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean()));
  ptest.prop([
    fc.integer(),
    fc.option(extFields, { nil: undefined }),
    fc.option(fc.string(), { nil: undefined }),
  ])('every command the helpers build is recognised', (code, fields, remark) => {
    expect(isRemotingCommand(request(code, fields, { any: 'body' }))).toBe(true);
    expect(isRemotingCommand(response(code, remark, fields))).toBe(true);
  });

  ptest.prop([extFields, fc.string(), fc.constantFrom(null, undefined, {}, [], () => 1, 1n, Symbol('s'))])(
    'one field that is not a string, number or boolean refuses the command',
    (fields, key, bad) => {
      expect(isRemotingCommand({ code: 1, extFields: { ...fields, [key]: bad } })).toBe(false);
    },
  );
});
