import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { host } from './arbitraries.ts';
import {
  formatHost,
  isJavaDecimal,
  Message,
  MessageExt,
  parseHost,
  parseJavaInt,
  transactionType,
} from './message.ts';

const body = new Uint8Array([1, 2, 3]);

describe('hosts', () => {
  test('parse and format a simulated address', () => {
    expect(parseHost('10.0.0.3:10911')).toEqual({ ip: '10.0.0.3', port: 10911 });
    expect(formatHost({ ip: '10.0.0.3', port: 10911 })).toBe('10.0.0.3:10911');
  });

  test('leading zeros are normalised', () => {
    expect(parseHost('010.000.0.3:09876')).toEqual({ ip: '10.0.0.3', port: 9876 });
  });

  const malformed = [
    '10.0.0.3',
    '10.0.0:1',
    '256.0.0.1:1',
    '1.2.3.4:65536',
    'broker-a:10911',
    ' 1.2.3.4:1',
    '[::1]:9',
  ];
  test.each(malformed)('rejects %j', (address) => {
    expect(() => parseHost(address)).toThrow(RangeError);
  });

  ptest.prop([host])('format then parse is the identity', (h) => {
    expect(parseHost(formatHost(h))).toEqual(h);
  });
});

describe('Message helpers', () => {
  test('tags and keys go into TAGS and KEYS', () => {
    const msg = new Message('TopicTest', body, { tags: 'TagA', keys: ['order-1', 'user-7'] });
    expect([...msg.properties]).toEqual([
      ['TAGS', 'TagA'],
      ['KEYS', 'order-1 user-7'],
    ]);
    expect(msg.getTags()).toBe('TagA');
    expect(msg.getKeys()).toBe('order-1 user-7');
    expect(msg.keyList()).toEqual(['order-1', 'user-7']);
  });

  test('keyList skips the empty pieces of a KEYS string', () => {
    expect(new Message('T', body, { keys: ' a  b ' }).keyList()).toEqual(['a', 'b']);
    expect(new Message('T', body).keyList()).toEqual([]);
  });

  test('delay level: 0 when absent or malformed', () => {
    const msg = new Message('T', body);
    expect(msg.getDelayTimeLevel()).toBe(0);
    msg.setDelayTimeLevel(3);
    expect(msg.getProperty('DELAY')).toBe('3');
    expect(msg.getDelayTimeLevel()).toBe(3);
    msg.putProperty('DELAY', 'x');
    expect(msg.getDelayTimeLevel()).toBe(0);
  });

  test('WAIT defaults to true and reads like Boolean.parseBoolean', () => {
    const msg = new Message('T', body);
    expect(msg.isWaitStoreMsgOK()).toBe(true);
    msg.setWaitStoreMsgOK(false);
    expect(msg.getProperty('WAIT')).toBe('false');
    expect(msg.isWaitStoreMsgOK()).toBe(false);
    msg.putProperty('WAIT', 'TRUE');
    expect(msg.isWaitStoreMsgOK()).toBe(true);
  });

  test('UNIQ_KEY', () => {
    const msg = new Message('T', body);
    msg.setUniqKey('0A00000100010000000100000000ABCD');
    expect(msg.getUniqKey()).toBe('0A00000100010000000100000000ABCD');
    msg.clearProperty('UNIQ_KEY');
    expect(msg.getUniqKey()).toBeUndefined();
  });
});

test('MessageExt.msgId is the offsetMsgId of its store host and CommitLog offset', () => {
  const ext = new MessageExt(
    'T',
    body,
    {},
    {
      queueId: 0,
      queueOffset: 0,
      commitLogOffset: 1024,
      storeSize: 100,
      sysFlag: 0,
      bornTimestamp: 0,
      bornHost: { ip: '10.0.0.9', port: 1 },
      storeTimestamp: 0,
      storeHost: { ip: '10.0.0.3', port: 10911 },
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      bodyCRC: 0,
    },
  );
  expect(ext.msgId).toBe('0A000003' + '00002A9F' + '0000000000000400');
});

test('transactionType picks bits 2-3 of sysFlag', () => {
  expect(transactionType(0x4 | 0x1)).toBe(0x4);
  expect(transactionType(0xc | 0x2)).toBe(0xc);
  expect(transactionType(0x80)).toBe(0);
});

test('parseJavaInt accepts what Integer.parseInt accepts', () => {
  expect(parseJavaInt('+5')).toBe(5);
  expect(parseJavaInt('-2147483648')).toBe(-2_147_483_648);
  for (const bad of ['', ' 5', '5 ', '1e3', '0x1', '2147483648', '3.0', '+', '-', '+-1', '٣']) {
    expect(parseJavaInt(bad)).toBeUndefined();
  }
});

// Texts made mostly of signs and digits, so the generator reaches the edge cases (a lone sign, a
// sign inside, a non-ASCII digit) and not only strings that fail at their first character.
const decimalish = fc
  .array(fc.constantFrom('+', '-', '0', '7', '9', '/', ':', ' ', '٣', 'e'), { maxLength: 8 })
  .map((units) => units.join(''));
ptest.prop([fc.oneof(decimalish, fc.string())])(
  'isJavaDecimal is an optional sign then ASCII digits',
  (text) => {
    expect(isJavaDecimal(text)).toBe(/^[+-]?[0-9]+$/.test(text));
  },
);
