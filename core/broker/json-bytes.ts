// The UTF-8 bytes of a config file's JSON text, written piece by piece into one reused buffer, for
// a table the broker rewrites every few seconds (consumerOffset.json every 5 s): building the text
// as objects, then JSON.stringify, then TextEncoder made about 4 KB of garbage a file of 300 bytes.
// Each piece is written as JSON.stringify would write it, so the writer's callers give the same
// text as the JSON.stringify(table, null, '\t') they replace (a property test checks it).
import { decodeUtf8, writeUtf8 } from '../message/bytes.ts';

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
    if (!Number.isSafeInteger(value) || value < 0) return this.raw(Number.isFinite(value) ? String(value) : 'null');
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

  /** The text's bytes, a copy (the buffer is reused by the next text). */
  copy(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** The text as a string. */
  text(): string {
    return decodeUtf8(this.bytes, 0, this.length);
  }

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

const QUOTE = 0x22;

/** True if JSON.stringify writes `text` between quotes unchanged (no escapes, no lone surrogates). */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
