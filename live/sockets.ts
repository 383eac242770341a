// Socket helpers of the live runtime: listening, and addresses as rmqsim writes them ("ip:port").
import type net from 'node:net';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** "ip:port" of a socket's peer, IPv4 as dotted quad. */
export function remoteKey(socket: net.Socket): string {
  return `${(socket.remoteAddress ?? '').replace(/^::ffff:/, '')}:${socket.remotePort ?? 0}`;
}

/** Listens on `at`; rejects with the error (EADDRINUSE, EACCES) if it cannot. */
export function listen(server: net.Server, at: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: at.host, port: at.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  return [host === 'localhost' ? '127.0.0.1' : host, Number(address.slice(at + 1))];
}
