// All that a RocketMQ process (NameServer, broker, producer, consumer) may ask of the world.
// core/ is written once against this interface and sim/ implements it deterministically, so the
// code that is verified is the code that runs. A process is event-driven: each handler runs to
// completion on a message, a timer or a disk completion; there are no free-running Promises.
import { zeroPadded } from './message/bytes.ts';
import type { ProbeName } from './probes.ts';

export type TimerId = number;

/** A seeded random stream owned by one node or subsystem. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n); n must be a positive integer. */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

export type DiskErrorCode = 'ENOENT' | 'ENOSPC' | 'EIO';

export class DiskError extends Error {
  constructor(
    readonly code: DiskErrorCode,
    readonly path: string,
    detail: string,
  ) {
    super(`${code}: ${path}: ${detail}`);
    this.name = 'DiskError';
  }
}

/** Where Disk.view found bytes: bytes[start, end). A reader fills one again and again. */
export interface DiskSpan {
  bytes: Uint8Array;
  start: number;
  end: number;
}

/** A span to fill, for each reader that keeps one. */
export function newDiskSpan(): DiskSpan {
  return { bytes: new Uint8Array(0), start: 0, end: 0 };
}

/**
 * `span`, made `length` bytes long by a copy with zeros after its bytes when it is shorter (a
 * mapped file's bytes past what the disk holds read as zeros).
 */
export function zeroPadSpan(span: DiskSpan, length: number): DiskSpan {
  const { bytes, start, end } = span;
  if (end - start >= length) return span;
  span.bytes = zeroPadded(bytes.subarray(start, end), length);
  span.start = 0;
  span.end = length;
  return span;
}

export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * A node's files of bytes, with a page cache in front of the medium: a write is visible to reads
 * at once (like a write into a memory-mapped file) and durable only after a flush covering it
 * completes. Paths are '/'-separated; a directory exists while it holds a file.
 */
export interface Disk {
  exists(path: string): boolean;
  /** Size in bytes; throws DiskError ENOENT if absent. */
  size(path: string): number;
  /** Names of the files and subdirectories directly inside `dir`, sorted (readdir). */
  list(dir: string): string[];
  /**
   * Writes a copy of `data` at `offset` (the caller may reuse `data`), creating the file or
   * extending it (a gap reads as zeros). ENOSPC when full.
   */
  write(path: string, offset: number, data: Uint8Array): void;
  /** A copy of up to `length` bytes from `offset`; shorter at the end of the file. */
  read(path: string, offset: number, length: number): Uint8Array;
  /**
   * read's bytes in place, not copied (a slice of a MappedByteBuffer): `span` is set to a buffer
   * and the range of it that holds them, so a read makes no object. They change if the file is
   * written, truncated or damaged there, and a write may move them: for a reader that decodes
   * them at once, within the range, and keeps nothing.
   */
  view(path: string, offset: number, length: number, span: DiskSpan): void;
  truncate(path: string, size: number): void;
  delete(path: string): void;
  /**
   * fsync: the bytes written so far (all of them, or those in `range`) become durable, and `done`
   * is called later from the scheduler, never synchronously. If the node loses power first,
   * `done` is never called and nothing of that flush is promised.
   */
  flush(path: string, done?: (error?: DiskError) => void, range?: ByteRange): void;
  /**
   * Reserves the blocks of [0, length) for `path` (created empty if absent) without changing its
   * size or what reads see, as fallocate(2) with FALLOC_FL_KEEP_SIZE: later writes within it take
   * no more space. ENOSPC if the blocks are not free; then nothing changes.
   */
  allocate(path: string, length: number): void;
  /** The partition's space (statfs): bytes taken by files and reservations, and its size. */
  usage(): DiskUsage;
}

export interface DiskUsage {
  usedBytes: number;
  /** Infinity for a disk without a capacity (the simulated default). */
  capacityBytes: number;
}

/** Why a request got no response: no answer in time, nobody listening, or the connection broke. */
export type NetError = 'timeout' | 'refused' | 'closed';

export type NetResult = { ok: true; body: unknown } | { ok: false; error: NetError };

/**
 * Answers a request; answering more than once, or a one-way message, is a bug. An object (the
 * network's own record of the request) rather than a closure, so a request costs no function.
 */
export interface Reply {
  answer(body: unknown): void;
}

/**
 * Hears how a request ended (RocketMQ's InvokeCallback): the response's body, or why none came.
 * An object, so a caller that already has one per request (a client's ResponseFuture) makes no
 * closure or result object a request.
 */
export interface ResponseCallback {
  operationComplete(body: unknown, error: NetError | undefined): void;
}

/** A ResponseCallback for a caller that reads the outcome as one NetResult (the rarer requests). */
export function onResult(done: (result: NetResult) => void): ResponseCallback {
  return {
    operationComplete: (body, error) => done(error === undefined ? { ok: true, body } : { ok: false, error }),
  };
}

/** One connection (RocketMQ's Netty Channel): a reconnect, or a peer's restart, makes a new one. */
export type ChannelId = number;

/**
 * Connection-oriented, FIFO per (sender, receiver) pair, like RocketMQ's Netty channels. Bodies are
 * passed by reference and must be treated as immutable by both sides.
 */
export interface Net {
  /** Handles incoming requests (reply given) and one-way messages (reply undefined). */
  serve(handler: (from: string, body: unknown, reply: Reply | undefined, channel: ChannelId) => void): void;
  request(to: string, body: unknown, timeoutMs: number, callback: ResponseCallback): void;
  oneway(to: string, body: unknown): void;
  /**
   * Called when a connection with `peer` breaks: the peer's process stopped (its close arrives
   * after whatever it sent before), or a reset. A power loss or a partition is never reported.
   */
  onDisconnect(handler: (peer: string, channel: ChannelId) => void): void;
}

export interface Env {
  readonly address: string;
  /** This node's wall clock in ms (System.currentTimeMillis), skew and jumps included. */
  now(): number;
  /** A monotonic delay on this node's clock rate; not moved by clock jumps. */
  setTimer(delayMs: number, fire: () => void): TimerId;
  cancelTimer(id: TimerId): void;
  readonly rng: Rng;
  readonly disk: Disk;
  readonly net: Net;
  trace(event: string, fields?: Record<string, unknown>): void;
  /**
   * A rare or error branch ran (a coverage probe, core/probes.ts). Changes nothing in the run and
   * is not traced: the world only counts it, so the trace hash is the same with or without it.
   */
  probe(name: ProbeName): void;
}

/** A process started on a node. */
export interface Process {
  /**
   * A clean stop, as a JVM shutdown hook: the process finishes what it must (flushes, the abort
   * file) while still alive, then calls `done`, and the node stops it.
   */
  shutdown?(done: () => void): void;
}

export type ProcessMain = (env: Env) => Process;
