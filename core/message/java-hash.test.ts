import { expect, test } from 'vitest';
import { javaHashCode } from './java-hash.ts';

test('matches Java String.hashCode on published values', () => {
  expect(javaHashCode('')).toBe(0);
  expect(javaHashCode('A')).toBe(65);
  expect(javaHashCode('TagA')).toBe(2_598_919);
  expect(javaHashCode('hello')).toBe(99_162_322);
});

test('"Aa" and "BB" collide, as in Java', () => {
  expect(javaHashCode('Aa')).toBe(2112);
  expect(javaHashCode('BB')).toBe(2112);
});

test('wraps to 32-bit signed and hashes UTF-16 code units', () => {
  expect(javaHashCode('polygenelubricants')).toBe(-2_147_483_648);
  expect(javaHashCode('T#KEY1')).toBe(-1_855_491_935);
  // A surrogate pair contributes two code units, as in Java.
  expect(javaHashCode('\u00e9\u00fc\u20ac\u{1F600}')).toBe(232_498_428);
});
