import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { javaHashCode } from '../message/java-hash.ts';
import {
  DEFAULT_INDEX_GEOMETRY,
  decodeIndexEntry,
  decodeIndexHeader,
  encodeIndexEntry,
  encodeIndexHeader,
  entryPosition,
  indexFileName,
  indexFileSize,
  buildKeyHash,
  indexKey,
  indexKeyHash,
  slotOf,
  slotPosition,
  timeDiffSeconds,
  writeIndexEntry,
} from './index-file-format.ts';

describe('geometry', () => {
  test("RocketMQ's default file is 420,000,040 bytes", () => {
    expect(indexFileSize(DEFAULT_INDEX_GEOMETRY)).toBe(420_000_040);
  });

  test('slots follow the 40-byte header, entries follow the slots', () => {
    expect(slotPosition(0)).toBe(40);
    expect(slotPosition(4_999_999)).toBe(20_000_036);
    expect(entryPosition(DEFAULT_INDEX_GEOMETRY, 1)).toBe(20_000_060);
    expect(entryPosition(DEFAULT_INDEX_GEOMETRY, 19_999_999) + 20).toBe(420_000_040);
  });

  test('a small geometry for simulation', () => {
    const g = { hashSlotNum: 8, indexNum: 4 };
    expect(indexFileSize(g)).toBe(40 + 32 + 80);
    expect(entryPosition(g, 3)).toBe(40 + 32 + 60);
  });
});

describe('key hashing', () => {
  test('the absolute Java hash, with Integer.MIN_VALUE mapped to 0', () => {
    expect(indexKeyHash('hello')).toBe(99_162_322);
    expect(javaHashCode('T#KEY1')).toBe(-1_855_491_935);
    expect(indexKeyHash('T#KEY1')).toBe(1_855_491_935);
    expect(javaHashCode('polygenelubricants')).toBe(-2_147_483_648);
    expect(indexKeyHash('polygenelubricants')).toBe(0);
  });

  test('keys are topic#key, and the slot is hash % slot count', () => {
    expect(indexKey('TopicTest', 'order-1')).toBe('TopicTest#order-1');
    expect(slotOf(indexKeyHash('hello'), 5_000_000)).toBe(99_162_322 % 5_000_000);
  });

  ptest.prop([
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.nat(30),
    fc.nat(30),
  ])("buildKeyHash is indexKey's hash over a piece of the key, with no string made", (topic, key, a, b) => {
    const [from, to] = [Math.min(a, b, key.length), Math.min(Math.max(a, b), key.length)];
    expect(buildKeyHash(topic, key, from, to)).toBe(indexKeyHash(indexKey(topic, key.slice(from, to))));
  });

  ptest.prop([fc.string({ unit: 'binary', maxLength: 30 }), fc.integer({ min: 1, max: 5_000_000 })])(
    'hash and slot are always in range',
    (key, slots) => {
      const h = indexKeyHash(key);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThanOrEqual(0x7fffffff);
      const slot = slotOf(h, slots);
      expect(slot >= 0 && slot < slots).toBe(true);
    },
  );
});

test("timeDiff: whole seconds since the file's begin, clamped like putKey", () => {
  expect(timeDiffSeconds(10_999, 1000)).toBe(9);
  expect(timeDiffSeconds(500, 1000)).toBe(0);
  expect(timeDiffSeconds(5000, 0)).toBe(0);
  expect(timeDiffSeconds(1000 + 2 ** 31 * 1000 + 5000, 1000)).toBe(0x7fffffff);
});

describe('header', () => {
  const header = {
    beginTimestamp: 1_700_000_000_000,
    endTimestamp: 1_700_000_000_123,
    beginPhyOffset: 0,
    endPhyOffset: 4_294_967_396,
    hashSlotCount: 3,
    indexCount: 4,
  };

  test('40 bytes: four longs then two ints', () => {
    // prettier-ignore
    expect(encodeIndexHeader(header)).toEqual(new Uint8Array([
      0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, // beginTimestamp
      0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b, // endTimestamp
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // beginPhyOffset
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x64, // endPhyOffset
      0x00, 0x00, 0x00, 0x03, //                         hashSlotCount
      0x00, 0x00, 0x00, 0x04, //                         indexCount
    ]));
    expect(decodeIndexHeader(encodeIndexHeader(header))).toEqual(header);
  });

  test('a fresh zero-filled or missing header decodes as zeros', () => {
    expect(decodeIndexHeader(new Uint8Array())).toEqual({
      beginTimestamp: 0,
      endTimestamp: 0,
      beginPhyOffset: 0,
      endPhyOffset: 0,
      hashSlotCount: 0,
      indexCount: 0,
    });
  });
});

describe('entries', () => {
  test('20 bytes: keyHash 4 | phyOffset 8 | timeDiff 4 | prevIndex 4', () => {
    const e = { keyHash: 99_162_322, phyOffset: 4_294_967_396, timeDiff: 9, prevIndex: 2 };
    // prettier-ignore
    expect(encodeIndexEntry(e)).toEqual(new Uint8Array([
      0x05, 0xe9, 0x18, 0xd2, //                         keyHash 99162322
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x64, // phyOffset
      0x00, 0x00, 0x00, 0x09, //                         timeDiff
      0x00, 0x00, 0x00, 0x02, //                         prevIndex
    ]));
  });

  test('fewer than 20 bytes at the position decode as undefined', () => {
    expect(decodeIndexEntry(new Uint8Array(30), 11)).toBeUndefined();
  });

  const entry = fc.record({
    keyHash: fc.nat(0x7fffffff),
    phyOffset: fc.maxSafeNat(),
    timeDiff: fc.nat(0x7fffffff),
    prevIndex: fc.nat(20),
  });

  ptest.prop([entry, fc.nat(3)])('round trip in place', (e, n) => {
    const g = { hashSlotNum: 8, indexNum: 4 };
    const file = new Uint8Array(indexFileSize(g));
    writeIndexEntry(file, entryPosition(g, n), e.keyHash, e.phyOffset, e.timeDiff, e.prevIndex);
    expect(decodeIndexEntry(file, entryPosition(g, n))).toEqual(e);
  });
});

test('file names are yyyyMMddHHmmssSSS in UTC', () => {
  expect(indexFileName(0)).toBe('19700101000000000');
  expect(indexFileName(951_782_400_000)).toBe('20000229000000000');
  expect(indexFileName(1_700_000_000_123)).toBe('20231114221320123');
});
