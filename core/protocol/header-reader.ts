// HeaderReader: a request's custom header (a CommandCustomHeader) read from its extFields as
// RemotingCommand.decodeCommandCustomHeader does: every field is text on the wire, parsed to the
// field's Java type (Integer.parseInt, Long.parseLong, Boolean.parseBoolean); a @CFNotNull field
// that is absent, or a number that does not parse, is a RemotingCommandException (HeaderError).
// Simplification: a value that is already a number or boolean (the simulation's object path) is
// taken as it is.
import { parseJavaInt } from '../message/message.ts';
import type { ExtFields } from './remoting-command.ts';

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
    return this.number(name, (text) => (/^[+-]?\d+$/.test(text) ? Number(text) : undefined));
  }

  /** Boolean.parseBoolean: only "true" (any case) is true. */
  boolean(name: string): boolean | undefined {
    const value = this.ext[name];
    return value === undefined ? undefined : String(value).toLowerCase() === 'true';
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
