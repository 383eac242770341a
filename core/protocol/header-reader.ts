// A request's custom header (a CommandCustomHeader) read from its extFields as
// RemotingCommand.decodeCommandCustomHeader does: every field is text on the wire, parsed to the
// field's Java type (Integer.parseInt, Long.parseLong, Boolean.parseBoolean); a @CFNotNull field
// that is absent, or a number that does not parse, is a RemotingCommandException (HeaderError).
// The zod schemas of the other headers read their fields the same way (javaInt, javaLong,
// javaBoolean): text as Java parses it, so a header from the wire and one built in the simulation
// give the same values.
// Simplifications: a value that is already a number or boolean (the simulation's object path) is
// taken as it is; a number that does not parse fails the request, where Java logs it and leaves
// the field at its default.
import { z } from 'zod';
import { isJavaDecimal, parseJavaInt } from '../message/message.ts';
import type { ExtFields } from './remoting-command.ts';

/** Long.parseLong, within the integers a double holds exactly; undefined where Java throws. */
export function parseJavaLong(text: string): number | undefined {
  if (!isJavaDecimal(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Boolean.parseBoolean: only "true" (any case) is true. */
export function parseJavaBoolean(text: string): boolean {
  return text === 'true' || (text.length === 4 && text.toLowerCase() === 'true');
}

/** A header field as decodeCommandCustomHeader reads it: a value of its type as it is, text parsed. */
function readAs<T extends z.ZodType>(parse: (text: string) => unknown, inner: T) {
  return z.preprocess((v) => (typeof v === 'string' ? (parse(v) ?? v) : v), inner);
}

/** An int field (Integer.parseInt); text that does not parse fails `inner`, naming the field. */
export function javaInt<T extends z.ZodType = z.ZodNumber>(inner?: T) {
  return readAs(parseJavaInt, inner ?? (z.number().int() as unknown as T));
}

/** A long field (Long.parseLong). */
export function javaLong<T extends z.ZodType = z.ZodNumber>(inner?: T) {
  return readAs(parseJavaLong, inner ?? (z.number().int() as unknown as T));
}

/** A boolean field (Boolean.parseBoolean). */
export function javaBoolean<T extends z.ZodType = z.ZodBoolean>(inner?: T) {
  return readAs(parseJavaBoolean, inner ?? (z.boolean() as unknown as T));
}

/** A header that cannot be decoded (RemotingCommandException); answered as SYSTEM_ERROR. */
export class HeaderError extends Error {}

/** No fields: a request that came without a header. */
export const NO_FIELDS: ExtFields = Object.freeze({});

// The readers of typed custom-header fields, as decodeCommandCustomHeader reads them: functions of
// (extFields, name), so a hot header (SEND_MESSAGE's) is read with no reader object or closure.

export function stringField(ext: ExtFields, name: string): string | undefined {
  const value = ext[name];
  return value === undefined ? undefined : String(value);
}

export function intField(ext: ExtFields, name: string): number | undefined {
  return numberField(ext, name, parseJavaInt);
}

export function longField(ext: ExtFields, name: string): number | undefined {
  return numberField(ext, name, parseJavaLong);
}

export function booleanField(ext: ExtFields, name: string): boolean | undefined {
  const value = ext[name];
  if (value === undefined || typeof value === 'boolean') return value; // String(b) parses back to b
  return parseJavaBoolean(String(value));
}

/** A @CFNotNull field, read by one of the readers above. */
export function required<T>(
  ext: ExtFields,
  name: string,
  read: (ext: ExtFields, name: string) => T | undefined,
): T {
  const value = read(ext, name);
  if (value === undefined) throw new HeaderError(`the custom field <${name}> is null`);
  return value;
}

function numberField(
  ext: ExtFields,
  name: string,
  parse: (text: string) => number | undefined,
): number | undefined {
  const value = ext[name];
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : parse(String(value));
  if (n === undefined || !Number.isSafeInteger(n)) throw new HeaderError(`bad number in <${name}>: ${value}`);
  return n;
}
