// Network endpoints as stored in CommitLog records (bornHost, storeHost) and message ids.
// Simplification: IPv4 only, since every simulated address is "a.b.c.d:port"; RocketMQ's IPv6
// forms (16-byte address, sysFlag bits 4 and 5) are not modelled.
import { readInt32 } from './bytes.ts';

/** An IPv4 endpoint; `ip` is dotted-quad text so traces and reports read naturally. */
export interface Host {
  readonly ip: string;
  readonly port: number;
}

/**
 * Addresses parsed so far, and hosts read so far by their 8 bytes: a simulation has a few dozen
 * of each, met on every send and every record. Hosts are immutable, so one object serves all.
 */
const parsed = new Map<string, { host: Host; octets: readonly number[] }>();
const read = new Map<number, Map<number, Host>>();
/** The octets of each valid dotted quad parsed so far: writeHost's lookup, with no text made. */
const ipOctets = new Map<string, readonly number[]>();
const CACHE_LIMIT = 4_096;

function parse(address: string): { host: Host; octets: readonly number[] } {
  const known = parsed.get(address);
  if (known !== undefined) return known;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(address);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const port = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || port > 65535) {
    throw new RangeError(`not an IPv4 address with a port: ${JSON.stringify(address)}`);
  }
  const entry = { host: Object.freeze({ ip: octets.join('.'), port }), octets };
  if (parsed.size < CACHE_LIMIT) parsed.set(address, entry);
  if (ipOctets.size < CACHE_LIMIT) ipOctets.set(entry.host.ip, octets);
  return entry;
}

/** Parses "a.b.c.d:port", the form of every simulated address. */
export function parseHost(address: string): Host {
  return parse(address).host;
}

export function formatHost(host: Host): string {
  return `${host.ip}:${host.port}`;
}

/** Writes the 4 address bytes and the 4-byte port at `pos`, as a record and an offsetMsgId do. */
export function writeHost(view: DataView, pos: number, host: Host): void {
  const known = Number.isInteger(host.port) && host.port >= 0 && host.port <= 65535 && ipOctets.get(host.ip);
  const octets = known || parse(formatHost(host)).octets;
  for (let i = 0; i < 4; i++) view.setUint8(pos + i, octets[i]!);
  view.setInt32(pos + 4, host.port);
}

/** The host whose 8 bytes (address, port) are at `pos`, read off the bytes in place (no DataView). */
export function readHost(bytes: Uint8Array, pos: number): Host {
  const ip = readInt32(bytes, pos) >>> 0;
  const port = readInt32(bytes, pos + 4);
  let ports = read.get(ip);
  const known = ports?.get(port);
  if (known !== undefined) return known;
  const host = Object.freeze({ ip: [0, 1, 2, 3].map((i) => bytes[pos + i]!).join('.'), port });
  if (ports === undefined && read.size < CACHE_LIMIT) read.set(ip, (ports = new Map()));
  if (ports !== undefined && ports.size < CACHE_LIMIT) ports.set(port, host);
  return host;
}
