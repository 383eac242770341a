// The IndexFile layout (RocketMQ's IndexFile and IndexHeader), big-endian:
//   header 40 B: beginTimestamp 8 | endTimestamp 8 | beginPhyOffset 8 | endPhyOffset 8 |
//                hashSlotCount 4 | indexCount 4
//   hashSlotNum slots of 4 B, each the number of the newest entry whose key hashes there (0: none)
//   indexNum entries of 20 B: keyHash 4 | phyOffset 8 | timeDiff 4 (s since beginTimestamp) |
//                prevIndex 4 (the previous entry in the same slot's chain, 0 ends it)
// Entry numbers start at 1 (indexCount starts at 1 and 0 means invalid), so entry 0 is unused.
// Keys are `topic#UNIQ_KEY` and `topic#KEY`. Files are named after their creation time.
// Simplification: names use UTC (RocketMQ formats the JVM's local time).
import { readInt32, readInt64, writeInt32, writeInt64 } from '../message/bytes.ts';
import { javaHashCode } from '../message/java-hash.ts';
import { civilFromEpochMs } from '../message/message-id.ts';

export const INDEX_HEADER_SIZE = 40;
export const HASH_SLOT_SIZE = 4;
export const INDEX_ENTRY_SIZE = 20;
export const INVALID_INDEX = 0;

export interface IndexFileGeometry {
  hashSlotNum: number;
  indexNum: number;
}

/** RocketMQ's defaults (maxHashSlotNum, maxIndexNum): a 420,000,040-byte file. */
export const DEFAULT_INDEX_GEOMETRY: Readonly<IndexFileGeometry> = {
  hashSlotNum: 5_000_000,
  indexNum: 20_000_000,
};

export function indexFileSize(g: IndexFileGeometry): number {
  return INDEX_HEADER_SIZE + g.hashSlotNum * HASH_SLOT_SIZE + g.indexNum * INDEX_ENTRY_SIZE;
}

/** Byte position of slot `slot`. */
export function slotPosition(slot: number): number {
  return INDEX_HEADER_SIZE + slot * HASH_SLOT_SIZE;
}

/** Byte position of entry number `n` (1-based in use; see the header comment). */
export function entryPosition(g: IndexFileGeometry, n: number): number {
  return INDEX_HEADER_SIZE + g.hashSlotNum * HASH_SLOT_SIZE + n * INDEX_ENTRY_SIZE;
}

/**
 * IndexFile.indexKeyHashMethod: |hashCode|, where Java's Math.abs(Integer.MIN_VALUE) stays
 * negative and is then replaced by 0 (JS's Math.abs would give 2^31).
 */
export function indexKeyHash(key: string): number {
  return absHash(javaHashCode(key));
}

/**
 * indexKeyHash(indexKey(topic, key.slice(from, to))) with neither string made, for each key a
 * dispatch indexes: Java's hash goes on over more characters as h * 31 + c, so the topic's hash
 * is carried on over '#' and the key's characters.
 */
export function buildKeyHash(topic: string, key: string, from: number, to: number): number {
  let h = (Math.imul(31, javaHashCode(topic)) + KEY_JOIN) | 0;
  for (let i = from; i < to; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return absHash(h);
}

const KEY_JOIN = '#'.charCodeAt(0);

function absHash(h: number): number {
  return h === -0x8000_0000 ? 0 : Math.abs(h);
}

export function slotOf(keyHash: number, hashSlotNum: number): number {
  return keyHash % hashSlotNum;
}

/** IndexService.buildKey. */
export function indexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

/** An entry's timeDiff as putKey computes it: whole seconds, 0 without a begin time or if negative. */
export function timeDiffSeconds(storeTimestamp: number, beginTimestamp: number): number {
  if (beginTimestamp <= 0) return 0;
  const diff = Math.trunc((storeTimestamp - beginTimestamp) / 1000);
  return Math.min(Math.max(diff, 0), 0x7fffffff);
}

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  /** A counter RocketMQ's putKey maintains; not the slot table's size. */
  hashSlotCount: number;
  indexCount: number;
}

/** Writes the header at the start of `dest`, which must hold INDEX_HEADER_SIZE bytes. */
export function writeIndexHeader(dest: Uint8Array, h: IndexHeader): void {
  writeInt64(dest, 0, h.beginTimestamp);
  writeInt64(dest, 8, h.endTimestamp);
  writeInt64(dest, 16, h.beginPhyOffset);
  writeInt64(dest, 24, h.endPhyOffset);
  writeInt32(dest, 32, h.hashSlotCount);
  writeInt32(dest, 36, h.indexCount);
}

export function encodeIndexHeader(h: IndexHeader): Uint8Array {
  const out = new Uint8Array(INDEX_HEADER_SIZE);
  writeIndexHeader(out, h);
  return out;
}

/** Reads the raw header; missing bytes read as 0. (RocketMQ's load turns an indexCount <= 0 into 1.) */
export function decodeIndexHeader(buf: Uint8Array): IndexHeader {
  return {
    beginTimestamp: readInt64(buf, 0),
    endTimestamp: readInt64(buf, 8),
    beginPhyOffset: readInt64(buf, 16),
    endPhyOffset: readInt64(buf, 24),
    hashSlotCount: readInt32(buf, 32),
    indexCount: readInt32(buf, 36),
  };
}

export interface IndexEntry {
  keyHash: number;
  phyOffset: number;
  timeDiff: number;
  prevIndex: number;
}

/** Writes the entry at `pos` of `dest`, which must have 20 bytes of room there. */
export function writeIndexEntry(
  dest: Uint8Array,
  pos: number,
  keyHash: number,
  phyOffset: number,
  timeDiff: number,
  prevIndex: number,
): void {
  writeInt32(dest, pos, keyHash);
  writeInt64(dest, pos + 4, phyOffset);
  writeInt32(dest, pos + 12, timeDiff);
  writeInt32(dest, pos + 16, prevIndex);
}

export function encodeIndexEntry(e: IndexEntry): Uint8Array {
  const out = new Uint8Array(INDEX_ENTRY_SIZE);
  writeIndexEntry(out, 0, e.keyHash, e.phyOffset, e.timeDiff, e.prevIndex);
  return out;
}

/** Reads the entry at `pos`; undefined if fewer than 20 bytes remain there. */
export function decodeIndexEntry(buf: Uint8Array, pos: number): IndexEntry | undefined {
  if (!Number.isInteger(pos) || pos < 0 || pos + INDEX_ENTRY_SIZE > buf.length) return undefined;
  return {
    keyHash: readInt32(buf, pos),
    phyOffset: readInt64(buf, pos + 4),
    timeDiff: readInt32(buf, pos + 12),
    prevIndex: readInt32(buf, pos + 16),
  };
}

/** The file name for an IndexFile created at `epochMs`: yyyyMMddHHmmssSSS. */
export function indexFileName(epochMs: number): string {
  const t = civilFromEpochMs(epochMs);
  const fields = [
    [t.year, 4],
    [t.month, 2],
    [t.day, 2],
    [t.hour, 2],
    [t.minute, 2],
    [t.second, 2],
    [t.millisecond, 3],
  ] as const;
  return fields.map(([value, width]) => String(value).padStart(width, '0')).join('');
}
