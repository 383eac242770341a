// One ConsumeQueue entry, 20 bytes big-endian: commitLogOffset 8 | size 4 | tagsCode 8. A queue's
// logical offset is the entry's byte position divided by 20. A new queue that starts past offset
// 0 has its first file pre-filled with blank entries (0, Integer.MAX_VALUE, 0), which recovery
// accepts as entries; only offset < 0 or size <= 0 ends the valid part.
// Simplification: the optional ConsumeQueueExt (tagsCode holding an ext address) is not modelled.
import { readInt32, readInt64, writeInt32, writeInt64 } from '../message/bytes.ts';

export const CQ_STORE_UNIT_SIZE = 20;

export interface CqEntry {
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

export const BLANK_CQ_ENTRY: Readonly<CqEntry> = { commitLogOffset: 0, size: 0x7fffffff, tagsCode: 0 };

/** Writes the entry at `pos` of `dest`, which must have 20 bytes of room there. */
export function writeCqEntry(
  dest: Uint8Array,
  pos: number,
  commitLogOffset: number,
  size: number,
  tagsCode: number,
): void {
  writeInt64(dest, pos, commitLogOffset);
  writeInt32(dest, pos + 8, size);
  writeInt64(dest, pos + 12, tagsCode);
}

export function encodeCqEntry(entry: CqEntry): Uint8Array {
  const out = new Uint8Array(CQ_STORE_UNIT_SIZE);
  writeCqEntry(out, 0, entry.commitLogOffset, entry.size, entry.tagsCode);
  return out;
}

/** Reads the entry at `pos`; undefined if fewer than 20 bytes remain there. */
export function decodeCqEntry(buf: Uint8Array, pos: number): CqEntry | undefined {
  if (!Number.isInteger(pos) || pos < 0 || pos + CQ_STORE_UNIT_SIZE > buf.length) return undefined;
  return {
    commitLogOffset: readInt64(buf, pos),
    size: readInt32(buf, pos + 8),
    tagsCode: readInt64(buf, pos + 12),
  };
}

/**
 * Whole entries read from one ConsumeQueue file, read only when a reader reaches them: a pull
 * reads up to 800 entries and may use the first few, as RocketMQ walks a SelectMappedBufferResult.
 * The entries are bytes[start, end); the field readers read in place; at() makes an entry object.
 */
export class CqEntryBuffer {
  readonly length: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start = 0,
    end = bytes.length,
  ) {
    this.length = Math.floor((end - start) / CQ_STORE_UNIT_SIZE);
  }

  /** Entry i (0 ≤ i < length). */
  at(i: number): CqEntry {
    return decodeCqEntry(this.bytes, this.position(i))!;
  }

  commitLogOffsetAt(i: number): number {
    return readInt64(this.bytes, this.position(i));
  }

  sizeAt(i: number): number {
    return readInt32(this.bytes, this.position(i) + 8);
  }

  tagsCodeAt(i: number): number {
    return readInt64(this.bytes, this.position(i) + 12);
  }

  private position(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.length)
      throw new RangeError(`entry ${i} of ${this.length}`);
    return this.start + i * CQ_STORE_UNIT_SIZE;
  }
}

/**
 * The test ConsumeQueue recovery applies to an entry's fields (read in place): past the first
 * entry that fails it, nothing counts.
 */
export function isValidCqEntry(commitLogOffset: number, size: number): boolean {
  return commitLogOffset >= 0 && size > 0;
}
