import { expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import {
  CHECKPOINT_FILE_SIZE,
  decodeCheckpoint,
  encodeCheckpoint,
  minTimestamp,
  minTimestampIndex,
} from './checkpoint-format.ts';

test('physic @0, logics @8, index @16 in a 4096-byte page', () => {
  const cp = { physicMsgTimestamp: 1, logicsMsgTimestamp: 0x100, indexMsgTimestamp: 2 ** 40 };
  const page = encodeCheckpoint(cp);
  expect(page.length).toBe(CHECKPOINT_FILE_SIZE);
  // prettier-ignore
  expect(page.subarray(0, 24)).toEqual(new Uint8Array([
    0, 0, 0, 0, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 1, 0,
    0, 0, 1, 0, 0, 0, 0, 0,
  ]));
  expect(page.subarray(24).every((b) => b === 0)).toBe(true);
});

test('a short or empty file reads as zeros where bytes are missing', () => {
  expect(decodeCheckpoint(new Uint8Array())).toEqual({
    physicMsgTimestamp: 0,
    logicsMsgTimestamp: 0,
    indexMsgTimestamp: 0,
  });
  expect(decodeCheckpoint(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 9, 0, 0]))).toEqual({
    physicMsgTimestamp: 9,
    logicsMsgTimestamp: 0,
    indexMsgTimestamp: 0,
  });
});

test('minTimestamp is 3 s before the older of physic and logics, never below 0', () => {
  const cp = { physicMsgTimestamp: 50_000, logicsMsgTimestamp: 40_000, indexMsgTimestamp: 10_000 };
  expect(minTimestamp(cp)).toBe(37_000);
  expect(minTimestampIndex(cp)).toBe(10_000);
  expect(minTimestampIndex({ ...cp, indexMsgTimestamp: 90_000 })).toBe(37_000);
  expect(minTimestamp({ ...cp, logicsMsgTimestamp: 2000 })).toBe(0);
});

const timestamp = fc.nat({ max: 2 ** 50 });

const checkpoint = fc.record({
  physicMsgTimestamp: timestamp,
  logicsMsgTimestamp: timestamp,
  indexMsgTimestamp: timestamp,
});

ptest.prop([checkpoint])('round trip', (cp) => {
  expect(decodeCheckpoint(encodeCheckpoint(cp))).toEqual(cp);
});
