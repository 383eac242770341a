// Network endpoints as stored in CommitLog records (bornHost, storeHost) and message ids.
// Simplification: IPv4 only, since every simulated address is "a.b.c.d:port"; RocketMQ's IPv6
// forms (16-byte address, sysFlag bits 4 and 5) are not modelled.

/** An IPv4 endpoint; `ip` is dotted-quad text so traces and reports read naturally. */
export interface Host {
  readonly ip: string;
  readonly port: number;
}

/** Parses "a.b.c.d:port", the form of every simulated address. */
export function parseHost(address: string): Host {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(address);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const port = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || port > 65535) {
    throw new RangeError(`not an IPv4 address with a port: ${JSON.stringify(address)}`);
  }
  return { ip: octets.join('.'), port };
}

export function formatHost(host: Host): string {
  return `${host.ip}:${host.port}`;
}

/** Writes the 4 address bytes and the 4-byte port at `pos`, as a record and an offsetMsgId do. */
export function writeHost(view: DataView, pos: number, host: Host): void {
  const { ip, port } = parseHost(formatHost(host));
  const octets = ip.split('.');
  for (let i = 0; i < 4; i++) view.setUint8(pos + i, Number(octets[i]));
  view.setInt32(pos + 4, port);
}

export function readHost(view: DataView, pos: number): Host {
  const ip = [0, 1, 2, 3].map((i) => view.getUint8(pos + i)).join('.');
  return { ip, port: view.getInt32(pos + 4) };
}
