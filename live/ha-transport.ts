// Master/slave replication on real sockets, in HA's own framing (core/broker/ha/ha-frame.ts), as
// 4.9's HAClient and HAConnection talk on the master's HA port (listenPort + 1). The broker's HA
// parts speak HaMessages; this turns them into connections and bytes and back:
// - slave side: `ha.connect` (session s) opens a connection to the master's HA address, `ha.report`
//   writes the 8-byte offset on session s's connection, `ha.close` closes it; what the master
//   writes there comes back as `ha.transfer` of session s from the HA address;
// - master side: an accepted connection is `ha.connect` from its remote address (its channel id
//   as the session), each 8 bytes read is an `ha.report`; `ha.transfer` to that address writes
//   [offset][size][bytes] on it.
// A connection that breaks is reported as a disconnect of its peer address.
import net from 'node:net';
import type { ChannelId } from '../core/env.ts';
import { encodeReport, encodeTransfer, ReportDecoder, TransferDecoder } from '../core/broker/ha/ha-frame.ts';
import type { HaMessage } from '../core/broker/ha/ha-protocol.ts';
import { listen, remoteKey, splitAddress, type Endpoint } from './sockets.ts';

type Deliver = (from: string, body: HaMessage, channel: ChannelId) => void;

interface HaSocket {
  readonly socket: net.Socket;
  readonly channel: ChannelId;
  readonly peer: string;
}

export class HaTransport {
  /** The slave's connections to its master, by session. */
  private readonly sessions = new Map<number, HaSocket>();
  /** The master's connections from its slaves, by remote address. */
  private readonly slaves = new Map<string, HaSocket>();
  private closed = false;

  constructor(
    private readonly nextChannel: () => ChannelId,
    private readonly deliver: Deliver,
    private readonly disconnected: (peer: string, channel: ChannelId) => void,
  ) {}

  async listen(at: Endpoint): Promise<net.Server> {
    const server = net.createServer((socket) => this.accept(socket));
    await listen(server, at);
    return server;
  }

  send(to: string, message: HaMessage): void {
    if (this.closed) return;
    switch (message.type) {
      case 'ha.connect':
        return this.connect(to, message.session);
      case 'ha.report':
        this.sessions.get(message.session)?.socket.write(encodeReport(message.maxOffset));
        return;
      case 'ha.close': {
        const s = this.sessions.get(message.session);
        this.sessions.delete(message.session);
        s?.socket.destroy();
        return;
      }
      case 'ha.transfer':
        this.slaves.get(to)?.socket.write(encodeTransfer(message.offset, message.data));
        return;
    }
  }

  close(): void {
    this.closed = true;
    for (const s of [...this.sessions.values(), ...this.slaves.values()]) s.socket.destroy();
    this.sessions.clear();
    this.slaves.clear();
  }

  private connect(to: string, session: number): void {
    const [host, port] = splitAddress(to);
    const socket = net.connect({ host, port });
    const ha: HaSocket = { socket, channel: this.nextChannel(), peer: to };
    this.sessions.set(session, ha);
    const decoder = new TransferDecoder();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const { offset, data } of decoder.push(chunk)) {
          this.deliver(to, { type: 'ha.transfer', session, offset, data }, ha.channel);
        }
      } catch {
        socket.destroy();
      }
    });
    this.watch(ha, () => {
      if (this.sessions.get(session) === ha) this.sessions.delete(session);
    });
  }

  private accept(socket: net.Socket): void {
    const peer = remoteKey(socket);
    const ha: HaSocket = { socket, channel: this.nextChannel(), peer };
    this.slaves.get(peer)?.socket.destroy();
    this.slaves.set(peer, ha);
    const decoder = new ReportDecoder();
    socket.setNoDelay(true);
    this.deliver(peer, { type: 'ha.connect', session: ha.channel }, ha.channel);
    socket.on('data', (chunk: Buffer) => {
      for (const maxOffset of decoder.push(chunk)) {
        this.deliver(peer, { type: 'ha.report', session: ha.channel, maxOffset }, ha.channel);
      }
    });
    this.watch(ha, () => {
      if (this.slaves.get(peer) === ha) this.slaves.delete(peer);
    });
  }

  private watch(ha: HaSocket, forget: () => void): void {
    ha.socket.on('error', () => ha.socket.destroy());
    ha.socket.on('close', () => {
      forget();
      if (!this.closed) this.disconnected(ha.peer, ha.channel);
    });
  }
}
