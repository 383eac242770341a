// The trace of a run: every delivered message, timer-driven state change, disk fault and nemesis
// action, in the order the scheduler ran them. A stable 64-bit hash over the records identifies
// the run (same seed and scenario, same hash). The hash is always on and cheap; the records
// themselves are kept only when a report or a replay asks for them.
// Fields must be JSON values (no bigint, no byte arrays): they are hashed as JSON text.

export interface TraceRecord {
  /** World time in ms. */
  readonly t: number;
  readonly node: string;
  readonly event: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

// Two FNV-1a lanes with different offsets give 64 bits without BigInt on the hot path.
const FNV_PRIME = 0x01000193;

export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;
  private count = 0;
  readonly records: TraceRecord[] = [];

  constructor(readonly keep: boolean) {}

  record(t: number, node: string, event: string, fields?: Record<string, unknown>): void {
    this.count++;
    this.mix(`${t}|${node}|${event}|${fields === undefined ? '' : JSON.stringify(fields)}\n`);
    if (this.keep) this.records.push(fields === undefined ? { t, node, event } : { t, node, event, fields });
  }

  get length(): number {
    return this.count;
  }

  /** 16 hex digits. */
  get hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  private mix(text: string): void {
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
