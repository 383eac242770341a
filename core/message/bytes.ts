// Byte-level helpers shared by the message and store formats: Java-style big-endian longs on a
// DataView, upper-case hex (RocketMQ's UtilAll.bytes2string), and UTF-8 with exact lengths.
// Simplification: a Java long is held in a JS number, so values are exact only within
// ±2^53 (offsets and timestamps always are); decoding arbitrary bytes never throws, it only
// loses precision beyond that range.

const TWO_32 = 0x1_0000_0000;

export const utf8Encoder = new TextEncoder();
/** Replaces malformed input with U+FFFD instead of throwing, so decoding damaged bytes is safe. */
export const utf8Decoder = new TextDecoder();

// Node's own encoder and decoders, called on any Uint8Array: they write or read a range in place,
// where TextEncoder and TextDecoder need a subarray object made for every string (a record's topic
// and each property). utf8Write writes a lone surrogate as U+FFFD, as TextEncoder does.
const bufferProto = Buffer.prototype as unknown as {
  utf8Write(this: Uint8Array, text: string, offset: number): number;
  utf8Slice(this: Uint8Array, start: number, end: number): string;
  latin1Slice(this: Uint8Array, start: number, end: number): string;
};

// Topics, property names, keys and tags are short and almost always ASCII: writing those char
// by char is 3 times cheaper than TextEncoder.encodeInto, which also needs a view to write into.
const ASCII_FAST_PATH_MAX = 64;

/** Writes `text` as UTF-8 at `pos` (room checked by the caller); returns the position after it. */
export function writeUtf8(text: string, dest: Uint8Array, pos: number): number {
  const n = text.length;
  if (n > ASCII_FAST_PATH_MAX) return pos + bufferProto.utf8Write.call(dest, text, pos);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return pos + bufferProto.utf8Write.call(dest, text, pos);
    dest[pos + i] = c;
  }
  return pos + n;
}

/**
 * Refuses a value that is no Java long. Past 2^53 a number holds only some longs (a corrupted
 * field read back, bit rot in an offset's high bits): those are written as the number holds them.
 * For any integer in [-2^63, 2^63) the halves below are exact: the division and the product are by
 * a power of two, and the low half is a multiple of the value's own precision below 2^32.
 */
function checkInt64(value: number): void {
  if (!Number.isSafeInteger(value) && (!Number.isInteger(value) || value < -(2 ** 63) || value >= 2 ** 63))
    throw new RangeError(`not a 64-bit integer: ${value}`);
}

/** Writes a Java long (big-endian, two's complement). */
export function setInt64(view: DataView, pos: number, value: number): void {
  checkInt64(value);
  const hi = Math.floor(value / TWO_32);
  view.setInt32(pos, hi);
  view.setUint32(pos + 4, value - hi * TWO_32);
}

export function getInt64(view: DataView, pos: number): number {
  return view.getInt32(pos) * TWO_32 + view.getUint32(pos + 4);
}

// The same big-endian ints straight on a byte array, for the small fixed-size fields written once
// per dispatched message (ConsumeQueue and index entries): a DataView per 4- or 20-byte access was
// most of a rebuild's time. A byte past the end reads as 0, as in a fresh mapped file.

export function readInt32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
}

export function writeInt32(bytes: Uint8Array, pos: number, value: number): void {
  bytes[pos] = value >>> 24;
  bytes[pos + 1] = value >>> 16;
  bytes[pos + 2] = value >>> 8;
  bytes[pos + 3] = value;
}

export function readInt64(bytes: Uint8Array, pos: number): number {
  return readInt32(bytes, pos) * TWO_32 + (readInt32(bytes, pos + 4) >>> 0);
}

/** setInt64 on a byte array. */
export function writeInt64(bytes: Uint8Array, pos: number, value: number): void {
  checkInt64(value);
  const hi = Math.floor(value / TWO_32);
  writeInt32(bytes, pos, hi);
  writeInt32(bytes, pos + 4, value - hi * TWO_32);
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** utf8Decoder.decode(bytes.subarray(start, end)), without the subarray. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  // TextDecoder drops a leading byte order mark; Node's slice keeps it.
  if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
    return utf8Decoder.decode(bytes.subarray(start, end));
  }
  return bufferProto.utf8Slice.call(bytes, start, end);
}

/** Node's decode of a range in place: decodeUtf8, except that a leading byte order mark is kept. */
export function utf8Slice(bytes: Uint8Array, start: number, end: number): string {
  return bufferProto.utf8Slice.call(bytes, start, end);
}

const HEX = new TextEncoder().encode('0123456789ABCDEF');
/** toHex's output as ASCII bytes, reused: one string is made per call, not one per digit. */
let hexScratch = new Uint8Array(64);

export function toHex(bytes: Uint8Array): string {
  if (hexScratch.length < 2 * bytes.length) hexScratch = new Uint8Array(2 * bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    hexScratch[2 * i] = HEX[bytes[i]! >> 4]!;
    hexScratch[2 * i + 1] = HEX[bytes[i]! & 15]!;
  }
  return bufferProto.latin1Slice.call(hexScratch, 0, 2 * bytes.length);
}

export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new RangeError(`not a hex string: ${JSON.stringify(text)}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The length of TextEncoder's output for `s`, computed without encoding, so a record's size is
 * known before its buffer exists. A lone surrogate counts 3 bytes, as TextEncoder writes U+FFFD.
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The first `length` bytes of `buf`, zero-filled where it is shorter, as a fresh mapped file reads. */
export function zeroPadded(buf: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(buf.subarray(0, length));
  return out;
}

/** The parts one after the other, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * Copies of small byte ranges cut from shared chunks, as Netty's pooled buffers: each copy is a
 * view of a chunk, where an array of its own would cost an ArrayBuffer and its backing store (most
 * of what a decoded message's body and properties cost). A copy keeps its chunk alive; no chunk
 * byte is written twice.
 */
export class ByteArena {
  private chunk = new Uint8Array(0);
  private used = 0;

  constructor(private readonly chunkSize = 16_384) {}

  /** bytes[start, end), copied. */
  copy(bytes: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n * 8 > this.chunkSize) return bytes.slice(start, end);
    if (this.used + n > this.chunk.length) {
      this.chunk = new Uint8Array(this.chunkSize);
      this.used = 0;
    }
    const at = this.used;
    const chunk = this.chunk;
    // A loop, not set(subarray): no view made for the source of a copy this small.
    for (let i = 0; i < n; i++) chunk[at + i] = bytes[start + i]!;
    this.used = at + n;
    return chunk.subarray(at, at + n);
  }
}

/** `buffer`, or a copy with at least `size` bytes of room: doubling keeps appends amortized O(1). */
export function withRoom<B extends Uint8Array>(buffer: B, size: number): B | Uint8Array<ArrayBuffer> {
  if (size <= buffer.length) return buffer;
  let capacity = Math.max(buffer.length, 256);
  while (capacity < size) capacity *= 2;
  const grown = new Uint8Array(capacity);
  grown.set(buffer);
  return grown;
}
