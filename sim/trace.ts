// The trace of a run: every delivered message, timer-driven state change, disk fault and nemesis
// action, in the order the scheduler ran them. A stable 64-bit hash over the records identifies
// the run (same seed and scenario, same hash). The hash is always on and cheap; the records
// themselves are kept only when asked for: all of them (for a report or a replay), or those a
// filter selects (what a history is built from: keeping a record costs more than hashing it).
// What is hashed, per record: the time and each number as its IEEE-754 bits (never as text:
// formatting a fractional time took most of a record's cost), node, event, and fields as
// JSON.stringify would write them, strings character by character. Flat fields (strings with no
// escapes, numbers, booleans, null) are mixed as they are read; anything else (nested values,
// strings that need escaping) is mixed as its JSON text. Fields must be JSON values (no bigint,
// no byte arrays).

export interface TraceRecord {
  /** World time in ms. */
  readonly t: number;
  readonly node: string;
  readonly event: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Which records a trace keeps: all of them, none, or those the filter accepts. */
export type TraceKeep = boolean | ((node: string, event: string) => boolean);

// Two FNV-1a lanes with different offsets give 64 bits without BigInt on the hot path.
const FNV_PRIME = 0x01000193;
const PIPE = 0x7c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
/** Precedes a number's bits, as a quote precedes a field's string. */
const NUMBER_TAG = 0x23;

const float = new Float64Array(1);
const floatWords = new Uint32Array(float.buffer);

export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;
  private count = 0;
  readonly records: TraceRecord[] = [];

  constructor(readonly keep: TraceKeep) {}

  record(t: number, node: string, event: string, fields?: Record<string, unknown>): void {
    this.mix(t, node, event, fields);
    const keep = this.keep === true || (this.keep !== false && this.keep(node, event));
    if (keep) this.records.push(fields === undefined ? { t, node, event } : { t, node, event, fields });
  }

  /**
   * record() for fields the caller fills in place and reuses: hashed as they are, copied only
   * when the record is kept.
   */
  recordTransient(t: number, node: string, event: string, fields: Record<string, unknown>): void {
    this.mix(t, node, event, fields);
    const keep = this.keep === true || (this.keep !== false && this.keep(node, event));
    if (keep) this.records.push({ t, node, event, fields: { ...fields } });
  }

  /** A timer fired on `node`: hashed as record(t, node, 'timer'); kept only when every record is. */
  timer(t: number, node: string): void {
    this.mix(t, node, 'timer', undefined);
    if (this.keep === true) this.records.push({ t, node, event: 'timer' });
  }

  get length(): number {
    return this.count;
  }

  /** 16 hex digits. */
  get hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  private mix(t: number, node: string, event: string, fields: Record<string, unknown> | undefined): void {
    this.count++;
    this.mixNumber(t);
    this.mixChar(PIPE);
    this.mixText(node);
    this.mixChar(PIPE);
    this.mixText(event);
    this.mixChar(PIPE);
    if (fields !== undefined && !this.mixFlatFields(fields)) this.mixText(JSON.stringify(fields));
    this.mixChar(NEWLINE);
  }

  /**
   * Mixes the fields as JSON.stringify(fields) would write them (numbers as their bits) if every
   * value is a string with no escapes, a number, a boolean, null or undefined (left out, as
   * JSON.stringify leaves it out); for anything else returns false, the hash as it was before.
   */
  private mixFlatFields(fields: Record<string, unknown>): boolean {
    const h1 = this.h1;
    const h2 = this.h2;
    if (this.mixFlatObject(fields)) return true;
    this.h1 = h1;
    this.h2 = h2;
    return false;
  }

  /** mixFlatFields' walk; on false the hash is half-mixed and the caller restores it. */
  private mixFlatObject(fields: Record<string, unknown>): boolean {
    this.mixChar(0x7b);
    let first = true;
    // for-in, not Object.keys: the same order for a plain object's own keys, with no array made.
    for (const key in fields) {
      if (!Object.hasOwn(fields, key)) continue;
      const value = fields[key];
      if (value === undefined) continue;
      if (!first) this.mixChar(COMMA);
      first = false;
      this.mixChar(QUOTE);
      if (!this.mixPlainText(key)) return false;
      this.mixChar(QUOTE);
      this.mixChar(COLON);
      if (typeof value === 'string') {
        this.mixChar(QUOTE);
        if (!this.mixPlainText(value)) return false;
        this.mixChar(QUOTE);
      } else if (typeof value === 'number') {
        this.mixNumber(value);
      } else if (typeof value === 'boolean' || value === null) {
        this.mixText(value === null ? 'null' : value ? 'true' : 'false');
      } else {
        return false;
      }
    }
    this.mixChar(0x7d);
    return true;
  }

  /** A tag, then the number's 64 bits in 16-bit pieces (as characters are mixed); JSON's null if not finite. */
  private mixNumber(value: number): void {
    if (!Number.isFinite(value)) return this.mixText('null');
    float[0] = value;
    const low = floatWords[0]!;
    const high = floatWords[1]!;
    this.mixChar(NUMBER_TAG);
    this.mixChar(low & 0xffff);
    this.mixChar(low >>> 16);
    this.mixChar(high & 0xffff);
    this.mixChar(high >>> 16);
  }

  private mixChar(c: number): void {
    const h1 = Math.imul(this.h1 ^ c, FNV_PRIME);
    this.h1 = h1;
    this.h2 = Math.imul(this.h2 ^ c, FNV_PRIME) ^ (h1 >>> 15);
  }

  /** Mixes `s` if JSON.stringify writes it as '"' + s + '"' (no escapes, no lone surrogates). */
  private mixPlainText(s: string): boolean {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === QUOTE || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
      h1 = Math.imul(h1 ^ c, FNV_PRIME);
      h2 = Math.imul(h2 ^ c, FNV_PRIME) ^ (h1 >>> 15);
    }
    this.h1 = h1;
    this.h2 = h2;
    return true;
  }

  private mixText(text: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, FNV_PRIME);
      h2 = Math.imul(h2 ^ c, FNV_PRIME) ^ (h1 >>> 15);
    }
    this.h1 = h1;
    this.h2 = h2;
  }
}
