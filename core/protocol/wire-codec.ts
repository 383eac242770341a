// A RemotingCommand (the object form the processes build and read) to and from its frame: the
// header's extFields as text (a number or boolean written as Java's toString writes it), the
// flag bits of a response or a one-way request, the opaque that pairs them, the body in
// RocketMQ's encoding (command-bodies.ts). What comes off the wire reads back as the same
// command, but for the extFields' values, which are text, as a Java process receives them.
// rmqsim's processes speak as RocketMQ 4.9.7's Java clients and servers do: language JAVA,
// version 4.9.7's, JSON headers; a response keeps its request's serialize type.
import { setOwn } from './fastjson.ts';
import { REQUEST_BODIES, RESPONSE_BODIES, type RequestInfo } from './command-bodies.ts';
import type { ExtFields, RemotingCommand } from './remoting-command.ts';
import { decodeFrame, encodeFrame, RemotingFlag, type Frame, type SerializeType } from './remoting-frame.ts';

/** MQVersion.Version.V4_9_7.ordinal(), the version rmqsim's processes announce. */
export const RMQSIM_VERSION = 407;

export type CommandKind = 'request' | 'oneway' | 'response';

export interface WireOptions {
  readonly kind: CommandKind;
  readonly opaque: number;
  readonly serializeType?: SerializeType;
  /** For a response: the request answered (how its body is encoded depends on it). */
  readonly answering?: RequestInfo;
}

/** The kind a frame's flag bits say. */
export function kindOf(frame: Pick<Frame, 'flag'>): CommandKind {
  if (frame.flag & RemotingFlag.RESPONSE) return 'response';
  return frame.flag & RemotingFlag.ONEWAY ? 'oneway' : 'request';
}

export function commandToFrame(command: RemotingCommand, options: WireOptions): Frame {
  const flag =
    options.kind === 'response' ? RemotingFlag.RESPONSE : options.kind === 'oneway' ? RemotingFlag.ONEWAY : 0;
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
    code: command.code,
    language: 'JAVA',
    version: RMQSIM_VERSION,
    opaque: options.opaque,
    flag,
    serializeType: options.serializeType ?? 'JSON',
  };
  if (command.remark !== undefined) frame.remark = command.remark;
  if (command.extFields !== undefined) frame.extFields = textFields(command.extFields);
  if (command.body !== undefined) frame.body = encodeBody(command, options);
  return frame;
}

function textFields(ext: ExtFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in ext) {
    if (!Object.hasOwn(ext, name)) continue;
    const value = ext[name];
    if (value !== undefined) setOwn(out, name, String(value));
  }
  return out;
}

function encodeBody(command: RemotingCommand, options: WireOptions): Uint8Array {
  const codec =
    options.kind === 'response'
      ? RESPONSE_BODIES.get(options.answering?.code ?? -1)
      : REQUEST_BODIES.get(command.code);
  if (codec !== undefined) return codec.encode(command.body, options.answering);
  if (command.body instanceof Uint8Array) return command.body;
  const what =
    options.kind === 'response'
      ? `the answer to request ${options.answering?.code}`
      : `request ${command.code}`;
  throw new TypeError(`no wire encoding for the body of ${what}`);
}

/**
 * The command a frame carries; a response's body is read against the request it answers. A body
 * that does not decode is left as its bytes, which the receiver's checks refuse (a request is then
 * answered SYSTEM_ERROR, as a Java processor's decode exception is).
 */
export function frameToCommand(frame: Frame, answering?: RequestInfo): RemotingCommand {
  const command: { -readonly [K in keyof RemotingCommand]: RemotingCommand[K] } = { code: frame.code };
  if (frame.extFields !== undefined) command.extFields = frame.extFields;
  if (frame.body !== undefined) command.body = decodeBody(frame, answering);
  if (frame.remark !== undefined) command.remark = frame.remark;
  return command;
}

function decodeBody(frame: Frame, answering: RequestInfo | undefined): unknown {
  const codec =
    kindOf(frame) === 'response'
      ? RESPONSE_BODIES.get(answering?.code ?? -1)
      : REQUEST_BODIES.get(frame.code);
  if (codec === undefined) return frame.body;
  try {
    return codec.decode(frame.body!);
  } catch {
    return frame.body;
  }
}

/** A command's frame bytes, length first. */
export function encodeCommand(command: RemotingCommand, options: WireOptions): Uint8Array {
  return encodeFrame(commandToFrame(command, options));
}

/** The command of one frame's bytes (after its length); throws FrameError. */
export function decodeCommand(bytes: Uint8Array, answering?: RequestInfo): RemotingCommand {
  return frameToCommand(decodeFrame(bytes), answering);
}
