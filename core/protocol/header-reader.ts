// HeaderReader: a request's custom header (a CommandCustomHeader) read from its extFields as
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
import { parseJavaInt } from '../message/message.ts';
import type { ExtFields } from './remoting-command.ts';

/** Long.parseLong, within the integers a double holds exactly; undefined where Java throws. */
export function parseJavaLong(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Boolean.parseBoolean: only "true" (any case) is true. */
export function parseJavaBoolean(text: string): boolean {
  return text.toLowerCase() === 'true';
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

/** Reads typed custom-header fields from extFields as decodeCommandCustomHeader does. */
export class HeaderReader {
  constructor(private readonly ext: ExtFields = {}) {}

  string(name: string): string | undefined {
    const value = this.ext[name];
    return value === undefined ? undefined : String(value);
  }

  int(name: string): number | undefined {
    return this.number(name, (text) => parseJavaInt(text));
  }

  long(name: string): number | undefined {
    return this.number(name, parseJavaLong);
  }

  boolean(name: string): boolean | undefined {
    const value = this.ext[name];
    return value === undefined ? undefined : parseJavaBoolean(String(value));
  }

  /** A @CFNotNull field. */
  required<T>(name: string, read: (name: string) => T | undefined): T {
    const value = read.call(this, name);
    if (value === undefined) throw new HeaderError(`the custom field <${name}> is null`);
    return value;
  }

  private number(name: string, parse: (text: string) => number | undefined): number | undefined {
    const value = this.ext[name];
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : parse(String(value));
    if (n === undefined || !Number.isSafeInteger(n))
      throw new HeaderError(`bad number in <${name}>: ${value}`);
    return n;
  }
}
