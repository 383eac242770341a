// RemotingCommand: what travels between RocketMQ processes, the object form of RocketMQ's
// remoting command: a code, a header of fields (extFields), an optional body and, on a response, a
// remark that explains a failure. A request's `code` is a RequestCode; a response's is a
// ResponseCode. On the wire (wire-codec.ts) it is RocketMQ's frame, with the opaque, flag bits,
// language, version and serialize type, header values as text and the body in RocketMQ's
// encoding; a live process and the simulation with `frames` on receive it decoded from there.
// Simplifications of the object form: by default the simulated network carries these objects by
// reference, so the sender must not change one after sending it and the receiver must copy what it
// keeps; header values may be numbers and booleans (readers take text and numbers alike, as
// header-reader.ts reads them); the body is the decoded object, not bytes.

import { z } from 'zod';
import { ResponseCode } from './response-code.ts';

export type ExtFieldValue = string | number | boolean;
export type ExtFields = Readonly<Record<string, ExtFieldValue>>;

export interface RemotingCommand {
  readonly code: number;
  readonly extFields?: ExtFields;
  readonly body?: unknown;
  readonly remark?: string;
}

/** A request; absent parts are left out of the object, so traces and deep equality stay simple. */
export function request(code: number, extFields?: ExtFields, body?: unknown): RemotingCommand {
  return command(code, undefined, extFields, body);
}

/** A response with a ResponseCode; the remark says why it is not SUCCESS. */
export function response(
  code: number,
  remark?: string,
  extFields?: ExtFields,
  body?: unknown,
): RemotingCommand {
  return command(code, remark, extFields, body);
}

/**
 * One literal of the parts present, in the order code, extFields, body, remark: a part added to
 * a made object would go to a property array of its own (an object more a command), and a
 * spread costs more than the rest of a small request.
 */
function command(code: number, remark?: string, extFields?: ExtFields, body?: unknown): RemotingCommand {
  if (remark === undefined) {
    if (extFields === undefined) return body === undefined ? { code } : { code, body };
    return body === undefined ? { code, extFields } : { code, extFields, body };
  }
  if (extFields === undefined) return body === undefined ? { code, remark } : { code, body, remark };
  return body === undefined ? { code, extFields, remark } : { code, extFields, body, remark };
}

export function isRemotingCommand(x: unknown): x is RemotingCommand {
  if (typeof x !== 'object' || x === null) return false;
  const { code, extFields, remark } = x as Record<string, unknown>;
  return (
    Number.isInteger(code) &&
    (remark === undefined || typeof remark === 'string') &&
    (extFields === undefined || isExtFields(extFields))
  );
}

/** Every own value a string, number or boolean (read in place: every packet is asked this). */
function isExtFields(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const fields = x as Record<string, unknown>;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const type = typeof fields[key];
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return false;
  }
  return true;
}

/** The answer to a request whose header or body does not parse: SYSTEM_ERROR naming the field. */
export function malformed(what: string, error: z.ZodError): RemotingCommand {
  return response(ResponseCode.SYSTEM_ERROR, `malformed ${what}: ${z.prettifyError(error)}`);
}
