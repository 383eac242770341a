// Message properties in RocketMQ's stored form (MessageDecoder.messageProperties2String and
// string2messageProperties) as 4.9.1 and later write it: `name \u0001 value`, entries joined by
// `\u0002` with none after the last (4.9.0 and earlier ended every entry with one), UTF-8.
// Decoding follows Java's rules: an entry with an empty name or an empty value is dropped and a
// repeated name keeps its last value. Simplifications: entries are written in the Map's
// insertion order (Java writes HashMap order), and a name or value that contains a separator is
// refused at encode time, where RocketMQ would silently store a string it cannot read back.
import { decodeUtf8, utf8Decoder, utf8Encoder, utf8Length, utf8Slice, withRoom, writeUtf8 } from './bytes.ts';

export const NAME_VALUE_SEPARATOR = 1;
export const PROPERTY_SEPARATOR = 2;

export type Properties = ReadonlyMap<string, string>;

// The walks over a Map below use forEach with a function made once and their state in these
// module variables: a for-of makes an iterator and a [name, value] pair per entry, a closure a
// function per call. Each walk runs to its end synchronously, so no two ever share them.
let byteLength = 0;
let writeDest: Uint8Array = new Uint8Array(0);
let writePos = 0;
let writeFirst = true;

function addByteLength(value: string, name: string): void {
  byteLength += utf8Length(name) + utf8Length(value) + 2;
}

function writeEntry(value: string, name: string): void {
  if (!writeFirst) writeDest[writePos++] = PROPERTY_SEPARATOR;
  writeFirst = false;
  writePos = writeText(name, writeDest, writePos);
  writeDest[writePos++] = NAME_VALUE_SEPARATOR;
  writePos = writeText(value, writeDest, writePos);
}

/** The exact encoded length, computed without encoding. */
export function propertiesByteLength(props: Properties): number {
  byteLength = 0;
  props.forEach(addByteLength);
  return Math.max(0, byteLength - 1);
}

/** Encodes into `dest` at `pos` (which must have room) and returns the end position. */
export function writeProperties(props: Properties, dest: Uint8Array, pos: number): number {
  writeDest = dest;
  writePos = pos;
  writeFirst = true;
  props.forEach(writeEntry);
  return writePos;
}

export function encodeProperties(props: Properties): Uint8Array {
  const out = new Uint8Array(propertiesByteLength(props));
  writeProperties(props, out, 0);
  return out;
}

function writeText(text: string, dest: Uint8Array, pos: number): number {
  checkText(text);
  return writeUtf8(text, dest, pos);
}

function checkText(text: string): void {
  if (text.includes('\u0001') || text.includes('\u0002')) {
    throw new RangeError(`property text contains a separator character: ${JSON.stringify(text)}`);
  }
}

/**
 * Calls `visit` with the byte ranges of each well-formed entry in bytes[start, end), in stored
 * order. Works on bytes, not text: the separators are ASCII and never occur inside a multi-byte
 * UTF-8 sequence, so the light record decoder can match names without decoding them.
 */
export function forEachProperty(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (nameStart: number, nameEnd: number, valueStart: number, valueEnd: number) => void,
): void {
  let index = start;
  while (index < end) {
    const itemEnd = indexOfByte(bytes, PROPERTY_SEPARATOR, index, end);
    const sep = indexOfByte(bytes, NAME_VALUE_SEPARATOR, index, itemEnd);
    // Java's rule: the item's first name-value separator must have text on both sides.
    if (sep > index && sep < itemEnd - 1) visit(index, sep, sep + 1, itemEnd);
    index = itemEnd + 1;
  }
}

/** Position of `value` in [from, to), else `to`; bounded so a damaged record cannot scan a whole file. */
function indexOfByte(bytes: Uint8Array, value: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (bytes[i] === value) return i;
  return to;
}

// The text forms, as a SEND header carries the properties: the same entries as the bytes, built
// and read on the string itself (RocketMQ's messageProperties2String and string2messageProperties)
// rather than through UTF-8. Text with a lone surrogate goes through the bytes, which turn it
// into U+FFFD, so both forms always agree.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NAME_VALUE = String.fromCharCode(NAME_VALUE_SEPARATOR);
const ENTRY_END = String.fromCharCode(PROPERTY_SEPARATOR);

/** propertiesToString's bytes, reused: the text made from them is all it allocates. */
let textScratch = new Uint8Array(256);

/**
 * The properties as text: utf8Decoder.decode(encodeProperties(props)), written into reused bytes
 * and read back as one string rather than joined piece by piece (a string per piece). Only text
 * with a lone surrogate, which UTF-8 turns into U+FFFD, or U+FFFD itself does not come back as it
 * went in: that is joined as text.
 */
export function propertiesToString(props: Properties): string {
  const length = propertiesByteLength(props);
  textScratch = withRoom(textScratch, length);
  const text = utf8Slice(textScratch, 0, writeProperties(props, textScratch, 0));
  return text.includes('\ufffd') ? joinedText(props) : text;
}

/** propertiesToString as text joined: the lone surrogates' way through the bytes decided here. */
function joinedText(props: Properties): string {
  let text = '';
  props.forEach((value, name) => {
    checkText(name);
    checkText(value);
    text += (text.length === 0 ? '' : ENTRY_END) + name + NAME_VALUE + value;
  });
  return LONE_SURROGATE.test(text) ? utf8Decoder.decode(encodeProperties(props)) : text;
}

/** decodeProperties(utf8Encoder.encode(text)), without the bytes. */
export function stringToProperties(text: string): Map<string, string> {
  if (LONE_SURROGATE.test(text)) return decodeProperties(utf8Encoder.encode(text));
  const props = new Map<string, string>();
  for (let index = 0; index < text.length;) {
    const itemEnd = entryEnd(text, index);
    const sep = separatorIn(text, index, itemEnd);
    if (sep >= 0) props.set(nameIn(text, index, sep), text.slice(sep + 1, itemEnd));
    index = itemEnd + 1;
  }
  return props;
}

/** stringToProperties(text).get(name), with no map and no text but the value made. */
export function stringProperty(text: string, name: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return stringToProperties(text).get(name);
  let value: string | undefined;
  for (let index = 0; index < text.length;) {
    const itemEnd = entryEnd(text, index);
    const sep = separatorIn(text, index, itemEnd);
    // The last entry of a name wins, as the map's set does.
    if (sep - index === name.length && text.startsWith(name, index)) value = text.slice(sep + 1, itemEnd);
    index = itemEnd + 1;
  }
  return value;
}

/** Where the text's entry from `index` ends (its separator, or the text's end). */
function entryEnd(text: string, index: number): number {
  const end = text.indexOf(ENTRY_END, index);
  return end < 0 ? text.length : end;
}

/**
 * The entry's name-value separator, or -1 if the entry does not count: Java's rule, its first
 * separator must have text on both sides (as forEachProperty reads the bytes).
 */
function separatorIn(text: string, index: number, itemEnd: number): number {
  let sep = text.indexOf(NAME_VALUE, index);
  if (sep < 0 || sep > itemEnd) sep = itemEnd;
  return sep > index && sep < itemEnd - 1 ? sep : -1;
}

/** Property names met in text, each kept once: one met again is matched in place, not sliced. */
const textNames: string[] = [];

function nameIn(text: string, start: number, end: number): string {
  const length = end - start;
  for (const name of textNames) if (name.length === length && text.startsWith(name, start)) return name;
  const name = text.slice(start, end);
  if (textNames.length < INTERN_LIMIT && length <= INTERN_MAX_LENGTH) textNames.push(name);
  return name;
}

export function decodeProperties(bytes: Uint8Array, start = 0, end = bytes.length): Map<string, string> {
  const props = new Map<string, string>();
  forEachProperty(bytes, start, end, (ns, ne, vs, ve) => {
    props.set(internUtf8(bytes, ns, ne), decodeUtf8(bytes, vs, ve));
  });
  return props;
}

/** Texts met again and again (property names, topics): each decoded once, then matched as bytes. */
const interned: { bytes: Uint8Array; text: string }[] = [];
const INTERN_LIMIT = 64;
const INTERN_MAX_LENGTH = 64;

/** decodeUtf8 of a short, often repeated text: the same string each time, found without decoding. */
export function internUtf8(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > INTERN_MAX_LENGTH) return decodeUtf8(bytes, start, end);
  search: for (const entry of interned) {
    const known = entry.bytes;
    if (known.length !== length) continue;
    for (let i = 0; i < length; i++) if (known[i] !== bytes[start + i]) continue search;
    return entry.text;
  }
  const text = decodeUtf8(bytes, start, end);
  if (interned.length < INTERN_LIMIT) interned.push({ bytes: bytes.slice(start, end), text });
  return text;
}

/**
 * decodeProperties(bytes, start, end).get(name) without the Map: the value of the last well-formed entry so
 * named. A name is matched as bytes when it is ASCII and the entry's name has no byte order mark
 * (which decoding drops); otherwise as decoded text.
 */
export function findProperty(
  bytes: Uint8Array,
  name: string,
  start = 0,
  end = bytes.length,
): string | undefined {
  found.bytes = bytes;
  found.name = name;
  found.ascii = isAscii(name);
  found.valueStart = -1;
  forEachProperty(bytes, start, end, matchEntry);
  found.bytes = EMPTY;
  return found.valueStart < 0 ? undefined : decodeUtf8(bytes, found.valueStart, found.valueEnd);
}

const EMPTY: Uint8Array = new Uint8Array(0);
/** findProperty's walk: what it looks for and the last match (forEachProperty's visitor made once). */
const found = { bytes: EMPTY, name: '', ascii: true, valueStart: -1, valueEnd: -1 };

function matchEntry(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
  if (!nameIs(found.bytes, nameStart, nameEnd, found.name, found.ascii)) return;
  found.valueStart = valueStart;
  found.valueEnd = valueEnd;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function nameIs(bytes: Uint8Array, start: number, end: number, name: string, ascii: boolean): boolean {
  const bom =
    end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
  if (!ascii || bom) return decodeUtf8(bytes, start, end) === name;
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  return true;
}
