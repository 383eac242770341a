// RocketMQ's RemotingCommand frame, as 4.9's NettyEncoder writes and NettyDecoder with
// RemotingCommand.decode reads it, big-endian:
//   length 4 (what follows) | serialize type 1 (high byte) + header length 3 | header | body
// The header is JSON (serialize type 0, fastjson's field order: code, extFields, flag, language,
// opaque, remark, serializeTypeCurrentRPC, version; extFields' values are text) or ROCKETMQ
// (type 1: code 2 | language 1 | version 2 | opaque 4 | flag 4 | remark 4+n | extFields 4+n, each
// field 2+n key then 4+n value). Flag bit 0 marks a response, bit 1 a one-way request; the opaque
// pairs a response with its request.
// Reading is lenient where fastjson is: JSON numbers and booleans in extFields become their text
// (ali-ons writes `"queueId":0`), a null value is no value, an absent language is JAVA. Anything
// else that does not fit is a FrameError, which a connection answers by closing (as Netty's
// decoder does): a frame longer than 16 MiB (NettyDecoder's default frameMaxLength), a header
// length beyond the frame, an unknown serialize type or language, a header that is not an object.
// Simplification: extFields are written in insertion order (Java writes HashMap order).
import {
  decodeUtf8,
  readInt32,
  utf8Decoder,
  utf8Encoder,
  utf8Length,
  withRoom,
  writeInt32,
  writeUtf8,
} from '../message/bytes.ts';
import { FastjsonError, JavaMap, parseFastjson, setOwn } from './fastjson.ts';

export type SerializeType = 'JSON' | 'ROCKETMQ';

/** RemotingCommand as it travels: every header field, the body as bytes. */
export interface Frame {
  readonly code: number;
  readonly language: string;
  readonly version: number;
  readonly opaque: number;
  readonly flag: number;
  readonly remark?: string;
  readonly extFields?: Readonly<Record<string, string>>;
  readonly serializeType: SerializeType;
  readonly body?: Uint8Array;
}

/** RemotingCommand's flag bits (RPC_TYPE, RPC_ONEWAY). */
export const RemotingFlag = { RESPONSE: 1, ONEWAY: 2 } as const;

/** NettyDecoder's FRAME_MAX_LENGTH default (com.rocketmq.remoting.frameMaxLength). */
export const FRAME_MAX_LENGTH = 16_777_216;

/** LanguageCode, by its byte in the ROCKETMQ header. */
export const LANGUAGE_CODES = [
  'JAVA',
  'CPP',
  'DOTNET',
  'PYTHON',
  'DELPHI',
  'ERLANG',
  'RUBY',
  'OTHER',
  'HTTP',
  'GO',
  'PHP',
  'OMS',
  'RUST',
] as const;

const SERIALIZE_TYPES: readonly SerializeType[] = ['JSON', 'ROCKETMQ'];

export class FrameError extends Error {
  override name = 'FrameError';
}

/** The frame's bytes, its 4-byte length first (NettyEncoder). */
export function encodeFrame(frame: Frame): Uint8Array {
  const body = frame.body;
  const bodyLength = body === undefined ? 0 : body.length;
  if (frame.serializeType === 'JSON') {
    // The header's text goes straight into the frame: no header bytes of its own to copy.
    const text = jsonHeader(frame);
    const headerLength = utf8Length(text);
    const out = new Uint8Array(8 + headerLength + bodyLength);
    frameStart(out, 0, headerLength, bodyLength);
    writeUtf8(text, out, 8);
    if (body !== undefined) out.set(body, 8 + headerLength);
    return out;
  }
  const header = rocketmqHeader(frame);
  const out = new Uint8Array(8 + header.length + bodyLength);
  frameStart(out, 1, header.length, bodyLength);
  out.set(header, 8);
  if (body !== undefined) out.set(body, 8 + header.length);
  return out;
}

/** The frame's length, then its serialize type (high byte) and header length. */
function frameStart(out: Uint8Array, serializeType: number, headerLength: number, bodyLength: number): void {
  writeInt32(out, 0, 4 + headerLength + bodyLength);
  writeInt32(out, 4, (serializeType << 24) | headerLength);
}

/**
 * The JSON header as JSON.stringify writes a bean in fastjson's field order; an undefined remark
 * or extFields is left out, as fastjson leaves out null.
 */
function jsonHeader(frame: Frame): string {
  let text = `{"code":${frame.code}`;
  if (frame.extFields !== undefined) text += `,"extFields":${JSON.stringify(frame.extFields)}`;
  text += `,"flag":${frame.flag},"language":${JSON.stringify(frame.language)},"opaque":${frame.opaque}`;
  if (frame.remark !== undefined) text += `,"remark":${JSON.stringify(frame.remark)}`;
  return `${text},"serializeTypeCurrentRPC":"${frame.serializeType}","version":${frame.version}}`;
}

function rocketmqHeader(frame: Frame): Uint8Array {
  const remark = frame.remark === undefined ? new Uint8Array(0) : utf8Encoder.encode(frame.remark);
  const ext = Object.entries(frame.extFields ?? {}).map(([k, v]) => [
    utf8Encoder.encode(k),
    utf8Encoder.encode(v),
  ]);
  const extLength = ext.reduce((n, [k, v]) => n + 6 + k!.length + v!.length, 0);
  const out = new Uint8Array(21 + remark.length + extLength);
  const view = new DataView(out.buffer);
  view.setInt16(0, frame.code);
  view.setInt8(2, languageCode(frame.language));
  view.setInt16(3, frame.version);
  view.setInt32(5, frame.opaque);
  view.setInt32(9, frame.flag);
  view.setInt32(13, remark.length);
  out.set(remark, 17);
  let pos = 17 + remark.length;
  view.setInt32(pos, extLength);
  pos += 4;
  for (const [k, v] of ext) {
    view.setInt16(pos, k!.length);
    out.set(k!, pos + 2);
    pos += 2 + k!.length;
    view.setInt32(pos, v!.length);
    out.set(v!, pos + 4);
    pos += 4 + v!.length;
  }
  return out;
}

function languageCode(language: string): number {
  const code = (LANGUAGE_CODES as readonly string[]).indexOf(language);
  if (code < 0) throw new FrameError(`unknown language ${language}`);
  return code;
}

/**
 * RemotingCommand.decode: one frame from the bytes after its 4-byte length (what NettyDecoder
 * hands on). Throws FrameError; the body is a view into `bytes`.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 4) throw new FrameError(`a frame of ${bytes.length} bytes has no header length`);
  const word = readInt32(bytes, 0);
  const headerLength = word & 0xffffff;
  if (headerLength > bytes.length - 4)
    throw new FrameError(`decode error, bad header length: ${headerLength}`);
  const type = SERIALIZE_TYPES[(word >>> 24) & 0xff];
  if (type === undefined) throw new FrameError(`unknown serialize type ${(word >>> 24) & 0xff}`);
  const fields =
    type === 'JSON'
      ? readJsonHeader(decodeUtf8(bytes, 4, 4 + headerLength))
      : readRocketmqHeader(bytes.subarray(4, 4 + headerLength));
  const body = bytes.length > 4 + headerLength ? bytes.subarray(4 + headerLength) : undefined;
  return frameOf(fields, type, body);
}

type HeaderFields = Omit<Frame, 'serializeType' | 'body'>;

/** A Frame with its optional fields only where they are, in one shape. */
function frameOf(fields: HeaderFields, serializeType: SerializeType, body: Uint8Array | undefined): Frame {
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
    code: fields.code,
    language: fields.language,
    version: fields.version,
    opaque: fields.opaque,
    flag: fields.flag,
    serializeType,
  };
  if (fields.remark !== undefined) frame.remark = fields.remark;
  if (fields.extFields !== undefined) frame.extFields = fields.extFields;
  if (body !== undefined) frame.body = body;
  return frame;
}

function readJsonHeader(text: string): HeaderFields {
  let parsed: unknown;
  try {
    parsed = parseFastjson(text);
  } catch (error) {
    if (error instanceof FastjsonError) throw new FrameError(`header: ${error.message}`);
    throw error;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new FrameError('the header is not a JSON object');
  const h = parsed as Record<string, unknown>;
  const language = h.language ?? 'JAVA';
  if (typeof language !== 'string') throw new FrameError('header language is not text');
  languageCode(language);
  const remark = h.remark ?? undefined;
  if (remark !== undefined && typeof remark !== 'string') throw new FrameError('header remark is not text');
  return withOptional(
    {
      code: intField(h, 'code', true),
      language,
      version: intField(h, 'version', false),
      opaque: intField(h, 'opaque', false),
      flag: intField(h, 'flag', false),
    },
    remark,
    readExtFields(h.extFields),
  );
}

function intField(h: Record<string, unknown>, name: string, required: boolean): number {
  const v = h[name] ?? (required ? undefined : 0);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x8000_0000 || v > 0x7fff_ffff)
    throw new FrameError(`header ${name} is not an int: ${String(v)}`);
  return v;
}

/**
 * fastjson's HashMap<String, String>: numbers and booleans become their text, null is no value.
 * The parsed object itself when every value is text already (what a Java peer writes).
 */
function readExtFields(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof JavaMap)
    throw new FrameError('extFields is not an object');
  const parsed = value as Record<string, unknown>;
  for (const k in parsed) {
    if (typeof parsed[k] !== 'string') return textOnly(parsed);
  }
  return parsed as Record<string, string>;
}

function textOnly(parsed: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in parsed) {
    const v = parsed[k];
    if (v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new FrameError(`extFields.${k} is not text`);
    setOwn(out, k, String(v));
  }
  return out;
}

function withOptional(
  fields: HeaderFields,
  remark: string | undefined,
  extFields: Record<string, string> | undefined,
): HeaderFields {
  return {
    ...fields,
    ...(remark === undefined ? {} : { remark }),
    ...(extFields === undefined ? {} : { extFields }),
  };
}

/** RocketMQSerializable.rocketMQProtocolDecode; a zero-length string reads as null (absent). */
function readRocketmqHeader(bytes: Uint8Array): HeaderFields {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length)
      throw new FrameError(`ROCKETMQ header ends at ${bytes.length}, needs ${pos + n}`);
  };
  const str = (lengthBytes: 2 | 4): string | undefined => {
    need(lengthBytes);
    const len = lengthBytes === 2 ? view.getInt16(pos) : view.getInt32(pos);
    pos += lengthBytes;
    if (len === 0) return undefined;
    if (len < 0 || len > bytes.length) throw new FrameError(`string length exceed limit:${bytes.length}`);
    need(len);
    pos += len;
    return utf8Decoder.decode(bytes.subarray(pos - len, pos));
  };
  need(13);
  const code = view.getInt16(0);
  const language = LANGUAGE_CODES[view.getInt8(2)];
  if (language === undefined) throw new FrameError(`unknown language code ${view.getInt8(2)}`);
  const fields = {
    code,
    language,
    version: view.getInt16(3),
    opaque: view.getInt32(5),
    flag: view.getInt32(9),
  };
  pos = 13;
  const remark = str(4);
  need(4);
  const extLength = view.getInt32(pos);
  pos += 4;
  if (extLength <= 0) return withOptional(fields, remark, undefined);
  if (extLength > bytes.length) throw new FrameError(`extFields length ${extLength} beyond the header`);
  const end = pos + extLength;
  const ext: Record<string, string> = {};
  while (pos < end) {
    const k = str(2);
    const v = str(4);
    if (k !== undefined && v !== undefined) setOwn(ext, k, v);
  }
  return withOptional(fields, remark, ext);
}

/**
 * Cuts a byte stream into frames (LengthFieldBasedFrameDecoder with NettyDecoder's settings):
 * whatever the chunks, the same frames come out. A length beyond FRAME_MAX_LENGTH or below 4 is a
 * FrameError, after which the stream is unusable.
 */
export class FrameDecoder {
  /** Bytes of an incomplete frame, in buffer[0, held); grown by doubling. */
  private buffer = new Uint8Array(0);
  private held = 0;

  /** The frames completed by `chunk`, each decoded; throws FrameError. */
  push(chunk: Uint8Array): Frame[] {
    // Frames wholly inside `chunk` are decoded in place; bytes kept between pushes are copied out.
    const fromChunk = this.held === 0;
    if (!fromChunk) this.append(chunk);
    const data = fromChunk ? chunk : this.buffer.subarray(0, this.held);
    const frames: Frame[] = [];
    let pos = 0;
    while (data.length - pos >= 4) {
      const length =
        ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0;
      if (length > FRAME_MAX_LENGTH)
        throw new FrameError(`frame length ${length} exceeds ${FRAME_MAX_LENGTH}`);
      if (data.length - pos - 4 < length) break;
      const bytes = data.subarray(pos + 4, pos + 4 + length);
      frames.push(decodeFrame(fromChunk ? bytes : bytes.slice()));
      pos += 4 + length;
    }
    const rest = data.subarray(pos);
    if (fromChunk) {
      this.append(rest);
    } else {
      this.buffer.copyWithin(0, pos, this.held);
      this.held = rest.length;
    }
    return frames;
  }

  /** Bytes of an incomplete frame still held. */
  get pending(): number {
    return this.held;
  }

  private append(bytes: Uint8Array): void {
    this.buffer = withRoom(this.buffer, this.held + bytes.length);
    this.buffer.set(bytes, this.held);
    this.held += bytes.length;
  }
}
