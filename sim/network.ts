// The network between nodes, shaped like RocketMQ's Netty channels over TCP.
// Models:
// - one connection per pair of addresses, opened on first send and FIFO in each direction;
// - latency per packet from a distribution; "loss" is TCP's: a lost segment is retransmitted
//   after a retransmission timeout, so it arrives late and in order, never out of order;
// - partitions (symmetric or one-way) and isolation: a packet that meets one is dropped and its
//   connection dies silently, so callers see request timeouts, never a silent hang;
// - a process kill or clean shutdown: the OS closes its connections, so what it had sent still
//   arrives, then the close (FIN), after which peers learn through onDisconnect and their
//   outstanding requests fail with 'closed'; a packet for a dead process is answered with a reset;
//   a packet to a machine with no listening process is refused;
// - a power loss: nothing more arrives from the machine, not even what was in flight (a
//   simplification: real packets already on the wire would land); peers find out by timeouts;
// - a reset fault: one connection breaks and both ends are told.
// - with `frames`, every RemotingCommand is carried as RocketMQ's frame: encoded to bytes when
//   sent and decoded from them (a response against the request it answers), so the receiver gets
//   what a real connection would hand it (header fields as text) and the codec runs under every
//   fault; off by default (objects by reference), as it costs time (README, Performance).
// Not modelled: bandwidth and congestion, duplicated packets (TCP removes them), half-open
// connections that survive a heal (a connection that met a partition is gone), keepalives,
// connect timeouts distinct from request timeouts, or bodies' sizes on the wire.
import { z } from 'zod';
import type { ChannelId, NetError, Reply, ResponseCallback } from '../core/env.ts';
import type { RequestInfo } from '../core/protocol/command-bodies.ts';
import { isRemotingCommand } from '../core/protocol/remoting-command.ts';
import { decodeCommand, encodeCommand, RMQSIM_VERSION } from '../core/protocol/wire-codec.ts';
import type { ProcessContext } from './process-context.ts';
import type { SeededRng } from './rng.ts';
import { ScheduledTask, type Scheduler } from './scheduler.ts';
import type { Trace } from './trace.ts';

/** The longest a packet may take, or a retransmission wait: a minute is already a dead link. */
const MAX_LATENCY_MS = 60_000;
const nonNegative = z.number().nonnegative().max(MAX_LATENCY_MS);
const latencySchema = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), ms: nonNegative }),
  z.strictObject({ dist: z.literal('uniform'), minMs: nonNegative, maxMs: nonNegative }),
  z.strictObject({
    dist: z.literal('exponential'),
    minMs: nonNegative.default(0),
    meanMs: z.number().positive().max(MAX_LATENCY_MS),
  }),
]);

export const networkConfigSchema = z
  .strictObject({
    latency: latencySchema.default({ dist: 'uniform', minMs: 0.2, maxMs: 2 }),
    /** Chance that a packet is lost once and retransmitted (and again, geometrically). */
    lossProbability: z.number().min(0).max(0.9).default(0),
    retransmitTimeoutMs: z.number().positive().max(MAX_LATENCY_MS).default(200),
    /** Carry RemotingCommands as frames (encode, bytes, decode) instead of objects. */
    frames: z.boolean().default(false),
  })
  .superRefine((config, ctx) => {
    const l = config.latency;
    if (l.dist === 'uniform' && l.minMs > l.maxMs) {
      ctx.addIssue({ code: 'custom', path: ['latency', 'maxMs'], message: 'maxMs must be >= minMs' });
    }
  });
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

export type ServeHandler = (
  from: string,
  body: unknown,
  reply: Reply | undefined,
  channel: ChannelId,
) => void;
export type DisconnectHandler = (peer: string, channel: ChannelId) => void;

/**
 * Sees traffic as the world does, for checkers that judge a moment (what the disks held when an
 * answer left). Passive: it must not schedule, draw randomness or trace, so hashes do not change.
 */
export interface WireObserver {
  /** A process put a request on the wire to `to` (whatever then becomes of it). */
  requested?(from: string, to: string, body: unknown): void;
  /** `server` answered `request` with `response`: the moment the answer leaves it. */
  answered?(server: string, client: string, request: unknown, response: unknown): void;
  /** A request or one-way reached the live process at `to`, incarnation `incarnation`. */
  delivered?(from: string, to: string, body: unknown, incarnation: number): void;
}

interface Endpoint {
  readonly ctx: ProcessContext;
  serve?: ServeHandler;
  readonly disconnectHandlers: DisconnectHandler[];
}

interface Connection {
  readonly id: ChannelId;
  readonly ends: readonly [string, string];
  /** Incarnation of each end when the connection opened; -1: nobody was listening. */
  readonly incarnations: readonly [number, number];
  alive: boolean;
  /** Last scheduled delivery per direction (0: ends[0] to ends[1]), which keeps FIFO. */
  readonly lastDelivery: [number, number];
  /** The map key of the connection's pair of addresses, made once. */
  readonly key: string;
  /** Its requests awaiting an answer, oldest first (a list through the requests themselves). */
  head: PendingRequest | undefined;
  tail: PendingRequest | undefined;
}

/**
 * A request awaiting its response: also its own timeout event, the server's Reply, and what its
 * answer carries back (no table of requests by id), so a round trip makes this object alone
 * (its two packets are reused).
 */
class PendingRequest extends ScheduledTask implements Reply {
  /** Settled: answered, timed out or failed; later answers are dropped. */
  settled = false;
  replied = false;
  /** The request as the server received it (what its answer is read against). */
  asked: unknown = undefined;
  prev: PendingRequest | undefined = undefined;
  next: PendingRequest | undefined = undefined;

  constructor(
    private readonly network: SimNetwork,
    readonly id: number,
    readonly ctx: ProcessContext,
    readonly conn: Connection,
    /** The server's address. */
    readonly to: string,
    readonly callback: ResponseCallback,
  ) {
    super();
  }

  fire(): void {
    this.network.timedOut(this);
  }

  answer(body: unknown): void {
    this.network.answer(this, body);
  }
}

/** 'fin': the sender's process closed the connection; nothing follows it. */
type PacketKind = 'request' | 'oneway' | 'response' | 'fin';

/** The trace event of each kind's delivery, made once. */
const DELIVERED = { request: 'net.request', oneway: 'net.oneway', response: 'net.response', fin: 'net.fin' };

/**
 * A packet on its way: its own delivery event. Packets are reused: once delivered (or dropped),
 * a packet goes back to its network's free list, so the network makes none in a steady state.
 */
class Packet extends ScheduledTask {
  conn: Connection | undefined = undefined;
  from = '';
  to = '';
  kind: PacketKind = 'fin';
  /** The request, for a request or a response. */
  request: PendingRequest | undefined = undefined;
  body: unknown = undefined;
  /** A response's request (code and fields), which a frame's body is read against. */
  answering: RequestInfo | undefined = undefined;

  constructor(private readonly network: SimNetwork) {
    super();
  }

  fire(): void {
    this.network.deliver(this);
    this.network.release(this);
  }
}

/** The fields of a delivery's trace record, filled in place: the trace reads them at once. */
const deliveryFields: { from: string; label: string | number | null } = { from: '', label: null };

const MAX_RETRANSMISSIONS = 8;

let framesByDefault = false;

/**
 * Puts every network of this process on frames, whatever its config says: for a test run of the
 * whole suite over frames (RMQSIM_FRAMES=1 npm test, set up in properties/fc-setup.ts).
 */
export function carryFramesByDefault(on: boolean): void {
  framesByDefault = on;
}

export class SimNetwork {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly machines = new Set<string>();
  private readonly powered = new Set<string>();
  /** The live connections by pair key, in the order they opened (peers are told in that order). */
  private readonly connections = new Map<string, Connection>();
  /** The same connections by lower address, then higher: found with no key made a packet. */
  private readonly byPair = new Map<string, Map<string, Connection>>();
  private readonly freePackets: Packet[] = [];
  /** Blocked directions: the receivers each sender may not reach, looked up with no key made. */
  private readonly blocked = new Map<string, Set<string>>();
  private requestIds = 0;
  private connectionIds = 0;
  private observer: WireObserver | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: SeededRng,
    private readonly config: NetworkConfig,
    private readonly trace: Trace,
  ) {}

  // --- lifecycle, driven by the nodes -------------------------------------------------------

  addMachine(address: string): void {
    if (this.machines.has(address)) throw new Error(`address ${address} is taken`);
    this.machines.add(address);
    this.powered.add(address);
  }

  /** A process incarnation starts listening on its machine's address. */
  attach(ctx: ProcessContext): void {
    if (!this.machines.has(ctx.address)) throw new Error(`unknown machine ${ctx.address}`);
    this.powered.add(ctx.address);
    this.endpoints.set(ctx.address, { ctx, disconnectHandlers: [] });
  }

  /** The process on `address` died: by a kill (peers are reset) or a power loss (silence). */
  detach(address: string, how: 'kill' | 'power-off'): void {
    this.endpoints.delete(address);
    if (how === 'power-off') this.powered.delete(address);
    for (const conn of this.connectionsOf(address)) {
      if (how === 'kill')
        this.send(conn, address, peerOf(conn, address), 'fin', undefined, undefined, undefined);
      else this.breakSilently(conn);
    }
  }

  serve(ctx: ProcessContext, handler: ServeHandler): void {
    this.endpointOf(ctx).serve = handler;
  }

  onDisconnect(ctx: ProcessContext, handler: DisconnectHandler): void {
    this.endpointOf(ctx).disconnectHandlers.push(handler);
  }

  /** Installs the one observer (scenarios/ installs the answer witness). */
  observe(observer: WireObserver): void {
    this.observer = observer;
  }

  // --- sending ------------------------------------------------------------------------------

  request(
    ctx: ProcessContext,
    to: string,
    body: unknown,
    timeoutWorldMs: number,
    callback: ResponseCallback,
  ): void {
    const id = ++this.requestIds;
    const conn = this.connectionFor(ctx.address, to);
    const request = new PendingRequest(this, id, ctx, conn, to, callback);
    this.scheduler.scheduleTask(timeoutWorldMs, request);
    request.prev = conn.tail;
    if (conn.tail === undefined) conn.head = request;
    else conn.tail.next = request;
    conn.tail = request;
    this.observer?.requested?.(ctx.address, to, body);
    this.send(conn, ctx.address, to, 'request', request, body, undefined);
  }

  oneway(ctx: ProcessContext, to: string, body: unknown): void {
    this.send(this.connectionFor(ctx.address, to), ctx.address, to, 'oneway', undefined, body, undefined);
  }

  /** A request's timeout event fired. */
  timedOut(request: PendingRequest): void {
    this.complete(request, undefined, 'timeout');
  }

  // --- faults -------------------------------------------------------------------------------

  /** Blocks packets from every address in `from` to every one in `to` (and back unless oneWay). */
  partition(from: readonly string[], to: readonly string[], oneWay: boolean): void {
    for (const a of from) {
      for (const b of to) {
        if (a === b) continue;
        this.block(a, b);
        if (!oneWay) this.block(b, a);
      }
    }
  }

  isolate(address: string): void {
    this.partition([address], [...this.machines], false);
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Breaks the connection between a and b at once; both ends are told. */
  reset(a: string, b: string): void {
    const conn = this.connectionBetween(a, b);
    if (conn === undefined || !conn.alive) return;
    this.breakSilently(conn);
    this.failPending(conn, 'closed');
    this.notifyDisconnect(a, b, conn);
    this.notifyDisconnect(b, a, conn);
  }

  isBlocked(from: string, to: string): boolean {
    // Every packet asks, twice (when sent and when delivered).
    return this.blocked.size > 0 && this.blocked.get(from)?.has(to) === true;
  }

  private block(from: string, to: string): void {
    let receivers = this.blocked.get(from);
    if (receivers === undefined) this.blocked.set(from, (receivers = new Set()));
    receivers.add(to);
  }

  // --- internals ----------------------------------------------------------------------------

  private endpointOf(ctx: ProcessContext): Endpoint {
    const endpoint = this.endpoints.get(ctx.address);
    if (endpoint === undefined || endpoint.ctx.incarnation !== ctx.incarnation) {
      throw new Error(`${ctx.address} incarnation ${ctx.incarnation} is not attached`);
    }
    return endpoint;
  }

  private incarnationAt(address: string): number {
    return this.endpoints.get(address)?.ctx.incarnation ?? -1;
  }

  private connectionBetween(a: string, b: string): Connection | undefined {
    return a < b ? this.byPair.get(a)?.get(b) : this.byPair.get(b)?.get(a);
  }

  private connectionFor(from: string, to: string): Connection {
    const existing = this.connectionBetween(from, to);
    if (existing?.alive && existing.incarnations[endIndex(existing, from)] === this.incarnationAt(from)) {
      return existing;
    }
    const ends: [string, string] = from < to ? [from, to] : [to, from];
    const conn: Connection = {
      id: ++this.connectionIds,
      ends,
      incarnations: [this.incarnationAt(ends[0]), this.incarnationAt(ends[1])],
      alive: true,
      lastDelivery: [0, 0],
      key: `${ends[0]}|${ends[1]}`,
      head: undefined,
      tail: undefined,
    };
    this.connections.set(conn.key, conn);
    let byHigher = this.byPair.get(ends[0]);
    if (byHigher === undefined) this.byPair.set(ends[0], (byHigher = new Map()));
    byHigher.set(ends[1], conn);
    return conn;
  }

  private *connectionsOf(address: string): Iterable<Connection> {
    for (const conn of this.connections.values()) {
      if (conn.alive && (conn.ends[0] === address || conn.ends[1] === address)) yield conn;
    }
  }

  private send(
    conn: Connection,
    from: string,
    to: string,
    kind: PacketKind,
    request: PendingRequest | undefined,
    body: unknown,
    answering: RequestInfo | undefined,
  ): void {
    if (!conn.alive) return;
    if (this.isBlocked(from, to)) {
      this.breakSilently(conn);
      return;
    }
    const direction = endIndex(conn, from);
    const at = Math.max(this.scheduler.now + this.transitTime(), conn.lastDelivery[direction]);
    conn.lastDelivery[direction] = at;
    const packet = this.freePackets.pop() ?? new Packet(this);
    packet.conn = conn;
    packet.from = from;
    packet.to = to;
    packet.kind = kind;
    packet.request = request;
    packet.body = body;
    packet.answering = answering;
    this.overTheWire(packet);
    this.scheduler.scheduleTaskAt(at, packet);
  }

  /** A packet's delivery ran: it holds nothing more and is free for the next send. */
  release(packet: Packet): void {
    packet.conn = undefined;
    packet.request = undefined;
    packet.body = undefined;
    packet.answering = undefined;
    this.freePackets.push(packet);
  }

  private transitTime(): number {
    const l = this.config.latency;
    let ms =
      l.dist === 'constant'
        ? l.ms
        : l.dist === 'uniform'
          ? this.rng.between(l.minMs, l.maxMs)
          : l.minMs + this.rng.exponential(l.meanMs);
    let rto = this.config.retransmitTimeoutMs;
    for (let i = 0; i < MAX_RETRANSMISSIONS && this.rng.chance(this.config.lossProbability); i++) {
      ms += rto;
      rto *= 2;
    }
    return ms;
  }

  /** A packet's delivery event fired. */
  deliver(packet: Packet): void {
    const { from, to, body } = packet;
    const conn = packet.conn!;
    if (!conn.alive) return;
    if (this.isBlocked(from, to)) {
      this.breakSilently(conn);
      return;
    }
    const endpoint = this.endpoints.get(to);
    if (endpoint === undefined || endpoint.ctx.incarnation !== conn.incarnations[endIndex(conn, to)]) {
      this.refuse(conn, from, to);
      return;
    }
    if (packet.kind === 'fin') {
      this.breakSilently(conn);
      this.failPending(conn, 'closed');
      this.notifyDisconnect(to, from, conn);
      return;
    }
    deliveryFields.from = from;
    deliveryFields.label = labelOf(body);
    this.trace.recordTransient(this.scheduler.now, to, DELIVERED[packet.kind], deliveryFields);
    const request = packet.request;
    if (packet.kind === 'response') {
      this.complete(request!, body, undefined);
      return;
    }
    this.observer?.delivered?.(from, to, body, endpoint.ctx.incarnation);
    // A request is its own Reply; a one-way message has none.
    if (request !== undefined) request.asked = body;
    if (endpoint.ctx.runsNow()) endpoint.serve?.(from, body, request, conn.id);
    else postServe(endpoint, from, body, request, conn.id);
  }

  /** The server's reply to `request` (PendingRequest.answer). */
  answer(request: PendingRequest, body: unknown): void {
    const server = request.to;
    const client = request.ctx.address;
    if (request.replied) throw new Error(`request ${request.id} from ${client} answered twice by ${server}`);
    request.replied = true;
    const asked = request.asked;
    const answering =
      this.carriesFrames() && isRemotingCommand(asked)
        ? {
            code: asked.code,
            version: RMQSIM_VERSION,
            ...(asked.extFields && { extFields: asked.extFields }),
          }
        : undefined;
    this.observer?.answered?.(server, client, asked, body);
    this.send(request.conn, server, client, 'response', request, body, answering);
  }

  private carriesFrames(): boolean {
    return this.config.frames || framesByDefault;
  }

  /** With `frames`, the packet's command becomes what the receiver decodes from its frame's bytes. */
  private overTheWire(packet: Packet): void {
    if (!this.carriesFrames() || packet.kind === 'fin' || !isRemotingCommand(packet.body)) return;
    const opaque = packet.kind === 'oneway' ? 0 : packet.request!.id;
    const answering = packet.kind === 'response' ? packet.answering : undefined;
    const bytes = encodeCommand(packet.body, { kind: packet.kind, opaque, ...(answering && { answering }) });
    packet.body = decodeCommand(bytes.subarray(4), answering);
  }

  /** Nobody (or a newer process) listens at `to`: a live machine resets, a dead one is silent. */
  private refuse(conn: Connection, from: string, to: string): void {
    if (!this.powered.has(to)) {
      this.breakSilently(conn);
      return;
    }
    const error = conn.incarnations[endIndex(conn, to)] === -1 ? 'refused' : 'closed';
    this.breakSilently(conn);
    this.scheduler.schedule(this.transitTime(), () => {
      this.failPending(conn, error);
      this.notifyDisconnect(from, to, conn);
    });
  }

  private breakSilently(conn: Connection): void {
    conn.alive = false;
    if (this.connections.get(conn.key) !== conn) return;
    this.connections.delete(conn.key);
    this.byPair.get(conn.ends[0])!.delete(conn.ends[1]);
  }

  private failPending(conn: Connection, error: 'closed' | 'refused'): void {
    const requests: PendingRequest[] = [];
    for (let r = conn.head; r !== undefined; r = r.next) requests.push(r);
    for (const request of requests) this.complete(request, undefined, error);
  }

  private notifyDisconnect(at: string, peer: string, conn: Connection): void {
    const endpoint = this.endpoints.get(at);
    if (endpoint === undefined || endpoint.ctx.incarnation !== conn.incarnations[endIndex(conn, at)]) return;
    this.trace.record(this.scheduler.now, at, 'net.disconnect', { peer, channel: conn.id });
    for (const handler of endpoint.disconnectHandlers) endpoint.ctx.post(() => handler(peer, conn.id));
  }

  /** Settles `request` once; a dead requester's callback is dropped by its context. */
  private complete(request: PendingRequest, body: unknown, error: NetError | undefined): void {
    if (request.settled) return;
    request.settled = true;
    const conn = request.conn;
    if (request.prev === undefined) conn.head = request.next;
    else request.prev.next = request.next;
    if (request.next === undefined) conn.tail = request.prev;
    else request.next.prev = request.prev;
    this.scheduler.cancel(request);
    if (request.ctx.runsNow()) request.callback.operationComplete(body, error);
    else postCompletion(request, body, error);
  }
}

// The closures for a process that does not run now (paused) are made in functions of their own:
// a variable a closure captures lives in a context made each time its function is entered, so
// in deliver or complete every packet would pay for it.

function postServe(
  endpoint: Endpoint,
  from: string,
  body: unknown,
  reply: Reply | undefined,
  channel: ChannelId,
): void {
  endpoint.ctx.post(() => endpoint.serve?.(from, body, reply, channel));
}

function postCompletion(request: PendingRequest, body: unknown, error: NetError | undefined): void {
  request.ctx.post(() => request.callback.operationComplete(body, error));
}

function endIndex(conn: Connection, address: string): 0 | 1 {
  return conn.ends[0] === address ? 0 : 1;
}

function peerOf(conn: Connection, address: string): string {
  return conn.ends[1 - endIndex(conn, address)]!;
}

/** A short name for a body in the trace: its `type` or `code` field when it has one. */
function labelOf(body: unknown): string | number | null {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' ? body : null;
  const record = body as { type?: unknown; code?: unknown };
  const label = record.type ?? record.code;
  return typeof label === 'string' || typeof label === 'number' ? label : null;
}
