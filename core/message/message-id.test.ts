import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { host } from './arbitraries.ts';
import {
  civilFromEpochMs,
  commitLogOffsetOf,
  decodeOffsetMsgId,
  encodeOffsetMsgId,
  epochMsFromCivil,
  monthBounds,
  parseUniqKey,
  UniqKeyGenerator,
} from './message-id.ts';

const DAY = 86_400_000;
// Well past any simulated clock, both ways: years -271821 to 275760 are JS's date range.
const epochMs = fc.integer({ min: -8.64e15, max: 8.64e15 });

describe('civil calendar (UTC)', () => {
  test('known dates', () => {
    expect(civilFromEpochMs(0)).toEqual({
      year: 1970,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      millisecond: 0,
    });
    expect(civilFromEpochMs(951_782_400_000)).toMatchObject({ year: 2000, month: 2, day: 29, hour: 0 });
    expect(civilFromEpochMs(1_700_000_000_000)).toEqual({
      year: 2023,
      month: 11,
      day: 14,
      hour: 22,
      minute: 13,
      second: 20,
      millisecond: 0,
    });
    expect(civilFromEpochMs(-1)).toEqual({
      year: 1969,
      month: 12,
      day: 31,
      hour: 23,
      minute: 59,
      second: 59,
      millisecond: 999,
    });
    // 1900 is not a leap year, 2000 is.
    const after1900Feb28 = civilFromEpochMs(epochMsFromCivil(1900, 2, 28) + DAY);
    expect(after1900Feb28).toMatchObject({ year: 1900, month: 3, day: 1 });
    expect(epochMsFromCivil(2000, 3, 1) - epochMsFromCivil(2000, 2, 28)).toBe(2 * DAY);
  });

  ptest.prop([epochMs])('epochMsFromCivil inverts civilFromEpochMs', (ms) => {
    const t = civilFromEpochMs(ms);
    const timeOfDay = ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.millisecond;
    expect(epochMsFromCivil(t.year, t.month, t.day) + timeOfDay).toBe(ms);
  });

  ptest.prop([epochMs])('the next day is the next calendar date', (ms) => {
    const today = civilFromEpochMs(ms);
    const next = civilFromEpochMs(ms + DAY);
    const sameMonth = next.year === today.year && next.month === today.month && next.day === today.day + 1;
    const newYear = next.month === 1 && today.month === 12;
    const newMonth = next.day === 1 && (next.month === today.month + 1 || newYear);
    expect(sameMonth || newMonth).toBe(true);
    expect(today.day).toBeLessThanOrEqual(31);
  });

  ptest.prop([epochMs])('monthBounds brackets the instant with two first-of-month midnights', (ms) => {
    const { start, next } = monthBounds(ms);
    expect(start).toBeLessThanOrEqual(ms);
    expect(ms).toBeLessThan(next);
    expect(civilFromEpochMs(start)).toMatchObject({ day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
    expect(civilFromEpochMs(next)).toMatchObject({ day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });
    expect((next - start) / DAY).toBeGreaterThanOrEqual(28);
    expect((next - start) / DAY).toBeLessThanOrEqual(31);
  });
});

describe('UNIQ_KEY', () => {
  // 2023-11-14T22:13:20Z is 1,203,200,000 ms = 0x47B76000 after 2023-11-01T00:00Z.
  const t0 = 1_700_000_000_000;

  test('ip 4 | pid 2 | class-loader hash 4 | ms since month start 4 | counter 2, upper-case hex', () => {
    const gen = new UniqKeyGenerator('10.0.0.1', 0x12345, -1, () => t0);
    expect(gen.next()).toBe('0A000001' + '2345' + 'FFFFFFFF' + '47B76000' + '0000');
    expect(gen.next()).toBe('0A000001' + '2345' + 'FFFFFFFF' + '47B76000' + '0001');
    expect(parseUniqKey(gen.next())).toEqual({
      ip: '10.0.0.1',
      pid: 0x2345,
      classLoaderHash: -1,
      msSinceMonthStart: 0x47b76000,
      counter: 2,
    });
  });

  test('the month base moves forward only; a clock set back makes the time field wrap', () => {
    let now = t0;
    const gen = new UniqKeyGenerator('10.0.0.1', 1, 7, () => now);
    now = 1_701_388_800_005; // 2023-12-01T00:00:00.005Z
    expect(parseUniqKey(gen.next()).msSinceMonthStart).toBe(5);
    now -= 10;
    expect(parseUniqKey(gen.next()).msSinceMonthStart).toBe(-5);
    expect(gen.next().slice(20, 28)).toBe('FFFFFFFB');
  });

  test('the counter wraps after 65536 ids', () => {
    const gen = new UniqKeyGenerator('10.0.0.1', 1, 7, () => t0);
    for (let i = 0; i < 65_535; i++) gen.next();
    expect(parseUniqKey(gen.next()).counter).toBe(65_535);
    expect(parseUniqKey(gen.next()).counter).toBe(0);
  });

  test('malformed ids are refused', () => {
    expect(() => parseUniqKey('ABC')).toThrow(RangeError);
    expect(() => parseUniqKey('G'.repeat(32))).toThrow(RangeError);
  });
});

describe('offsetMsgId', () => {
  test('store ip 4 | port 4 | CommitLog offset 8', () => {
    const id = encodeOffsetMsgId({ ip: '10.0.0.3', port: 10911 }, 4_294_967_396);
    expect(id).toBe('0A000003' + '00002A9F' + '0000000100000064');
    expect(decodeOffsetMsgId(id)).toEqual({
      storeHost: { ip: '10.0.0.3', port: 10911 },
      commitLogOffset: 4_294_967_396,
    });
  });

  ptest.prop([host, fc.maxSafeInteger()])('round trip', (storeHost, commitLogOffset) => {
    const id = encodeOffsetMsgId(storeHost, commitLogOffset);
    expect(id).toMatch(/^[0-9A-F]{32}$/);
    expect(decodeOffsetMsgId(id)).toEqual({ storeHost, commitLogOffset });
  });

  ptest.prop([host, fc.maxSafeInteger()])('commitLogOffsetOf reads the offset alone', (storeHost, offset) => {
    const id = encodeOffsetMsgId(storeHost, offset);
    expect(commitLogOffsetOf(id)).toBe(offset);
    expect(commitLogOffsetOf(id.toLowerCase())).toBe(offset);
  });

  test('commitLogOffsetOf refuses what is not 32 hex chars', () => {
    for (const bad of ['', 'ABC', 'G'.repeat(32), '0'.repeat(31), '0'.repeat(33), ' '.repeat(32)])
      expect(() => commitLogOffsetOf(bad)).toThrow(RangeError);
  });
});
