import { expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { mappedFileName, parseMappedFileName } from './mapped-file-name.ts';

test('the start offset as 20 zero-padded digits', () => {
  expect(mappedFileName(0)).toBe('00000000000000000000');
  expect(mappedFileName(1_073_741_824)).toBe('00000000001073741824');
  expect(mappedFileName(6_000_000)).toBe('00000000000006000000');
});

test('parse back, and anything else is not a mapped file name', () => {
  expect(parseMappedFileName('00000000001073741824')).toBe(1_073_741_824);
  const others = ['abort', 'checkpoint', '1073741824', '0000000000107374182x', '000000000010737418240'];
  for (const other of others) {
    expect(parseMappedFileName(other)).toBeUndefined();
  }
  expect(parseMappedFileName('99999999999999999999')).toBeUndefined();
});

test('refuses offsets that are negative or not integers', () => {
  expect(() => mappedFileName(-1)).toThrow(RangeError);
  expect(() => mappedFileName(1.5)).toThrow(RangeError);
});

ptest.prop([fc.maxSafeNat(), fc.maxSafeNat()])('round trip, and names sort as offsets do', (a, b) => {
  expect(parseMappedFileName(mappedFileName(a))).toBe(a);
  expect(mappedFileName(a) < mappedFileName(b)).toBe(a < b);
});
