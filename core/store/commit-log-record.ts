// One CommitLog record in RocketMQ's V1 layout (MessageExtEncoder / CommitLog), big-endian:
//   TOTALSIZE 4 | MAGICCODE 4 | BODYCRC 4 | QUEUEID 4 | FLAG 4 | QUEUEOFFSET 8 | PHYSICALOFFSET 8 |
//   SYSFLAG 4 | BORNTIMESTAMP 8 | BORNHOST 8 | STORETIMESTAMP 8 | STOREHOST 8 | RECONSUMETIMES 4 |
//   PREPAREDTRANSACTIONOFFSET 8 | BODYLEN 4 + BODY | TOPICLEN 1 + TOPIC | PROPLEN 2 + PROPERTIES
// and the 8-byte END_OF_FILE blank that fills a file's tail. checkRecord mirrors the outcomes of
// CommitLog.checkMessageAndReturnSize, so recovery and ConsumeQueue rebuild read real bytes.
// Simplifications: V1 only (no 5.x V2 2-byte topic length); IPv4 hosts only (sysFlag bits 4-5,
// the 20-byte IPv6 host fields, are refused at encode and reported corrupt on read); the 4 MiB
// limit applies to the body. PHYSICALOFFSET is called commitLogOffset here, as in MessageExt.
import { crc32 } from 'node:zlib';
import {
  type ByteArena,
  decodeUtf8,
  readInt32,
  readInt64,
  setInt64,
  utf8Encoder,
  utf8Length,
  viewOf,
  writeUtf8,
} from '../message/bytes.ts';
import { readHost, writeHost } from '../message/host.ts';
import { javaHashCode } from '../message/java-hash.ts';
import {
  MessageConst,
  MessageExt,
  MessageSysFlag,
  type MessageInit,
  parseJavaInt,
  SCHEDULE_TOPIC,
  type StoredFields,
} from '../message/message.ts';
import {
  findProperty,
  forEachProperty,
  internUtf8,
  propertiesByteLength,
  writeProperties,
  type Properties,
} from '../message/properties.ts';

export const MESSAGE_MAGIC_CODE = 0xdaa320a7 | 0;
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0;
/** The END_OF_FILE blank's size; a record must leave room for one after it. */
export const END_FILE_MIN_BLANK_LENGTH = 8;
export const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
export const MAX_TOPIC_LENGTH = 127;
export const MAX_PROPERTIES_LENGTH = 32_767;
/** Bytes of a record besides body, topic and properties. */
export const RECORD_FIXED_SIZE = 91;

/** Byte positions of the fixed fields, from the record's start (for reports that show bytes). */
export const RecordLayout = {
  TOTALSIZE: 0,
  MAGICCODE: 4,
  BODYCRC: 8,
  QUEUEID: 12,
  FLAG: 16,
  QUEUEOFFSET: 20,
  PHYSICALOFFSET: 28,
  SYSFLAG: 36,
  BORNTIMESTAMP: 40,
  BORNHOST: 48,
  STORETIMESTAMP: 56,
  STOREHOST: 64,
  RECONSUMETIMES: 72,
  PREPAREDTRANSACTIONOFFSET: 76,
  BODYLEN: 84,
  BODY: 88,
} as const;

const IPV6_FLAGS = MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;

/** What a message contributes to a record; the rest is decided when the broker stores it. */
export interface RecordContent {
  topic: string;
  body: Uint8Array;
  properties: Properties;
}

/** Everything a record holds; a MessageExt fits this shape. */
export interface RecordInput extends RecordContent, Omit<StoredFields, 'storeSize' | 'bodyCRC'> {
  flag: number;
}

/** The fields a put decides: where and when the store writes the record. */
export type RecordPlacement = Pick<
  RecordInput,
  'queueOffset' | 'commitLogOffset' | 'storeTimestamp' | 'storeHost'
>;

/** The fields a message brings to a put. */
export type RecordFields = Omit<RecordInput, keyof RecordPlacement>;

/** Why a message cannot be stored, named after the PutMessageStatus a broker answers with. */
export interface RecordProblem {
  status: 'MESSAGE_ILLEGAL' | 'PROPERTIES_SIZE_EXCEEDED';
  detail: string;
}

/** RocketMQ's calMsgLength for V1 and IPv4: the record size from its variable parts' lengths. */
export function calMsgLength(bodyLength: number, topicLength: number, propertiesLength: number): number {
  return RECORD_FIXED_SIZE + bodyLength + topicLength + propertiesLength;
}

interface Measured {
  topicLength: number;
  propertiesLength: number;
  size: number;
}

/** What measure() found last: one object serves every measure, read at once by its caller. */
const measured: Measured = { topicLength: 0, propertiesLength: 0, size: 0 };

function measure(content: RecordContent): Measured {
  measured.topicLength = utf8Length(content.topic);
  measured.propertiesLength = propertiesByteLength(content.properties);
  measured.size = calMsgLength(content.body.length, measured.topicLength, measured.propertiesLength);
  return measured;
}

function problemOf(content: RecordContent, m: Measured): RecordProblem | undefined {
  if (content.body.length > MAX_MESSAGE_SIZE) {
    const detail = `body of ${content.body.length} B exceeds ${MAX_MESSAGE_SIZE} B`;
    return { status: 'MESSAGE_ILLEGAL', detail };
  }
  if (m.topicLength > MAX_TOPIC_LENGTH) {
    return { status: 'MESSAGE_ILLEGAL', detail: `topic of ${m.topicLength} B exceeds ${MAX_TOPIC_LENGTH} B` };
  }
  if (m.propertiesLength > MAX_PROPERTIES_LENGTH) {
    const detail = `properties of ${m.propertiesLength} B exceed ${MAX_PROPERTIES_LENGTH} B`;
    return { status: 'PROPERTIES_SIZE_EXCEEDED', detail };
  }
  return undefined;
}

/**
 * The exact encoded size, known before encoding so the writer can apply the end-of-file rule; or,
 * when a size limit is exceeded, the problem the broker answers with instead of storing.
 */
export function measureRecord(content: RecordContent): number | RecordProblem {
  const m = measure(content);
  return problemOf(content, m) ?? m.size;
}

/**
 * The end-of-file rule: a record of `size` bytes goes into a file with `remaining` bytes left
 * only if an END_OF_FILE blank still fits after it; otherwise write encodeBlank(remaining) there
 * and put the record at the start of the next file.
 */
export function fitsBeforeEndOfFile(size: number, remaining: number): boolean {
  return size + END_FILE_MIN_BLANK_LENGTH <= remaining;
}

/** The END_OF_FILE marker: [remaining:int][BLANK_MAGIC_CODE]; the rest of the file is left as is. */
export function encodeBlank(remaining: number): Uint8Array {
  const out = new Uint8Array(END_FILE_MIN_BLANK_LENGTH);
  const view = viewOf(out);
  view.setInt32(0, remaining);
  view.setInt32(4, BLANK_MAGIC_CODE);
  return out;
}

/** The IEEE CRC-32 table, for the loop that checks a short body in place. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
/** Longer bodies go to zlib: above this, its speed pays for the view it needs. */
const LOOP_CRC_MAX_BYTES = 1024;

/** UtilAll.crc32: the IEEE CRC-32 of bytes[start, end) (the body), masked to 31 bits. */
export function bodyCrc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (end - start > LOOP_CRC_MAX_BYTES) {
    return crc32(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end)) & 0x7fffffff;
  }
  let crc = -1;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc & 0x7fffffff;
}

/** Encodes one record; throws a RangeError when a limit is exceeded or a host is not IPv4. */
export function encodeRecord(input: RecordInput): Uint8Array {
  const size = measureRecord(input);
  if (typeof size !== 'number') throw new RangeError(`${size.status}: ${size.detail}`);
  const out = new Uint8Array(size);
  writeRecord(out, input, input, size);
  return out;
}

/**
 * Encodes a record of `size` bytes (measureRecord's, so within the limits) at the start of `out`,
 * which has room for it: a put encodes into one buffer it reuses, as RocketMQ's encoder does.
 */
export function writeRecord(
  out: Uint8Array,
  fields: RecordFields,
  placement: RecordPlacement,
  size: number,
): void {
  if (fields.sysFlag & IPV6_FLAGS) throw new RangeError('IPv6 hosts are not modelled (sysFlag bits 4-5)');
  const view = viewOf(out);
  const L = RecordLayout;
  view.setInt32(L.TOTALSIZE, size);
  view.setInt32(L.MAGICCODE, MESSAGE_MAGIC_CODE);
  view.setInt32(L.BODYCRC, bodyCrc(fields.body));
  view.setInt32(L.QUEUEID, fields.queueId);
  view.setInt32(L.FLAG, fields.flag);
  setInt64(view, L.QUEUEOFFSET, placement.queueOffset);
  setInt64(view, L.PHYSICALOFFSET, placement.commitLogOffset);
  view.setInt32(L.SYSFLAG, fields.sysFlag);
  setInt64(view, L.BORNTIMESTAMP, fields.bornTimestamp);
  writeHost(view, L.BORNHOST, fields.bornHost);
  setInt64(view, L.STORETIMESTAMP, placement.storeTimestamp);
  writeHost(view, L.STOREHOST, placement.storeHost);
  view.setInt32(L.RECONSUMETIMES, fields.reconsumeTimes);
  setInt64(view, L.PREPAREDTRANSACTIONOFFSET, fields.preparedTransactionOffset);
  view.setInt32(L.BODYLEN, fields.body.length);
  out.set(fields.body, L.BODY);
  let pos = L.BODY + fields.body.length;
  const topicStart = pos + 1;
  pos = writeUtf8(fields.topic, out, topicStart);
  out[topicStart - 1] = pos - topicStart;
  // The properties take what the size leaves: measureRecord counted them.
  view.setInt16(pos, size - (pos + 2));
  writeProperties(fields.properties, out, pos + 2);
}

export type CheckResult<R> = { kind: 'valid'; size: number; record: R } | CheckFailure;

/** A record that is not there: the blank at a file's end, or bytes that do not hold one. */
export type CheckFailure =
  /** A blank: the rest of this file is unused, go on with the next one. */
  | { kind: 'end-of-file' }
  /** size -1: bad magic, CRC mismatch or bytes missing; size = TOTALSIZE: the lengths disagree. */
  | { kind: 'corrupt'; size: number; reason: string };

export interface CheckOptions {
  /** Verify BODYCRC (RocketMQ's checkCRCOnRecover); dispatch reads skip it. */
  checkCRC: boolean;
}

/**
 * Where the valid record locate() last found lies in its buffer. One object serves every read:
 * a reader takes what it needs from it before it calls anything else.
 */
const at = { size: 0, bodyLength: 0, topicStart: 0, topicLength: 0, propertiesStart: 0, propertiesLength: 0 };

const END_OF_FILE: CheckFailure = { kind: 'end-of-file' };
/** The reason a record whose body fails its CRC is corrupt (recovery tells it apart). */
export const BODY_CRC_MISMATCH = 'body CRC mismatch';

function corrupt(size: number, reason: string): CheckFailure {
  return { kind: 'corrupt', size, reason };
}

/**
 * Validates the record at `offset` in the order checkMessageAndReturnSize reads it, and on success
 * fills `at`. Java reads each variable part into an array of TOTALSIZE bytes, so a part longer
 * than that fails like a short buffer; the body is read (and so bounded) only when it is returned
 * or CRC-checked. Fields are read straight off the bytes: no DataView, no object per field. The
 * buffer ends at `end` (a reader in place bounds a record within a larger buffer).
 */
function locate(
  buf: Uint8Array,
  offset: number,
  end: number,
  readBody: boolean,
  checkCRC: boolean,
): CheckFailure | undefined {
  if (!Number.isInteger(offset) || offset < 0 || end - offset < 8) {
    return corrupt(-1, `no record header at offset ${offset}`);
  }
  const size = readInt32(buf, offset);
  const magic = readInt32(buf, offset + RecordLayout.MAGICCODE);
  if (magic === BLANK_MAGIC_CODE) return END_OF_FILE;
  if (magic !== MESSAGE_MAGIC_CODE) return corrupt(-1, `bad magic code 0x${(magic >>> 0).toString(16)}`);
  if (size < 8) return corrupt(-1, `total size ${size} cannot hold a host field`);
  if (end - offset < RecordLayout.BODY) return corrupt(-1, 'short buffer in the fixed fields');
  if (readInt32(buf, offset + RecordLayout.SYSFLAG) & IPV6_FLAGS) {
    return corrupt(-1, 'IPv6 host (not modelled)');
  }
  const bodyLength = Math.max(0, readInt32(buf, offset + RecordLayout.BODYLEN));
  let pos = offset + RecordLayout.BODY;
  if (bodyLength > end - pos || ((readBody || checkCRC) && bodyLength > size)) {
    return corrupt(-1, `body of ${bodyLength} B overruns the record or the buffer`);
  }
  if (checkCRC && bodyLength > 0) {
    const stored = readInt32(buf, offset + RecordLayout.BODYCRC);
    if (bodyCrc(buf, pos, pos + bodyLength) !== stored) return corrupt(-1, BODY_CRC_MISMATCH);
  }
  pos += bodyLength;
  if (pos >= end) return corrupt(-1, 'short buffer at the topic length');
  const topicLength = (buf[pos++]! << 24) >> 24; // a Java byte: signed
  if (topicLength < 0 || topicLength > size || pos + topicLength + 2 > end) {
    return corrupt(-1, `topic of ${topicLength} B overruns the record or the buffer`);
  }
  const topicStart = pos;
  pos += topicLength;
  const propertiesLength = Math.max(0, (((buf[pos]! << 8) | buf[pos + 1]!) << 16) >> 16); // a Java short
  pos += 2;
  if (propertiesLength > size || pos + propertiesLength > end) {
    return corrupt(-1, `properties of ${propertiesLength} B overrun the record or the buffer`);
  }
  const expected = calMsgLength(bodyLength, topicLength, propertiesLength);
  if (expected !== size) {
    return corrupt(size, `[BUG] total size ${size} differs from the ${expected} B its lengths add up to`);
  }
  at.size = size;
  at.bodyLength = bodyLength;
  at.topicStart = topicStart;
  at.topicLength = topicLength;
  at.propertiesStart = pos;
  at.propertiesLength = propertiesLength;
  return undefined;
}

/** MessageExt's constructor copies these, so one pair of objects serves every decode. */
const init: MessageInit = { flag: 0, encodedProperties: undefined };
const stored: StoredFields = {
  queueId: 0,
  queueOffset: 0,
  commitLogOffset: 0,
  storeSize: 0,
  sysFlag: 0,
  bornTimestamp: 0,
  bornHost: { ip: '0.0.0.0', port: 0 },
  storeTimestamp: 0,
  storeHost: { ip: '0.0.0.0', port: 0 },
  reconsumeTimes: 0,
  preparedTransactionOffset: 0,
  bodyCRC: 0,
};

/**
 * MessageDecoder.decode: the whole record at `offset` (of a buffer that ends at `end`) as a
 * MessageExt (body and properties copied, into `copies` if given); never throws.
 */
export function decodeRecord(
  buf: Uint8Array,
  offset: number,
  checkCRC: boolean,
  end = buf.length,
  copies?: ByteArena,
): MessageExt | CheckFailure {
  const failure = locate(buf, offset, end, true, checkCRC);
  if (failure !== undefined) return failure;
  const L = RecordLayout;
  const bodyStart = offset + L.BODY;
  const bodyEnd = bodyStart + at.bodyLength;
  const body = copies === undefined ? buf.slice(bodyStart, bodyEnd) : copies.copy(buf, bodyStart, bodyEnd);
  const topic = internUtf8(buf, at.topicStart, at.topicStart + at.topicLength);
  stored.storeSize = at.size;
  init.flag = readInt32(buf, offset + L.FLAG);
  // The properties' bytes, copied: the message decodes them only if something needs their Map.
  const propertiesEnd = at.propertiesStart + at.propertiesLength;
  init.encodedProperties =
    copies === undefined
      ? buf.slice(at.propertiesStart, propertiesEnd)
      : copies.copy(buf, at.propertiesStart, propertiesEnd);
  stored.queueId = readInt32(buf, offset + L.QUEUEID);
  stored.queueOffset = readInt64(buf, offset + L.QUEUEOFFSET);
  stored.commitLogOffset = readInt64(buf, offset + L.PHYSICALOFFSET);
  stored.sysFlag = readInt32(buf, offset + L.SYSFLAG);
  stored.bornTimestamp = readInt64(buf, offset + L.BORNTIMESTAMP);
  stored.bornHost = readHost(buf, offset + L.BORNHOST);
  stored.storeTimestamp = readInt64(buf, offset + L.STORETIMESTAMP);
  stored.storeHost = readHost(buf, offset + L.STOREHOST);
  stored.reconsumeTimes = readInt32(buf, offset + L.RECONSUMETIMES);
  stored.preparedTransactionOffset = readInt64(buf, offset + L.PREPAREDTRANSACTIONOFFSET);
  stored.bodyCRC = readInt32(buf, offset + L.BODYCRC);
  return new MessageExt(topic, body, init, stored);
}

/**
 * One property of the record at `offset` (of a buffer that ends at `end`), read in place: what
 * decodeRecord(...).getProperty(name) gives, with no MessageExt, body or properties copied. Null
 * when decodeRecord would find no valid record there (CRC unchecked), undefined when the record
 * has no such property.
 */
export function readRecordProperty(
  buf: Uint8Array,
  offset: number,
  end: number,
  name: string,
): string | undefined | null {
  if (locate(buf, offset, end, true, false) !== undefined) return null;
  return findProperty(buf, name, at.propertiesStart, at.propertiesStart + at.propertiesLength);
}

/** decodeRecord as a CheckResult. */
export function checkRecord(buf: Uint8Array, offset: number, options: CheckOptions): CheckResult<MessageExt> {
  const decoded = decodeRecord(buf, offset, options.checkCRC);
  return decoded instanceof MessageExt
    ? { kind: 'valid', size: decoded.storeSize, record: decoded }
    : decoded;
}

/**
 * What ConsumeQueue and IndexFile dispatch needs of a record (RocketMQ's DispatchRequest). A
 * reader that dispatches records one at a time fills one of these again and again.
 */
export class DispatchRequest {
  topic = '';
  queueId = 0;
  queueOffset = 0;
  commitLogOffset = 0;
  storeSize = 0;
  /** Java hashCode of TAGS (0 without tags), or the delivery time on SCHEDULE_TOPIC_XXXX. */
  tagsCode = 0;
  storeTimestamp = 0;
  sysFlag = 0;
  preparedTransactionOffset = 0;
  /** Absent properties are undefined (Java has "" for keys when a record has no properties). */
  keys: string | undefined = undefined;
  uniqKey: string | undefined = undefined;
}

export interface DispatchCheckOptions extends CheckOptions {
  /**
   * ScheduleMessageService.computeDeliverTimestamp (clamping the level to the maximum is its
   * job): on SCHEDULE_TOPIC_XXXX a positive DELAY level makes the tagsCode this delivery time.
   */
  deliverTimestamp?: (delayLevel: number, storeTimestamp: number) => number;
  /**
   * False: KEYS and UNIQ_KEY are not decoded (left undefined), for a reader that needs neither
   * (the IndexFile does).
   */
  keys?: boolean;
}

/**
 * The property names dispatch reads, as bytes, so names are matched without decoding them; the
 * keys first, so that a scan without them starts at TAGS_AT.
 */
const WANTED = [MessageConst.KEYS, MessageConst.UNIQ_KEY, MessageConst.TAGS, MessageConst.DELAY].map((name) =>
  utf8Encoder.encode(name),
);
const KEYS_AT = 0;
const UNIQ_KEY_AT = 1;
const TAGS_AT = 2;
const DELAY_AT = 3;

/**
 * The scan in progress: its bytes and the values of WANTED found so far. The visitor is one
 * function for every record, not a closure per record.
 */
const NO_BYTES = new Uint8Array(0);
let scanned: Uint8Array = NO_BYTES;
const wantedValues: (string | undefined)[] = WANTED.map(() => undefined);
/** The first of WANTED the scan in progress decodes: TAGS_AT when it skips the keys. */
let firstWanted = 0;

function takeWanted(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
  for (let w = firstWanted; w < WANTED.length; w++) {
    if (bytesEqual(scanned, nameStart, nameEnd, WANTED[w]!)) {
      wantedValues[w] = decodeUtf8(scanned, valueStart, valueEnd);
      return;
    }
  }
}

function bytesEqual(buf: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[start + i] !== name[i]) return false;
  return true;
}

/**
 * checkMessageAndReturnSize: reads only what dispatch needs into `into`, without touching the body
 * unless checkCRC asks for it; the properties are scanned as bytes and only the four values it
 * wants are decoded. Undefined when the record is valid (its size is into.storeSize), else why
 * not (`into` is then partly filled). Never throws.
 */
export function readDispatchRequest(
  buf: Uint8Array,
  offset: number,
  options: DispatchCheckOptions,
  into: DispatchRequest,
): CheckFailure | undefined {
  const failure = locate(buf, offset, buf.length, false, options.checkCRC);
  if (failure !== undefined) return failure;
  const L = RecordLayout;
  into.storeSize = at.size;
  into.topic = internUtf8(buf, at.topicStart, at.topicStart + at.topicLength);
  wantedValues.fill(undefined);
  scanned = buf;
  firstWanted = options.keys === false ? TAGS_AT : KEYS_AT;
  forEachProperty(buf, at.propertiesStart, at.propertiesStart + at.propertiesLength, takeWanted);
  scanned = NO_BYTES;
  const tags = wantedValues[TAGS_AT];
  const delay = wantedValues[DELAY_AT];
  into.keys = wantedValues[KEYS_AT];
  into.uniqKey = wantedValues[UNIQ_KEY_AT];
  into.storeTimestamp = readInt64(buf, offset + L.STORETIMESTAMP);
  into.tagsCode = tags ? javaHashCode(tags) : 0;
  if (into.topic === SCHEDULE_TOPIC && delay !== undefined) {
    const level = parseJavaInt(delay);
    // Java's Integer.parseInt throws here, and the reader turns any exception into -1.
    if (level === undefined) return corrupt(-1, `DELAY property ${JSON.stringify(delay)} is not an int`);
    if (level > 0 && options.deliverTimestamp)
      into.tagsCode = options.deliverTimestamp(level, into.storeTimestamp);
  }
  into.queueId = readInt32(buf, offset + L.QUEUEID);
  into.queueOffset = readInt64(buf, offset + L.QUEUEOFFSET);
  into.commitLogOffset = readInt64(buf, offset + L.PHYSICALOFFSET);
  into.sysFlag = readInt32(buf, offset + L.SYSFLAG);
  into.preparedTransactionOffset = readInt64(buf, offset + L.PREPAREDTRANSACTIONOFFSET);
  return undefined;
}

/** readDispatchRequest into a new DispatchRequest, as a CheckResult. */
export function checkRecordForDispatch(
  buf: Uint8Array,
  offset: number,
  options: DispatchCheckOptions,
): CheckResult<DispatchRequest> {
  const record = new DispatchRequest();
  const failure = readDispatchRequest(buf, offset, options, record);
  return failure ?? { kind: 'valid', size: record.storeSize, record };
}
