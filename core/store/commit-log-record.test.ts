import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { recordInput } from '../message/arbitraries.ts';
import { javaHashCode } from '../message/java-hash.ts';
import { MessageConst, SCHEDULE_TOPIC } from '../message/message.ts';
import {
  bodyCrc,
  BLANK_MAGIC_CODE,
  checkRecord,
  checkRecordForDispatch,
  encodeBlank,
  encodeRecord,
  fitsBeforeEndOfFile,
  MAX_MESSAGE_SIZE,
  measureRecord,
  MESSAGE_MAGIC_CODE,
  type CheckResult,
  type RecordContent,
  type RecordInput,
} from './commit-log-record.ts';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** measureRecord's problem, if it has one. */
function recordContentProblem(content: RecordContent) {
  const measured = measureRecord(content);
  return typeof measured === 'number' ? undefined : measured;
}

/** topic "T", body "123456789", properties {TAGS: "A"}: 91 + 9 + 1 + 6 = 107 bytes. */
const handInput: RecordInput = {
  topic: 'T',
  body: new Uint8Array(ascii('123456789')),
  properties: new Map([['TAGS', 'A']]),
  queueId: 3,
  flag: 0,
  queueOffset: 7,
  commitLogOffset: 4_294_967_396, // 2^32 + 100, so the high word is used
  sysFlag: 0,
  bornTimestamp: 1_700_000_000_000,
  bornHost: { ip: '10.0.0.7', port: 50000 },
  storeTimestamp: 1_700_000_000_123,
  storeHost: { ip: '10.0.0.3', port: 10911 },
  reconsumeTimes: 2,
  preparedTransactionOffset: 0,
};

// prettier-ignore
const handBytes = new Uint8Array([
  0x00, 0x00, 0x00, 0x6b, //                          TOTALSIZE 107
  0xda, 0xa3, 0x20, 0xa7, //                          MAGICCODE V1
  // BODYCRC: CRC32("123456789") = 0xCBF43926, masked to 31 bits = 0x4BF43926
  0x4b, 0xf4, 0x39, 0x26,
  0x00, 0x00, 0x00, 0x03, //                          QUEUEID 3
  0x00, 0x00, 0x00, 0x00, //                          FLAG 0
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, //  QUEUEOFFSET 7
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x64, //  PHYSICALOFFSET 2^32 + 100
  0x00, 0x00, 0x00, 0x00, //                          SYSFLAG 0
  0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, //  BORNTIMESTAMP 1700000000000
  0x0a, 0x00, 0x00, 0x07, 0x00, 0x00, 0xc3, 0x50, //  BORNHOST 10.0.0.7:50000
  0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b, //  STORETIMESTAMP 1700000000123
  0x0a, 0x00, 0x00, 0x03, 0x00, 0x00, 0x2a, 0x9f, //  STOREHOST 10.0.0.3:10911
  0x00, 0x00, 0x00, 0x02, //                          RECONSUMETIMES 2
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //  PREPAREDTRANSACTIONOFFSET 0
  0x00, 0x00, 0x00, 0x09, ...ascii('123456789'), //   BODYLEN + BODY
  0x01, ...ascii('T'), //                             TOPICLEN + TOPIC
  0x00, 0x06, ...ascii('TAGS'), 0x01, ...ascii('A'), // PROPLEN + PROPERTIES (4.9.1+: no trailing \u0002)
]);

function valid<R>(result: CheckResult<R>): R {
  if (result.kind !== 'valid') throw new Error(`expected a valid record, got ${JSON.stringify(result)}`);
  return result.record;
}

describe('encodeRecord against hand-computed bytes', () => {
  test("magic codes are RocketMQ's, as signed ints", () => {
    expect(MESSAGE_MAGIC_CODE).toBe(-626_843_481);
    expect(BLANK_MAGIC_CODE).toBe(-875_286_124);
  });

  test('body CRC is the IEEE CRC-32 masked to 31 bits', () => {
    expect(bodyCrc(new Uint8Array(ascii('hello')))).toBe(0x3610a686);
    expect(bodyCrc(new Uint8Array(ascii('123456789')))).toBe(0x4bf43926);
    expect(bodyCrc(new Uint8Array())).toBe(0);
  });

  test('every field in place', () => {
    expect(handBytes.length).toBe(107);
    expect(measureRecord(handInput)).toBe(107);
    expect(encodeRecord(handInput)).toEqual(handBytes);
  });

  test('checkRecord reads every field back', () => {
    const result = checkRecord(handBytes, 0, { checkCRC: true });
    expect(result.kind === 'valid' && result.size).toBe(107);
    const msg = valid(result);
    expect(msg.topic).toBe('T');
    expect(msg.body).toEqual(handInput.body);
    expect([...msg.properties]).toEqual([['TAGS', 'A']]);
    expect(msg.getTags()).toBe('A');
    expect({ ...msg, body: undefined, properties: undefined, topic: undefined }).toEqual({
      ...handInput,
      body: undefined,
      properties: undefined,
      topic: undefined,
      storeSize: 107,
      bodyCRC: 0x4bf43926,
    });
    expect(msg.msgId).toBe('0A000003' + '00002A9F' + '0000000100000064');
  });

  test('the dispatch view: tagsCode is the Java hash of the tags', () => {
    expect(valid(checkRecordForDispatch(handBytes, 0, { checkCRC: true }))).toEqual({
      topic: 'T',
      queueId: 3,
      queueOffset: 7,
      commitLogOffset: 4_294_967_396,
      storeSize: 107,
      tagsCode: 65,
      storeTimestamp: 1_700_000_000_123,
      sysFlag: 0,
      preparedTransactionOffset: 0,
      keys: undefined,
      uniqKey: undefined,
    });
  });
});

describe('end of file', () => {
  test('the blank is [remaining][BLANK_MAGIC_CODE] and reads as end-of-file', () => {
    const blank = encodeBlank(100);
    expect(blank).toEqual(new Uint8Array([0, 0, 0, 100, 0xcb, 0xd4, 0x31, 0x94]));
    expect(checkRecord(blank, 0, { checkCRC: true })).toEqual({ kind: 'end-of-file' });
    expect(checkRecordForDispatch(blank, 0, { checkCRC: false })).toEqual({ kind: 'end-of-file' });
  });

  test('a record needs room for a blank after it', () => {
    expect(fitsBeforeEndOfFile(108, 116)).toBe(true);
    expect(fitsBeforeEndOfFile(108, 115)).toBe(false);
    expect(fitsBeforeEndOfFile(108, 108)).toBe(false);
  });
});

describe('limits', () => {
  const content = (body: number, topic: string, propValue: string) => ({
    topic,
    body: new Uint8Array(body),
    properties: new Map([['P', propValue]]),
  });

  test('a 4 MiB body is fine, one byte more is MESSAGE_ILLEGAL and encode refuses it', () => {
    expect(recordContentProblem(content(MAX_MESSAGE_SIZE, 'T', 'v'))).toBeUndefined();
    const tooBig = { ...handInput, ...content(MAX_MESSAGE_SIZE + 1, 'T', 'v') };
    expect(recordContentProblem(tooBig)?.status).toBe('MESSAGE_ILLEGAL');
    expect(() => encodeRecord(tooBig)).toThrow(/MESSAGE_ILLEGAL: body of 4194305 B exceeds 4194304 B/);
  });

  test('a topic of 127 bytes is fine, 128 is MESSAGE_ILLEGAL (multi-byte characters count as bytes)', () => {
    expect(recordContentProblem(content(0, 'x'.repeat(127), 'v'))).toBeUndefined();
    expect(recordContentProblem(content(0, '\u00e9'.repeat(64), 'v'))?.status).toBe('MESSAGE_ILLEGAL');
  });

  test('properties over 32767 bytes are PROPERTIES_SIZE_EXCEEDED', () => {
    // "P" \u0001 value: 2 bytes besides the value (no separator after the last entry).
    expect(recordContentProblem(content(0, 'T', 'v'.repeat(32_765)))).toBeUndefined();
    const over = { ...handInput, ...content(0, 'T', 'v'.repeat(32_766)) };
    expect(recordContentProblem(over)?.status).toBe('PROPERTIES_SIZE_EXCEEDED');
    expect(() => encodeRecord(over)).toThrow(RangeError);
  });

  test('IPv6 host flags are refused', () => {
    expect(() => encodeRecord({ ...handInput, sysFlag: 0x10 })).toThrow(/IPv6/);
  });
});

describe('what the reader reports for damaged bytes', () => {
  const corrupt = (buf: Uint8Array, offset = 0) => checkRecord(buf, offset, { checkCRC: true });

  test('a bad magic code or an all-zero region is corrupt with size -1', () => {
    expect(corrupt(new Uint8Array(200))).toMatchObject({ kind: 'corrupt', size: -1 });
    const bad = handBytes.slice();
    bad[4] ^= 1;
    expect(corrupt(bad)).toMatchObject({ kind: 'corrupt', size: -1, reason: expect.stringMatching(/magic/) });
  });

  test('a TOTALSIZE that disagrees with the lengths is corrupt with size TOTALSIZE', () => {
    const bad = new Uint8Array(109);
    bad.set(handBytes);
    bad[3] = 109;
    const reason = expect.stringMatching(/\[BUG\]/);
    expect(corrupt(bad)).toMatchObject({ kind: 'corrupt', size: 109, reason });
  });

  test('a body CRC mismatch is -1 with checkCRC, and goes unnoticed without it (as in RocketMQ)', () => {
    const bad = handBytes.slice();
    bad[90] ^= 0x40;
    expect(corrupt(bad)).toMatchObject({ kind: 'corrupt', size: -1, reason: 'body CRC mismatch' });
    expect(checkRecord(bad, 0, { checkCRC: false }).kind).toBe('valid');
    expect(checkRecordForDispatch(bad, 0, { checkCRC: true }).kind).toBe('corrupt');
    expect(checkRecordForDispatch(bad, 0, { checkCRC: false }).kind).toBe('valid');
  });

  test('offsets outside the buffer are corrupt, not exceptions', () => {
    for (const offset of [-1, 0.5, 101, 108, 1e9, Number.NaN]) {
      expect(corrupt(handBytes, offset)).toMatchObject({ kind: 'corrupt', size: -1 });
    }
  });
});

describe('delay queue', () => {
  const scheduled = (delay: string): RecordInput => ({
    ...handInput,
    topic: SCHEDULE_TOPIC,
    properties: new Map([
      [MessageConst.TAGS, 'A'],
      [MessageConst.DELAY, delay],
    ]),
  });
  const deliverTimestamp = (level: number, storeTimestamp: number): number => storeTimestamp + level * 1000;

  test('on SCHEDULE_TOPIC_XXXX the tagsCode is the delivery time', () => {
    const bytes = encodeRecord(scheduled('3'));
    const request = valid(checkRecordForDispatch(bytes, 0, { checkCRC: false, deliverTimestamp }));
    expect(request.tagsCode).toBe(1_700_000_000_123 + 3000);
  });

  test("level 0 keeps the tags hash; a DELAY that is not an int fails like Java's parseInt", () => {
    const level0 = encodeRecord(scheduled('0'));
    expect(valid(checkRecordForDispatch(level0, 0, { checkCRC: false, deliverTimestamp })).tagsCode).toBe(65);
    const bad = encodeRecord(scheduled('3s'));
    expect(checkRecordForDispatch(bad, 0, { checkCRC: false, deliverTimestamp })).toMatchObject({
      kind: 'corrupt',
      size: -1,
    });
  });
});

/** The record placed between random bytes, to check that offsets are honoured. */
const placed = fc.record({
  input: recordInput,
  before: fc.uint8Array({ maxLength: 16 }),
  after: fc.uint8Array({ maxLength: 16 }),
});

function embed(record: Uint8Array, before: Uint8Array, after: Uint8Array): Uint8Array {
  const buf = new Uint8Array(before.length + record.length + after.length);
  buf.set(before);
  buf.set(record, before.length);
  buf.set(after, before.length + record.length);
  return buf;
}

describe('round trips', () => {
  ptest.prop([placed])('checkRecord gives back every field, and re-encoding gives the same bytes', (p) => {
    const bytes = encodeRecord(p.input);
    expect(bytes.length).toBe(measureRecord(p.input));
    const result = checkRecord(embed(bytes, p.before, p.after), p.before.length, { checkCRC: true });
    const msg = valid(result);
    expect(result).toMatchObject({ size: bytes.length });
    expect(msg).toMatchObject({ ...p.input, storeSize: bytes.length, bodyCRC: bodyCrc(p.input.body) });
    expect([...msg.properties]).toEqual([...p.input.properties]);
    expect(encodeRecord(msg)).toEqual(bytes);
  });

  ptest.prop([placed, fc.boolean()])('the dispatch view agrees with the full decode', (p, checkCRC) => {
    const buf = embed(encodeRecord(p.input), p.before, p.after);
    const full = valid(checkRecord(buf, p.before.length, { checkCRC }));
    const light = valid(checkRecordForDispatch(buf, p.before.length, { checkCRC }));
    const tags = full.getTags();
    expect(light).toEqual({
      topic: full.topic,
      queueId: full.queueId,
      queueOffset: full.queueOffset,
      commitLogOffset: full.commitLogOffset,
      storeSize: full.storeSize,
      tagsCode: tags ? javaHashCode(tags) : 0,
      storeTimestamp: full.storeTimestamp,
      sysFlag: full.sysFlag,
      preparedTransactionOffset: full.preparedTransactionOffset,
      keys: full.getKeys(),
      uniqKey: full.getUniqKey(),
    });
  });
});

describe('fuzz', () => {
  const anyOffset = fc.oneof(fc.nat(300), fc.integer(), fc.double());

  function checkBoth(buf: Uint8Array, offset: number, checkCRC: boolean): void {
    for (const result of [
      checkRecord(buf, offset, { checkCRC }),
      checkRecordForDispatch(buf, offset, { checkCRC }),
    ]) {
      if (result.kind === 'valid') expect(offset + result.size).toBeLessThanOrEqual(buf.length);
      if (result.kind === 'corrupt') expect(result.size === -1 || result.size >= 8).toBe(true);
    }
  }

  ptest.prop([fc.uint8Array({ maxLength: 300 }), anyOffset, fc.boolean()])(
    'random bytes at random offsets never throw',
    (buf, offset, checkCRC) => checkBoth(buf, offset, checkCRC),
  );

  const damage = fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 });

  ptest.prop([recordInput, damage, fc.boolean()])(
    'a record with a few damaged bytes never throws',
    (input, changes, checkCRC) => {
      const buf = encodeRecord(input);
      for (const [pos, value] of changes) buf[pos % buf.length] = value;
      checkBoth(buf, 0, checkCRC);
    },
  );

  ptest.prop([recordInput.filter((r) => r.body.length > 0), fc.nat(), fc.nat(7)])(
    'one flipped bit in the body is a CRC failure',
    (input, at, bit) => {
      const buf = encodeRecord(input);
      buf[88 + (at % input.body.length)] ^= 1 << bit;
      expect(checkRecord(buf, 0, { checkCRC: true })).toEqual({
        kind: 'corrupt',
        size: -1,
        reason: 'body CRC mismatch',
      });
    },
  );

  ptest.prop([recordInput, fc.nat()])('a truncated record is corrupt, never valid', (input, cut) => {
    const bytes = encodeRecord(input);
    const truncated = bytes.subarray(0, cut % bytes.length);
    for (const checkCRC of [true, false]) {
      expect(checkRecord(truncated, 0, { checkCRC })).toMatchObject({ kind: 'corrupt', size: -1 });
      expect(checkRecordForDispatch(truncated, 0, { checkCRC })).toMatchObject({ kind: 'corrupt', size: -1 });
    }
  });
});

ptest.prop([fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.nat()])(
  "bodyCrc of a range is zlib's CRC-32 of those bytes, masked to 31 bits (short ones by the loop)",
  (bytes, a, b) => {
    const start = bytes.length === 0 ? 0 : a % bytes.length;
    const end = start + (b % (bytes.length - start + 1));
    expect(bodyCrc(bytes, start, end)).toBe(crc32(bytes.subarray(start, end)) & 0x7fffffff);
  },
);
