// The UTF-8 bytes of a config file's JSON text, written piece by piece into one reused buffer, for
// a table the broker rewrites every few seconds (consumerOffset.json every 5 s): building the text
// as objects, then JSON.stringify, then TextEncoder made about 4 KB of garbage a file of 300 bytes.
// Each piece is written as JSON.stringify would write it, so the writer's callers give the same
// text as the JSON.stringify(table, null, '\t') they replace (a property test checks it).
import { decodeUtf8, withRoom, writeUtf8 } from '../message/bytes.ts';

export class JsonBytes {
  private bytes = new Uint8Array(1_024);
  private length = 0;

  /** Starts a new text. */
  reset(): void {
    this.length = 0;
  }

  /** Text that JSON writes as it is (punctuation, indentation): ASCII, no escapes. */
  raw(text: string): void {
    this.room(text.length);
    const bytes = this.bytes;
    let n = this.length;
    for (let i = 0; i < text.length; i++) bytes[n++] = text.charCodeAt(i);
    this.length = n;
  }

  /** A string as JSON.stringify writes it, quotes included. */
  string(text: string): void {
    const literal = plain(text) ? text : JSON.stringify(text).slice(1, -1);
    this.room(3 * literal.length + 2);
    this.bytes[this.length] = QUOTE;
    this.length = writeUtf8(literal, this.bytes, this.length + 1);
    this.bytes[this.length++] = QUOTE;
  }

  /** A number as JSON.stringify writes it (null if not finite). */
  number(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0)
      return this.raw(Number.isFinite(value) ? String(value) : 'null');
    this.room(16);
    const bytes = this.bytes;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let rest = value;
    for (let i = this.length + digits - 1; i >= this.length; i--) {
      bytes[i] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length += digits;
  }

  /**
   * A value as JSON.stringify(value, null, '\t') writes it `depth` levels deep: plain objects (own
   * keys in their order), arrays, strings, numbers, booleans and null piece by piece; anything
   * else (a toJSON, a boxed primitive, a class instance) as JSON.stringify's own text, indented.
   */
  value(value: unknown, depth: number): void {
    if (value === null) return this.raw('null');
    if (typeof value === 'string') return this.string(value);
    if (typeof value === 'number') return this.number(value);
    if (typeof value === 'boolean') return this.raw(value ? 'true' : 'false');
    if (Array.isArray(value)) return this.array(value, depth);
    const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    const plainObject = proto === Object.prototype || proto === null;
    if (!plainObject || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      const text = JSON.stringify(value, null, '\t') ?? 'null';
      return this.unquoted(depth === 0 ? text : text.replaceAll('\n', `\n${'\t'.repeat(depth)}`));
    }
    const record = value as Record<string, unknown>;
    let first = true;
    for (const key in record) {
      if (!Object.hasOwn(record, key) || !written(record[key])) continue;
      this.member(first, key, depth);
      first = false;
      this.value(record[key], depth + 1);
    }
    this.close(first, '}', depth);
  }

  /**
   * The object a map makes, as value() writes it: by Object.fromEntries, or (`assigned`) by
   * assigning each key, where `__proto__` sets the prototype instead; `project` gives each value.
   */
  entries<V>(
    map: ReadonlyMap<string, V>,
    depth: number,
    assigned: boolean,
    project: (key: string, value: V) => unknown = (_, value) => value,
  ): void {
    const toJSON = map.has('toJSON') && typeof project('toJSON', map.get('toJSON')!) === 'function';
    if (toJSON || (assigned && map.has('__proto__'))) {
      // JSON.stringify would call a toJSON member (the object's own, or one its assigned
      // prototype brings): make the object and write it as JSON.stringify does.
      const object: Record<string, unknown> = {};
      map.forEach((value, key) => {
        const projected = project(key, value);
        if (assigned) object[key] = projected;
        else Object.defineProperty(object, key, { value: projected, enumerable: true, writable: true });
      });
      return this.value(object, depth);
    }
    let first = true;
    for (const key of outOfObjectOrder(map) ?? map.keys()) {
      if (assigned && key === '__proto__') continue;
      const value = project(key, map.get(key)!);
      if (!written(value)) continue;
      this.member(first, key, depth);
      first = false;
      this.value(value, depth + 1);
    }
    this.close(first, '}', depth);
  }

  /**
   * A map of numbers keyed by numbers (queue ids, delay levels) as value() writes the object
   * Object.fromEntries makes of it: keys in an object's order, each as String(key).
   */
  numbers(map: ReadonlyMap<number, number>, depth: number): void {
    let first = true;
    for (const key of outOfObjectOrder(map) ?? map.keys()) {
      this.member(first, String(key), depth);
      first = false;
      this.number(map.get(key)!);
    }
    this.close(first, '}', depth);
  }

  /** The text's bytes, a copy (the buffer is reused by the next text). */
  copy(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** The text as a string. */
  text(): string {
    return decodeUtf8(this.bytes, 0, this.length);
  }

  private array(items: readonly unknown[], depth: number): void {
    for (let i = 0; i < items.length; i++) {
      this.raw(i === 0 ? '[\n' : ',\n');
      this.indent(depth + 1);
      const item = items[i];
      this.value(written(item) ? item : null, depth + 1);
    }
    this.close(items.length === 0, ']', depth);
  }

  /** A member's separator, indentation and key, then the colon. */
  private member(first: boolean, key: string, depth: number): void {
    this.raw(first ? '{\n' : ',\n');
    this.indent(depth + 1);
    this.string(key);
    this.raw(': ');
  }

  private close(empty: boolean, bracket: '}' | ']', depth: number): void {
    if (empty) return this.raw(bracket === '}' ? '{}' : '[]');
    this.raw('\n');
    this.indent(depth);
    this.raw(bracket);
  }

  private indent(depth: number): void {
    this.room(depth);
    this.bytes.fill(TAB, this.length, this.length + depth);
    this.length += depth;
  }

  private unquoted(text: string): void {
    this.room(3 * text.length);
    this.length = writeUtf8(text, this.bytes, this.length);
  }

  private room(n: number): void {
    this.bytes = withRoom(this.bytes, this.length + n);
  }
}

/** The one writer of the broker's config texts: each is written and copied or decoded at once. */
export const json = new JsonBytes();

const QUOTE = 0x22;
const TAB = 0x09;

/** Whether JSON writes a member with this value (undefined, functions and symbols are left out). */
function written(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** True if JSON.stringify writes `text` between quotes unchanged (no escapes, no lone surrogates). */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

const MAX_ARRAY_INDEX = 2 ** 32 - 2;

/** The key as an array index (an object lists those first, ascending), or -1. */
function arrayIndex(key: string | number): number {
  const n = typeof key === 'number' ? key : /^(?:0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
  return Number.isInteger(n) && n >= 0 && n <= MAX_ARRAY_INDEX ? n : -1;
}

/**
 * undefined if the map's keys are in the order an object made from it lists its properties (array
 * indices ascending, then the others as the map holds them); else the keys in that order.
 */
export function outOfObjectOrder<K extends string | number>(map: ReadonlyMap<K, unknown>): K[] | undefined {
  let last = -1;
  let named = false;
  for (const key of map.keys()) {
    const index = arrayIndex(key);
    if (index < 0) named = true;
    else if (named || index <= last) return [...map.keys()].sort((a, b) => rank(a) - rank(b) || 0);
    else last = index;
  }
  return undefined;
}

/** An array index's place, before every other key (Infinity - Infinity is NaN: equal, kept in order). */
function rank(key: string | number): number {
  const index = arrayIndex(key);
  return index < 0 ? Infinity : index;
}
