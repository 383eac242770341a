// Message ids. UNIQ_KEY is the client-side id a producer stamps on each message (RocketMQ's
// MessageClientIDSetter): 16 bytes as 32 upper-case hex chars, namely IPv4 4, pid 2 (low 16 bits),
// class-loader hash 4, ms since the start of the current month 4, counter 2. A resend keeps it.
// offsetMsgId is the broker-side id: store host IPv4 4 + port 4 + CommitLog offset 8.
// Also the civil calendar (UTC) both need, since core/ may not use Date.
// Simplifications: months start at 00:00 UTC (Java uses the JVM's time zone); IPv4 only.
import { fromHex, readInt64, setInt64, toHex, viewOf } from './bytes.ts';
import { readHost, writeHost, type Host } from './host.ts';

const MS_PER_DAY = 86_400_000;

export interface CivilTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Epoch ms to the proleptic Gregorian calendar in UTC (days-to-civil over 400-year eras). */
export function civilFromEpochMs(ms: number): CivilTime {
  const days = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  // Shift the epoch to 0000-03-01 so the leap day ends each 400-year era's years.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const leapDaysBefore =
    Math.floor(dayOfEra / 1460) - Math.floor(dayOfEra / 36_524) + Math.floor(dayOfEra / 146_096);
  const yearOfEra = Math.floor((dayOfEra - leapDaysBefore) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1,
    hour: Math.floor(inDay / 3_600_000),
    minute: Math.floor(inDay / 60_000) % 60,
    second: Math.floor(inDay / 1000) % 60,
    millisecond: inDay % 1000,
  };
}

/** Midnight UTC of a calendar day, as epoch ms; the inverse of civilFromEpochMs for whole days. */
export function epochMsFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return (era * 146_097 + dayOfEra - 719_468) * MS_PER_DAY;
}

/** The start of the month holding `ms`, and of the month after. */
export function monthBounds(ms: number): { start: number; next: number } {
  const { year, month } = civilFromEpochMs(ms);
  const next = month === 12 ? epochMsFromCivil(year + 1, 1, 1) : epochMsFromCivil(year, month + 1, 1);
  return { start: epochMsFromCivil(year, month, 1), next };
}

/** Scratch for the offset message ids made on every store; each is read into a string at once. */
const idBytes = new Uint8Array(16);
const idView = viewOf(idBytes);

/** Creates UNIQ_KEYs for one client process; deterministic given its clock. */
export class UniqKeyGenerator {
  /** The id's 16 bytes: the fixed 10 written once, time and counter rewritten by each next(). */
  private readonly bytes = new Uint8Array(16);
  private readonly view = viewOf(this.bytes);
  private counter = 0;
  private startTime = 0;
  private nextStartTime = 0;

  constructor(
    ip: string,
    pid: number,
    classLoaderHash: number,
    private readonly clock: () => number,
  ) {
    writeHost(this.view, 0, { ip, port: 0 });
    this.view.setUint16(4, pid & 0xffff);
    this.view.setInt32(6, classLoaderHash);
    this.resetMonth(clock());
  }

  next(): string {
    const now = this.clock();
    // Like Java, only a clock that reaches next month moves the base: after a backward jump
    // the time field goes negative and wraps in its 4 bytes.
    if (now >= this.nextStartTime) this.resetMonth(now);
    this.view.setInt32(10, (now - this.startTime) | 0);
    this.view.setUint16(14, this.counter);
    this.counter = (this.counter + 1) & 0xffff;
    // One string for the whole id: no subarray, and no prefix joined to it.
    return toHex(this.bytes);
  }

  private resetMonth(now: number): void {
    const { start, next } = monthBounds(now);
    this.startTime = start;
    this.nextStartTime = next;
  }
}

export interface UniqKeyParts {
  ip: string;
  pid: number;
  classLoaderHash: number;
  msSinceMonthStart: number;
  counter: number;
}

export function parseUniqKey(id: string): UniqKeyParts {
  const bytes = fixedLengthHex(id, 16);
  const view = viewOf(bytes);
  return {
    ip: readHost(bytes, 0).ip,
    pid: view.getUint16(4),
    classLoaderHash: view.getInt32(6),
    msSinceMonthStart: view.getInt32(10),
    counter: view.getUint16(14),
  };
}

export function encodeOffsetMsgId(storeHost: Host, commitLogOffset: number): string {
  writeHost(idView, 0, storeHost);
  setInt64(idView, 8, commitLogOffset);
  return toHex(idBytes);
}

export function decodeOffsetMsgId(id: string): { storeHost: Host; commitLogOffset: number } {
  const bytes = fixedLengthHex(id, 16);
  return { storeHost: readHost(bytes, 0), commitLogOffset: readInt64(bytes, 8) };
}

const OFFSET_MSG_ID = /^[0-9A-Fa-f]{32}$/;

/** The CommitLog offset an offsetMsgId carries (its last 8 bytes, signed), without its host. */
export function commitLogOffsetOf(id: string): number {
  if (!OFFSET_MSG_ID.test(id))
    throw new RangeError(`an offsetMsgId has 32 hex chars, got ${JSON.stringify(id)}`);
  return (Number.parseInt(id.slice(16, 24), 16) | 0) * 2 ** 32 + Number.parseInt(id.slice(24), 16);
}

function fixedLengthHex(id: string, byteLength: number): Uint8Array {
  if (id.length !== byteLength * 2) {
    throw new RangeError(`a message id has ${byteLength * 2} hex chars, got ${JSON.stringify(id)}`);
  }
  return fromHex(id);
}
