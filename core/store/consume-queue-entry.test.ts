import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import {
  BLANK_CQ_ENTRY,
  CQ_STORE_UNIT_SIZE,
  CqEntryBuffer,
  decodeCqEntry,
  encodeCqEntry,
  isValidCqEntry,
  writeCqEntry,
} from './consume-queue-entry.ts';

test('20 bytes: commitLogOffset 8 | size 4 | tagsCode 8, big-endian', () => {
  expect(CQ_STORE_UNIT_SIZE).toBe(20);
  const bytes = encodeCqEntry({ commitLogOffset: 4_294_967_396, size: 108, tagsCode: -2 });
  // prettier-ignore
  expect(bytes).toEqual(new Uint8Array([
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x64, // commitLogOffset 2^32 + 100
    0x00, 0x00, 0x00, 0x6c, //                         size 108
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, // tagsCode -2 (a negative Java hash, sign-extended)
  ]));
});

test("the pre-fill blank is (0, Integer.MAX_VALUE, 0) and passes recovery's test", () => {
  expect(encodeCqEntry(BLANK_CQ_ENTRY)).toEqual(
    new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]),
  );
  expect(isValidCqEntry(BLANK_CQ_ENTRY.commitLogOffset, BLANK_CQ_ENTRY.size)).toBe(true);
});

test('recovery stops at a negative offset or a size <= 0 (a zero-filled tail)', () => {
  expect(isValidCqEntry(0, 0)).toBe(false);
  expect(isValidCqEntry(-1, 10)).toBe(false);
  expect(isValidCqEntry(0, 10)).toBe(true);
});

test('fewer than 20 bytes at the position decode as undefined', () => {
  expect(decodeCqEntry(new Uint8Array(39), 20)).toBeUndefined();
  expect(decodeCqEntry(new Uint8Array(40), -1)).toBeUndefined();
  expect(decodeCqEntry(new Uint8Array(40), 20)).toBeDefined();
});

const entry = fc.record({
  commitLogOffset: fc.maxSafeInteger(),
  size: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  tagsCode: fc.maxSafeInteger(),
});

const entries = fc.array(entry, { minLength: 1, maxLength: 5 });

ptest.prop([entries])('round trip, entry n at byte 20n', (entries) => {
  const file = new Uint8Array(entries.length * CQ_STORE_UNIT_SIZE);
  entries.forEach((e, n) =>
    writeCqEntry(file, n * CQ_STORE_UNIT_SIZE, e.commitLogOffset, e.size, e.tagsCode),
  );
  entries.forEach((e, n) => expect(decodeCqEntry(file, n * CQ_STORE_UNIT_SIZE)).toEqual(e));
});

describe('CqEntryBuffer', () => {
  test('whole entries only, each decoded when read; reading past them throws', () => {
    const a = { commitLogOffset: 2 ** 40, size: 512, tagsCode: -7 };
    const b = { commitLogOffset: 0, size: 0x7fffffff, tagsCode: 0 };
    const bytes = new Uint8Array(2 * CQ_STORE_UNIT_SIZE + 7);
    bytes.set(encodeCqEntry(a), 0);
    bytes.set(encodeCqEntry(b), CQ_STORE_UNIT_SIZE);
    const buffer = new CqEntryBuffer(bytes);
    expect(buffer.length).toBe(2);
    expect([buffer.at(0), buffer.at(1)]).toEqual([a, b]);
    expect(() => buffer.at(2)).toThrow(RangeError);
    expect(new CqEntryBuffer(new Uint8Array(CQ_STORE_UNIT_SIZE - 1)).length).toBe(0);
  });
});
