// The Net of a live process: TCP connections carrying RocketMQ's frames (core/protocol's codec),
// as NettyRemotingServer and NettyRemotingClient do.
// - A server listens on its port; a client listens on nothing. A request or one-way message to
//   an address goes on the connection that address already has (one this process opened to it,
//   or one the peer opened, keyed by its remote address: how a broker reaches a client, over the
//   client's own connection, as a Netty channel does), else on a new one.
// - A request gets the next opaque; its response is matched by it, decoded against the request,
//   and a request not answered in time fails with `timeout`; a connection that breaks fails its
//   requests with `closed` (`refused` if it never connected) and is reported to onDisconnect.
// - Incoming requests go to serve()'s handler with a reply that answers with the same opaque and
//   serialize type. A handler that throws answers SYSTEM_ERROR (as NettyRemotingAbstract does);
//   bytes that are not frames close the connection (as NettyDecoder does).
// - HA traffic (isHaMessage) goes to the HaTransport, on the HA port in HA's own framing.
// Not modelled: connect timeouts apart from request timeouts, flow control (writes are buffered).
import net from 'node:net';
import type { ChannelId, Net, NetError, Reply, ResponseCallback } from '../core/env.ts';
import { isHaMessage, type HaMessage } from '../core/broker/ha/ha-protocol.ts';
import type { RequestInfo } from '../core/protocol/command-bodies.ts';
import { isRemotingCommand, response, type RemotingCommand } from '../core/protocol/remoting-command.ts';
import { FrameDecoder, FrameError, type Frame } from '../core/protocol/remoting-frame.ts';
import { ResponseCode } from '../core/protocol/response-code.ts';
import { encodeCommand, frameToCommand, kindOf } from '../core/protocol/wire-codec.ts';
import { HaTransport } from './ha-transport.ts';
import { listen, remoteKey, splitAddress, type Endpoint } from './sockets.ts';

type ServeHandler = (from: string, body: unknown, reply: Reply | undefined, channel: ChannelId) => void;
type DisconnectHandler = (peer: string, channel: ChannelId) => void;

interface Connection {
  readonly id: ChannelId;
  readonly key: string;
  readonly socket: net.Socket;
  readonly decoder: FrameDecoder;
  connected: boolean;
  readonly pending: Set<number>;
}

interface Pending {
  readonly conn: Connection;
  readonly answering: RequestInfo;
  readonly timer: NodeJS.Timeout;
  readonly callback: ResponseCallback;
}

export class TcpNet implements Net {
  private handler: ServeHandler | undefined;
  private readonly disconnectHandlers: DisconnectHandler[] = [];
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<number, Pending>();
  private readonly servers: net.Server[] = [];
  private nextOpaque = 0;
  private nextChannel = 1;
  private closed = false;
  readonly ha: HaTransport;

  constructor() {
    this.ha = new HaTransport(
      () => this.nextChannel++,
      (from, body, channel) => this.handler?.(from, body, undefined, channel),
      (peer, channel) => this.disconnected(peer, channel),
    );
  }

  /** Accepts RemotingCommand connections on `at`. */
  async listen(at: Endpoint): Promise<void> {
    const server = net.createServer((socket) => this.adopt(socket, remoteKey(socket), true));
    await listen(server, at);
    this.servers.push(server);
  }

  /** Accepts a master's HA connections on `at` (listenPort + 1). */
  async listenHa(at: Endpoint): Promise<void> {
    this.servers.push(await this.ha.listen(at));
  }

  serve(handler: ServeHandler): void {
    this.handler = handler;
  }

  onDisconnect(handler: DisconnectHandler): void {
    this.disconnectHandlers.push(handler);
  }

  request(to: string, body: unknown, timeoutMs: number, callback: ResponseCallback): void {
    if (!isRemotingCommand(body)) throw new TypeError('a request is a RemotingCommand');
    const conn = this.connectionTo(to);
    if (conn === undefined) return void setImmediate(() => callback.operationComplete(undefined, 'closed'));
    const opaque = this.nextOpaque++;
    const timer = setTimeout(() => this.settle(opaque, undefined, 'timeout'), Math.max(0, timeoutMs));
    const answering = { code: body.code, version: 0, ...(body.extFields && { extFields: body.extFields }) };
    this.pending.set(opaque, { conn, answering, timer, callback });
    conn.pending.add(opaque);
    conn.socket.write(encodeCommand(body, { kind: 'request', opaque }));
  }

  oneway(to: string, body: unknown): void {
    if (isHaMessage(body)) return this.ha.send(to, body as HaMessage);
    if (!isRemotingCommand(body)) throw new TypeError('a one-way message is a RemotingCommand');
    this.connectionTo(to)?.socket.write(encodeCommand(body, { kind: 'oneway', opaque: this.nextOpaque++ }));
  }

  /** Closes every connection and listener; no callback runs after this. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const conn of this.connections.values()) conn.socket.destroy();
    this.connections.clear();
    this.ha.close();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  private connectionTo(to: string): Connection | undefined {
    if (this.closed) return undefined;
    const existing = this.connections.get(to);
    if (existing !== undefined) return existing;
    const [host, port] = splitAddress(to);
    return this.adopt(net.connect({ host, port }), to, false);
  }

  private adopt(socket: net.Socket, key: string, inbound: boolean): Connection {
    const conn: Connection = {
      id: this.nextChannel++,
      key,
      socket,
      decoder: new FrameDecoder(),
      connected: inbound,
      pending: new Set(),
    };
    this.connections.set(key, conn);
    socket.setNoDelay(true);
    socket.on('connect', () => (conn.connected = true));
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.drop(conn));
    return conn;
  }

  private receive(conn: Connection, chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = conn.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      conn.socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (kindOf(frame) === 'response') this.answered(frame);
      else this.dispatch(conn, frame);
    }
  }

  private answered(frame: Frame): void {
    const p = this.pending.get(frame.opaque);
    if (p === undefined) return;
    this.settle(frame.opaque, frameToCommand(frame, p.answering), undefined);
  }

  private dispatch(conn: Connection, frame: Frame): void {
    const command = frameToCommand(frame);
    const oneway = kindOf(frame) === 'oneway';
    const answering = {
      code: frame.code,
      version: frame.version,
      ...(frame.extFields && { extFields: frame.extFields }),
    };
    const reply: Reply | undefined = oneway
      ? undefined
      : {
          answer: (body) => {
            if (conn.socket.destroyed) return;
            const answer = body as RemotingCommand;
            const options = {
              kind: 'response',
              opaque: frame.opaque,
              serializeType: frame.serializeType,
              answering,
            } as const;
            conn.socket.write(encodeCommand(answer, options));
          },
        };
    try {
      this.handler?.(conn.key, command, reply, conn.id);
    } catch (error) {
      console.error(`rmqsim: request ${frame.code} from ${conn.key} failed:`, error);
      reply?.answer(
        response(ResponseCode.SYSTEM_ERROR, error instanceof Error ? error.message : String(error)),
      );
    }
  }

  private settle(opaque: number, body: unknown, error: NetError | undefined): void {
    const p = this.pending.get(opaque);
    if (p === undefined) return;
    this.pending.delete(opaque);
    p.conn.pending.delete(opaque);
    clearTimeout(p.timer);
    p.callback.operationComplete(body, error);
  }

  private drop(conn: Connection): void {
    if (this.connections.get(conn.key) === conn) this.connections.delete(conn.key);
    const error: NetError = conn.connected ? 'closed' : 'refused';
    for (const opaque of [...conn.pending]) this.settle(opaque, undefined, error);
    if (!this.closed) this.disconnected(conn.key, conn.id);
  }

  private disconnected(peer: string, channel: ChannelId): void {
    for (const handler of this.disconnectHandlers) handler(peer, channel);
  }
}
