import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import {
  ByteArena,
  fromHex,
  getInt64,
  setInt64,
  toHex,
  utf8Encoder,
  utf8Length,
  viewOf,
  writeUtf8,
  zeroPadded,
} from './bytes.ts';

describe('Java longs', () => {
  test("big-endian two's complement, high word first", () => {
    const out = new Uint8Array(16);
    setInt64(viewOf(out), 0, 4_294_967_396); // 2^32 + 100
    setInt64(viewOf(out), 8, -2);
    expect(toHex(out)).toBe('0000000100000064' + 'FFFFFFFFFFFFFFFE');
  });

  test('refuses what is no long; a long past 2^53 (bit rot read back) is written as the number holds it', () => {
    const view = viewOf(new Uint8Array(8));
    expect(() => setInt64(view, 0, 2 ** 63)).toThrow(RangeError);
    expect(() => setInt64(view, 0, 1.5)).toThrow(RangeError);
    for (const n of [2 ** 53, 2 ** 58 + 2 ** 40, -(2 ** 63)]) {
      setInt64(view, 0, n);
      expect(getInt64(view, 0)).toBe(n);
    }
  });

  ptest.prop([fc.maxSafeInteger()])('round trip of any safe integer', (n) => {
    const view = viewOf(new Uint8Array(8));
    setInt64(view, 0, n);
    expect(getInt64(view, 0)).toBe(n);
  });

  ptest.prop([fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })])(
    "any long a number holds is written as Java's two's complement",
    (long) => {
      const n = Number(long);
      fc.pre(n < 2 ** 63); // a long near 2^63 rounds up to 2^63, which no long is
      const view = viewOf(new Uint8Array(8));
      setInt64(view, 0, n);
      expect(view.getBigUint64(0)).toBe(BigInt.asUintN(64, BigInt(n)));
    },
  );
});

describe('hex', () => {
  test('upper case, two digits a byte', () => {
    expect(toHex(new Uint8Array([0, 10, 171, 255]))).toBe('000AABFF');
    expect(fromHex('000aABff')).toEqual(new Uint8Array([0, 10, 171, 255]));
  });

  test('rejects odd lengths and non-hex characters', () => {
    expect(() => fromHex('ABC')).toThrow(RangeError);
    expect(() => fromHex('ZZ')).toThrow(RangeError);
  });

  ptest.prop([fc.uint8Array({ maxLength: 40 })])('round trip', (bytes) => {
    expect(fromHex(toHex(bytes))).toEqual(bytes);
  });
});

describe('utf8Length', () => {
  test('known lengths, a lone surrogate counting as U+FFFD', () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('a\u00e9\u20ac\u{1F600}')).toBe(1 + 2 + 3 + 4);
    expect(utf8Length('\ud800x')).toBe(4);
    expect(utf8Length('\udc00')).toBe(3);
  });

  ptest.prop([fc.string({ unit: 'binary', maxLength: 60 })])("equals TextEncoder's output length", (s) => {
    expect(utf8Length(s)).toBe(utf8Encoder.encode(s).length);
  });
});

test('zeroPadded keeps the prefix and fills the rest with zeros', () => {
  expect(zeroPadded(new Uint8Array([1, 2]), 4)).toEqual(new Uint8Array([1, 2, 0, 0]));
  expect(zeroPadded(new Uint8Array([1, 2, 3]), 2)).toEqual(new Uint8Array([1, 2]));
});

describe('writeUtf8', () => {
  // ASCII, then text with multi-byte characters and lone surrogates, short and past the fast
  // path's 64 characters (fast-check's default sizes never pass 64 by themselves).
  const text = fc.oneof(
    fc.string({ unit: 'binary-ascii' }),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.string({ unit: 'binary-ascii', minLength: 60, maxLength: 200 }),
    fc.string({ unit: 'binary', minLength: 60, maxLength: 120 }),
  );
  ptest.prop([text, fc.nat({ max: 8 })])(
    'writes what TextEncoder writes, after `pos`, and returns its end',
    (s, pos) => {
      const expected = utf8Encoder.encode(s);
      const out = new Uint8Array(pos + expected.length + 4).fill(0xee);
      expect(writeUtf8(s, out, pos)).toBe(pos + expected.length);
      expect(out.subarray(pos, pos + expected.length)).toEqual(expected);
      expect([...out.subarray(0, pos), ...out.subarray(pos + expected.length)].every((b) => b === 0xee)).toBe(
        true,
      );
    },
  );
});

test('ByteArena: each copy holds its bytes, whatever the source or later copies do', () => {
  const arena = new ByteArena(64);
  const source = Uint8Array.from({ length: 40 }, (_, i) => i);
  const copies = [arena.copy(source, 0, 5), arena.copy(source, 5, 10), arena.copy(source, 10, 40)];
  source.fill(0xff);
  const later = [arena.copy(source, 0, 7), arena.copy(source, 0, 0)];
  expect(copies.map((c) => [...c])).toEqual([
    [0, 1, 2, 3, 4],
    [5, 6, 7, 8, 9],
    Array.from({ length: 30 }, (_, i) => 10 + i),
  ]);
  expect(later.map((c) => c.length)).toEqual([7, 0]);
  expect(later[0]!.every((b) => b === 0xff)).toBe(true);
});
