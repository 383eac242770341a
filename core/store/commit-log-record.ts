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
  decodeUtf8,
  getInt64,
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
  parseJavaInt,
  SCHEDULE_TOPIC,
  type StoredFields,
} from '../message/message.ts';
import {
  decodeProperties,
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

function measure(content: RecordContent): Measured {
  const topicLength = utf8Length(content.topic);
  const propertiesLength = propertiesByteLength(content.properties);
  const size = calMsgLength(content.body.length, topicLength, propertiesLength);
  return { topicLength, propertiesLength, size };
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

/** The exact encoded size, known before encoding so the writer can apply the end-of-file rule. */
export function recordSize(content: RecordContent): number {
  return measure(content).size;
}

/** Checks the size limits; the broker answers with the problem's status instead of storing. */
export function recordContentProblem(content: RecordContent): RecordProblem | undefined {
  return problemOf(content, measure(content));
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

/** UtilAll.crc32: the IEEE CRC-32 of the body, masked to 31 bits. */
export function bodyCrc(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}

/** Encodes one record; throws a RangeError when a limit is exceeded or a host is not IPv4. */
export function encodeRecord(input: RecordInput): Uint8Array {
  const m = measure(input);
  const problem = problemOf(input, m);
  if (problem) throw new RangeError(`${problem.status}: ${problem.detail}`);
  if (input.sysFlag & IPV6_FLAGS) throw new RangeError('IPv6 hosts are not modelled (sysFlag bits 4-5)');
  const out = new Uint8Array(m.size);
  const view = viewOf(out);
  const L = RecordLayout;
  view.setInt32(L.TOTALSIZE, m.size);
  view.setInt32(L.MAGICCODE, MESSAGE_MAGIC_CODE);
  view.setInt32(L.BODYCRC, bodyCrc(input.body));
  view.setInt32(L.QUEUEID, input.queueId);
  view.setInt32(L.FLAG, input.flag);
  setInt64(view, L.QUEUEOFFSET, input.queueOffset);
  setInt64(view, L.PHYSICALOFFSET, input.commitLogOffset);
  view.setInt32(L.SYSFLAG, input.sysFlag);
  setInt64(view, L.BORNTIMESTAMP, input.bornTimestamp);
  writeHost(view, L.BORNHOST, input.bornHost);
  setInt64(view, L.STORETIMESTAMP, input.storeTimestamp);
  writeHost(view, L.STOREHOST, input.storeHost);
  view.setInt32(L.RECONSUMETIMES, input.reconsumeTimes);
  setInt64(view, L.PREPAREDTRANSACTIONOFFSET, input.preparedTransactionOffset);
  view.setInt32(L.BODYLEN, input.body.length);
  out.set(input.body, L.BODY);
  let pos = L.BODY + input.body.length;
  out[pos++] = m.topicLength;
  pos = writeUtf8(input.topic, out, pos);
  view.setInt16(pos, m.propertiesLength);
  writeProperties(input.properties, out, pos + 2);
  return out;
}

export type CheckResult<R> =
  | { kind: 'valid'; size: number; record: R }
  /** A blank: the rest of this file is unused, go on with the next one. */
  | { kind: 'end-of-file' }
  /** size -1: bad magic, CRC mismatch or bytes missing; size = TOTALSIZE: the lengths disagree. */
  | { kind: 'corrupt'; size: number; reason: string };

type Failure = Exclude<CheckResult<never>, { kind: 'valid' }>;

export interface CheckOptions {
  /** Verify BODYCRC (RocketMQ's checkCRCOnRecover); dispatch reads skip it. */
  checkCRC: boolean;
}

/** Where a valid record's variable parts lie in the buffer. */
interface Located {
  kind: 'located';
  size: number;
  bodyLength: number;
  topicStart: number;
  topicLength: number;
  propertiesStart: number;
  propertiesLength: number;
}

const END_OF_FILE: Failure = { kind: 'end-of-file' };
/** The reason a record whose body fails its CRC is corrupt (recovery tells it apart). */
export const BODY_CRC_MISMATCH = 'body CRC mismatch';

function corrupt(size: number, reason: string): Failure {
  return { kind: 'corrupt', size, reason };
}

/**
 * Validates the record at `offset` in the order checkMessageAndReturnSize reads it. Java reads
 * each variable part into an array of TOTALSIZE bytes, so a part longer than that fails like a
 * short buffer; the body is read (and so bounded) only when it is returned or CRC-checked.
 */
function locate(
  buf: Uint8Array,
  view: DataView,
  offset: number,
  readBody: boolean,
  checkCRC: boolean,
): Located | Failure {
  if (!Number.isInteger(offset) || offset < 0 || buf.length - offset < 8) {
    return corrupt(-1, `no record header at offset ${offset}`);
  }
  const size = view.getInt32(offset);
  const magic = view.getInt32(offset + RecordLayout.MAGICCODE);
  if (magic === BLANK_MAGIC_CODE) return END_OF_FILE;
  if (magic !== MESSAGE_MAGIC_CODE) return corrupt(-1, `bad magic code 0x${(magic >>> 0).toString(16)}`);
  if (size < 8) return corrupt(-1, `total size ${size} cannot hold a host field`);
  if (buf.length - offset < RecordLayout.BODY) return corrupt(-1, 'short buffer in the fixed fields');
  if (view.getInt32(offset + RecordLayout.SYSFLAG) & IPV6_FLAGS) {
    return corrupt(-1, 'IPv6 host (not modelled)');
  }
  const bodyLength = Math.max(0, view.getInt32(offset + RecordLayout.BODYLEN));
  let pos = offset + RecordLayout.BODY;
  if (bodyLength > buf.length - pos || ((readBody || checkCRC) && bodyLength > size)) {
    return corrupt(-1, `body of ${bodyLength} B overruns the record or the buffer`);
  }
  if (checkCRC && bodyLength > 0) {
    const stored = view.getInt32(offset + RecordLayout.BODYCRC);
    if (bodyCrc(buf.subarray(pos, pos + bodyLength)) !== stored) return corrupt(-1, BODY_CRC_MISMATCH);
  }
  pos += bodyLength;
  if (pos >= buf.length) return corrupt(-1, 'short buffer at the topic length');
  const topicLength = view.getInt8(pos++);
  if (topicLength < 0 || topicLength > size || pos + topicLength + 2 > buf.length) {
    return corrupt(-1, `topic of ${topicLength} B overruns the record or the buffer`);
  }
  const topicStart = pos;
  pos += topicLength;
  const propertiesLength = Math.max(0, view.getInt16(pos));
  pos += 2;
  if (propertiesLength > size || pos + propertiesLength > buf.length) {
    return corrupt(-1, `properties of ${propertiesLength} B overrun the record or the buffer`);
  }
  const expected = calMsgLength(bodyLength, topicLength, propertiesLength);
  if (expected !== size) {
    return corrupt(size, `[BUG] total size ${size} differs from the ${expected} B its lengths add up to`);
  }
  const propertiesStart = pos;
  return { kind: 'located', size, bodyLength, topicStart, topicLength, propertiesStart, propertiesLength };
}

/** Reads the whole record at `offset` as a MessageExt (body copied); never throws. */
export function checkRecord(buf: Uint8Array, offset: number, options: CheckOptions): CheckResult<MessageExt> {
  const view = viewOf(buf);
  const at = locate(buf, view, offset, true, options.checkCRC);
  if (at.kind !== 'located') return at;
  const L = RecordLayout;
  const bodyStart = offset + L.BODY;
  const topic = internUtf8(buf, at.topicStart, at.topicStart + at.topicLength);
  const properties = decodeProperties(buf, at.propertiesStart, at.propertiesStart + at.propertiesLength);
  const body = buf.slice(bodyStart, bodyStart + at.bodyLength);
  const record = new MessageExt(
    topic,
    body,
    { flag: view.getInt32(offset + L.FLAG), properties },
    {
      queueId: view.getInt32(offset + L.QUEUEID),
      queueOffset: getInt64(view, offset + L.QUEUEOFFSET),
      commitLogOffset: getInt64(view, offset + L.PHYSICALOFFSET),
      storeSize: at.size,
      sysFlag: view.getInt32(offset + L.SYSFLAG),
      bornTimestamp: getInt64(view, offset + L.BORNTIMESTAMP),
      bornHost: readHost(view, offset + L.BORNHOST),
      storeTimestamp: getInt64(view, offset + L.STORETIMESTAMP),
      storeHost: readHost(view, offset + L.STOREHOST),
      reconsumeTimes: view.getInt32(offset + L.RECONSUMETIMES),
      preparedTransactionOffset: getInt64(view, offset + L.PREPAREDTRANSACTIONOFFSET),
      bodyCRC: view.getInt32(offset + L.BODYCRC),
    },
  );
  return { kind: 'valid', size: at.size, record };
}

/** What ConsumeQueue and IndexFile dispatch needs of a record (RocketMQ's DispatchRequest). */
export interface DispatchRequest {
  topic: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  storeSize: number;
  /** Java hashCode of TAGS (0 without tags), or the delivery time on SCHEDULE_TOPIC_XXXX. */
  tagsCode: number;
  storeTimestamp: number;
  sysFlag: number;
  preparedTransactionOffset: number;
  /** Absent properties are undefined (Java has "" for keys when a record has no properties). */
  keys: string | undefined;
  uniqKey: string | undefined;
}

export interface DispatchCheckOptions extends CheckOptions {
  /**
   * ScheduleMessageService.computeDeliverTimestamp (clamping the level to the maximum is its
   * job): on SCHEDULE_TOPIC_XXXX a positive DELAY level makes the tagsCode this delivery time.
   */
  deliverTimestamp?: (delayLevel: number, storeTimestamp: number) => number;
}

/** The property names dispatch reads, as bytes, so names are matched without decoding them. */
const WANTED = [MessageConst.KEYS, MessageConst.UNIQ_KEY, MessageConst.TAGS, MessageConst.DELAY].map((name) =>
  utf8Encoder.encode(name),
);
const KEYS_AT = 0;
const UNIQ_KEY_AT = 1;
const TAGS_AT = 2;

function wantedIndex(buf: Uint8Array, start: number, end: number): number {
  for (let w = 0; w < WANTED.length; w++) if (bytesEqual(buf, start, end, WANTED[w])) return w;
  return -1;
}

function bytesEqual(buf: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[start + i] !== name[i]) return false;
  return true;
}

/**
 * Reads only what dispatch needs, without touching the body unless checkCRC asks for it; the
 * properties are scanned as bytes and only the four values it wants are decoded. Never throws.
 */
export function checkRecordForDispatch(
  buf: Uint8Array,
  offset: number,
  options: DispatchCheckOptions,
): CheckResult<DispatchRequest> {
  const view = viewOf(buf);
  const at = locate(buf, view, offset, false, options.checkCRC);
  if (at.kind !== 'located') return at;
  let keys: string | undefined;
  let uniqKey: string | undefined;
  let tags: string | undefined;
  let delay: string | undefined;
  const propertiesEnd = at.propertiesStart + at.propertiesLength;
  // No named closures here: tsx's keepNames would wrap each one in a call per record.
  forEachProperty(buf, at.propertiesStart, propertiesEnd, (ns, ne, vs, ve) => {
    const which = wantedIndex(buf, ns, ne);
    if (which < 0) return;
    const value = decodeUtf8(buf, vs, ve);
    if (which === KEYS_AT) keys = value;
    else if (which === UNIQ_KEY_AT) uniqKey = value;
    else if (which === TAGS_AT) tags = value;
    else delay = value;
  });
  const topic = internUtf8(buf, at.topicStart, at.topicStart + at.topicLength);
  const storeTimestamp = getInt64(view, offset + RecordLayout.STORETIMESTAMP);
  let tagsCode = tags ? javaHashCode(tags) : 0;
  if (topic === SCHEDULE_TOPIC && delay !== undefined) {
    const level = parseJavaInt(delay);
    // Java's Integer.parseInt throws here, and the reader turns any exception into -1.
    if (level === undefined) return corrupt(-1, `DELAY property ${JSON.stringify(delay)} is not an int`);
    if (level > 0 && options.deliverTimestamp) tagsCode = options.deliverTimestamp(level, storeTimestamp);
  }
  const record: DispatchRequest = {
    topic,
    queueId: view.getInt32(offset + RecordLayout.QUEUEID),
    queueOffset: getInt64(view, offset + RecordLayout.QUEUEOFFSET),
    commitLogOffset: getInt64(view, offset + RecordLayout.PHYSICALOFFSET),
    storeSize: at.size,
    tagsCode,
    storeTimestamp,
    sysFlag: view.getInt32(offset + RecordLayout.SYSFLAG),
    preparedTransactionOffset: getInt64(view, offset + RecordLayout.PREPAREDTRANSACTIONOFFSET),
    keys,
    uniqKey,
  };
  return { kind: 'valid', size: at.size, record };
}
