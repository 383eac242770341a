// A CommitLog record's bytes, decoded field by field for the report's message view: each field's
// position, its raw bytes in hex and what they mean. This reads the bytes itself (with the layout
// core/store/commit-log-record.ts writes) rather than going through MessageExt, so the page shows
// what is on the disk, including a body CRC that does not match or lengths that overrun.
import { bodyCrc, MESSAGE_MAGIC_CODE, RecordLayout } from '../../core/store/commit-log-record.ts';

export interface RecordField {
  name: string;
  offset: number;
  length: number;
  /** The field's bytes in hex (a long body is cut, see `truncated`). */
  hex: string;
  value: string;
  truncated?: boolean;
}

/** Bytes of hex shown for a body, topic or properties field; the decoded value is shown whole. */
const HEX_LIMIT = 96;

const FIXED: readonly [name: string, at: number, length: number, kind: FieldKind][] = [
  ['total size', RecordLayout.TOTALSIZE, 4, 'int'],
  ['magic code', RecordLayout.MAGICCODE, 4, 'magic'],
  ['body CRC', RecordLayout.BODYCRC, 4, 'int'],
  ['queue id', RecordLayout.QUEUEID, 4, 'int'],
  ['flag', RecordLayout.FLAG, 4, 'int'],
  ['queue offset', RecordLayout.QUEUEOFFSET, 8, 'long'],
  ['physical offset', RecordLayout.PHYSICALOFFSET, 8, 'long'],
  ['sysflag', RecordLayout.SYSFLAG, 4, 'int'],
  ['born timestamp', RecordLayout.BORNTIMESTAMP, 8, 'time'],
  ['born host', RecordLayout.BORNHOST, 8, 'host'],
  ['store timestamp', RecordLayout.STORETIMESTAMP, 8, 'time'],
  ['store host', RecordLayout.STOREHOST, 8, 'host'],
  ['reconsume times', RecordLayout.RECONSUMETIMES, 4, 'int'],
  ['prepared transaction offset', RecordLayout.PREPAREDTRANSACTIONOFFSET, 8, 'long'],
  ['body length', RecordLayout.BODYLEN, 4, 'int'],
];

type FieldKind = 'int' | 'long' | 'time' | 'host' | 'magic';

export function toHex(bytes: Uint8Array, limit = Infinity): string {
  const shown = bytes.subarray(0, Math.min(bytes.length, limit));
  return Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function fixedValue(view: DataView, at: number, kind: FieldKind): string {
  switch (kind) {
    case 'int':
      return String(view.getInt32(at));
    case 'long':
      return String(view.getBigInt64(at));
    case 'time': {
      const ms = Number(view.getBigInt64(at));
      return Number.isFinite(new Date(ms).getTime()) ? `${ms} (${new Date(ms).toISOString()})` : String(ms);
    }
    case 'host':
      return `${[0, 1, 2, 3].map((i) => view.getUint8(at + i)).join('.')}:${view.getInt32(at + 4)}`;
    case 'magic': {
      const magic = view.getInt32(at);
      const hex = `0x${(magic >>> 0).toString(16)}`;
      return magic === MESSAGE_MAGIC_CODE ? `${hex} (MESSAGE_MAGIC_CODE)` : `${hex} (not a message)`;
    }
  }
}

/** A field cut to the bytes that exist, so a short or corrupt record still decodes as far as it goes. */
function field(bytes: Uint8Array, name: string, offset: number, length: number, value: string): RecordField {
  const raw = bytes.subarray(offset, Math.min(bytes.length, offset + Math.max(0, length)));
  const truncated = raw.length > HEX_LIMIT;
  return { name, offset, length, hex: toHex(raw, HEX_LIMIT), value, ...(truncated && { truncated }) };
}

/** RocketMQ's property string: name \u0001 value, entries joined by \u0002, as `name=value` lines. */
export function propertiesText(text: string): string {
  return text
    .split('\u0002')
    .filter((pair) => pair !== '')
    .map((pair) => pair.replace('\u0001', '='))
    .join('\n');
}

/** Decodes every field of the record at the start of `bytes`; stops where the bytes run out. */
export function decodeRecordFields(bytes: Uint8Array): RecordField[] {
  if (bytes.length < RecordLayout.BODY) {
    return [field(bytes, 'short record', 0, bytes.length, `only ${bytes.length} B`)];
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields = FIXED.map(([name, at, length, kind]) =>
    field(bytes, name, at, length, fixedValue(view, at, kind)),
  );
  const crc = fields[2]!;
  const bodyLength = Math.max(0, view.getInt32(RecordLayout.BODYLEN));
  const body = bytes.subarray(RecordLayout.BODY, RecordLayout.BODY + bodyLength);
  crc.value += bodyCrc(body) === view.getInt32(RecordLayout.BODYCRC) ? ' (matches the body)' : ' (MISMATCH)';
  fields.push(field(bytes, 'body', RecordLayout.BODY, bodyLength, new TextDecoder().decode(body)));
  return fields.concat(variableTail(bytes, view, RecordLayout.BODY + bodyLength));
}

/** TOPICLEN 1 + TOPIC, PROPLEN 2 + PROPERTIES. */
function variableTail(bytes: Uint8Array, view: DataView, start: number): RecordField[] {
  if (start >= bytes.length) return [];
  const decoder = new TextDecoder();
  const topicLength = view.getInt8(start);
  const topicAt = start + 1;
  const topic = decoder.decode(bytes.subarray(topicAt, topicAt + topicLength));
  const out = [field(bytes, 'topic length', start, 1, String(topicLength))];
  out.push(field(bytes, 'topic', topicAt, topicLength, topic));
  const propLengthAt = topicAt + topicLength;
  if (propLengthAt + 2 > bytes.length) return out;
  const propLength = view.getInt16(propLengthAt);
  const propAt = propLengthAt + 2;
  const properties = decoder.decode(bytes.subarray(propAt, propAt + Math.max(0, propLength)));
  out.push(field(bytes, 'properties length', propLengthAt, 2, String(propLength)));
  out.push(field(bytes, 'properties', propAt, propLength, propertiesText(properties)));
  return out;
}
