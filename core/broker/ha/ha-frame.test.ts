import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runs } from '../../../properties/fc-setup.ts';
import { concatBytes } from '../../message/bytes.ts';
import { encodeReport, encodeTransfer, ReportDecoder, TransferDecoder } from './ha-frame.ts';

/** `bytes` cut at the given points (sorted, deduplicated), as a socket may hand them over. */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

describe("HA's own framing", () => {
  test('a report is the offset in 8 big-endian bytes; a transfer, [offset 8][size 4][bytes]', () => {
    expect([...encodeReport(0x0102_0304_0506)]).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
    expect([...encodeTransfer(258, Uint8Array.of(9, 8))]).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 2, 9, 8]);
  });

  ptest.prop(
    [fc.array(fc.maxSafeInteger(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 })],
    runs(200),
  )('reports read back whole, however the stream is cut', (offsets, cuts) => {
    const decoder = new ReportDecoder();
    const stream = concatBytes(offsets.map(encodeReport));
    expect(chunks(stream, cuts).flatMap((c) => decoder.push(c))).toEqual(offsets);
  });

  ptest.prop(
    [
      fc.array(fc.tuple(fc.maxSafeInteger(), fc.uint8Array({ maxLength: 40 })), { maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 6 }),
    ],
    runs(200),
  )('transfers (a heartbeat is an empty one) read back whole, however the stream is cut', (frames, cuts) => {
    const decoder = new TransferDecoder();
    const stream = concatBytes(frames.map(([offset, data]) => encodeTransfer(offset, data)));
    const read = chunks(stream, cuts).flatMap((c) => decoder.push(c));
    expect(read.map((f) => [f.offset, [...f.data]])).toEqual(frames.map(([o, d]) => [o, [...d]]));
  });

  test('a negative size is refused', () => {
    const bad = encodeTransfer(0, new Uint8Array(0));
    new DataView(bad.buffer).setInt32(8, -1);
    expect(() => new TransferDecoder().push(bad)).toThrow(RangeError);
  });
});
