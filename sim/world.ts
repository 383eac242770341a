// One deterministic world: a scheduler with virtual time, a network, and nodes with their own
// clocks, disks and RNG streams, all derived from one seed. Faults come from a schedule (data),
// applied at their times; the trace records what ran and hashes it.
// Same seed, same nodes, same schedule: the same trace hash, every time.
import { z } from 'zod';
import type { ProcessMain } from '../core/env.ts';
import { clockConfigSchema, NodeClock, type ClockConfig } from './clock.ts';
import { parseOrThrow } from '../core/config-error.ts';
import { diskConfigSchema, SimDisk, type DiskConfigInput } from './disk.ts';
import { FILL_PATH, parseFaultSchedule, type Fault } from './nemesis.ts';
import { networkConfigSchema, SimNetwork } from './network.ts';
import { SimNode, type NodeState } from './node.ts';
import { ProbeTally } from './probe-tally.ts';
import { rngStream, type SeededRng } from './rng.ts';
import { Scheduler, type StopReason } from './scheduler.ts';
import { Trace } from './trace.ts';

export const worldConfigSchema = z.strictObject({
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** Wall-clock ms at world time 0 (2026-01-01T00:00:00Z by default). */
  epochMs: z.number().int().nonnegative().default(1_767_225_600_000),
  network: networkConfigSchema.prefault({}),
  disk: diskConfigSchema.prefault({}),
  budget: z
    .strictObject({
      maxEvents: z.number().int().positive().default(20_000_000),
      maxTimeMs: z
        .number()
        .positive()
        .default(24 * 3_600_000),
    })
    .prefault({}),
  /**
   * Keep the trace records (for reports and replays): all, or those a filter accepts. The hash is
   * always computed, over all of them.
   */
  keepTrace: z
    .union([z.boolean(), z.custom<(node: string, event: string) => boolean>((v) => typeof v === 'function')])
    .default(false),
});
export type WorldConfig = z.output<typeof worldConfigSchema>;
export type WorldConfigInput = z.input<typeof worldConfigSchema>;

export interface NodeOptions {
  clock?: Partial<ClockConfig>;
  /** This machine's disk settings, over the world's (`disk`). */
  disk?: DiskConfigInput;
  /** Start the process at once (default true). */
  start?: boolean;
}

type NodeFault = Exclude<Fault['fault'], 'partition' | 'heal' | 'reset' | 'isolate'>;

/** The node states in which each fault means something; elsewhere the nemesis skips it. */
const APPLICABLE: Record<NodeFault, readonly NodeState[]> = {
  kill: ['running', 'paused'],
  'power-off': ['running', 'paused', 'stopped'],
  shutdown: ['running'],
  restart: ['running', 'paused', 'stopped', 'off'],
  pause: ['running'],
  resume: ['paused'],
  'disk-loss': ['running', 'paused', 'stopped', 'off'],
  'clock-jump': ['running', 'paused', 'stopped', 'off'],
  corrupt: ['running', 'paused', 'stopped', 'off'],
  'fill-disk': ['running', 'paused', 'stopped'],
  'free-disk': ['running', 'paused', 'stopped', 'off'],
};

export class World {
  readonly config: WorldConfig;
  readonly scheduler: Scheduler;
  readonly network: SimNetwork;
  readonly trace: Trace;
  /** The coverage probes its nodes hit (not part of the trace). */
  readonly probes = new ProbeTally();
  private readonly nodes = new Map<string, SimNode>();
  private readonly nemesisRng: SeededRng;

  constructor(input: WorldConfigInput) {
    this.config = parseOrThrow(worldConfigSchema, input, 'world configuration');
    const { seed, budget, keepTrace, network } = this.config;
    this.scheduler = new Scheduler(budget);
    this.trace = new Trace(keepTrace);
    this.network = new SimNetwork(this.scheduler, rngStream(seed, 'net'), network, this.trace);
    this.nemesisRng = rngStream(seed, 'nemesis');
  }

  get seed(): number {
    return this.config.seed;
  }

  get now(): number {
    return this.scheduler.now;
  }

  get addresses(): ReadonlySet<string> {
    return new Set(this.nodes.keys());
  }

  addNode(address: string, main: ProcessMain, options: NodeOptions = {}): SimNode {
    const clockConfig = parseOrThrow(clockConfigSchema, options.clock ?? {}, `clock of ${address}`);
    const { seed, epochMs } = this.config;
    const disk = parseOrThrow(
      diskConfigSchema,
      { ...this.config.disk, ...options.disk },
      `disk of ${address}`,
    );
    let disks = 0;
    const freshDisk = () =>
      new SimDisk({
        scheduler: this.scheduler,
        rng: rngStream(seed, `disk:${address}:${disks++}`),
        config: disk,
      });
    const node = new SimNode(address, main, {
      scheduler: this.scheduler,
      network: this.network,
      trace: this.trace,
      probes: this.probes,
      clock: new NodeClock(this.scheduler, epochMs, clockConfig),
      rng: rngStream(seed, `node:${address}`),
      disk: freshDisk(),
      freshDisk,
    });
    this.nodes.set(address, node);
    if (options.start ?? true) node.start();
    return node;
  }

  node(address: string): SimNode {
    const node = this.nodes.get(address);
    if (node === undefined) throw new Error(`no node ${address}`);
    return node;
  }

  /** Validates a fault schedule against this world's nodes and schedules every fault. */
  scheduleFaults(input: unknown): Fault[] {
    const schedule = parseFaultSchedule(input, this.addresses);
    for (const fault of schedule) this.scheduler.scheduleAt(fault.at, () => this.apply(fault));
    return schedule;
  }

  runUntil(worldMs: number): StopReason {
    return this.scheduler.runUntil(worldMs);
  }

  runUntilQuiet(): StopReason {
    return this.scheduler.runUntilQuiet();
  }

  private apply(fault: Fault): void {
    const { fault: kind, at: _at, ...detail } = fault;
    this.trace.record(this.now, 'nemesis', kind, detail);
    switch (fault.fault) {
      case 'partition':
        return this.network.partition(fault.from, fault.to, fault.oneWay);
      case 'heal':
        return this.network.heal();
      case 'reset':
        return this.network.reset(fault.a, fault.b);
      case 'isolate':
        return this.network.isolate(fault.node);
      default:
        return this.applyToNode(fault);
    }
  }

  private applyToNode(fault: Extract<Fault, { fault: NodeFault }>): void {
    const node = this.node(fault.node);
    if (!APPLICABLE[fault.fault].includes(node.state)) {
      this.trace.record(this.now, 'nemesis', 'skipped', {
        fault: fault.fault,
        node: fault.node,
        state: node.state,
      });
      return;
    }
    switch (fault.fault) {
      case 'kill':
        return node.kill();
      case 'power-off':
        return node.powerOff();
      case 'shutdown':
        return node.shutdown();
      case 'restart':
        if (node.state === 'running' || node.state === 'paused') node.kill();
        return node.start();
      case 'pause':
        return node.pause();
      case 'resume':
        return node.resume();
      case 'disk-loss':
        return node.loseDisk();
      case 'clock-jump':
        return node.clock.jump(fault.deltaMs);
      case 'corrupt':
        return this.corrupt(node, fault.path);
      case 'fill-disk':
        return this.fillDisk(node, fault.freeBytes);
      case 'free-disk':
        if (node.disk.exists(FILL_PATH)) node.disk.delete(FILL_PATH);
        return;
    }
  }

  /** Leaves `freeBytes` of the disk free (or what was free, if less), with one preallocated file. */
  private fillDisk(node: SimNode, freeBytes: number): void {
    const disk = node.disk;
    if (disk.exists(FILL_PATH)) disk.delete(FILL_PATH);
    const { usedBytes, capacityBytes } = disk.usage();
    const fill = capacityBytes - usedBytes - freeBytes;
    if (Number.isFinite(fill) && fill > 0) disk.allocate(FILL_PATH, fill);
    this.trace.record(this.now, node.address, 'disk.filled', { ...disk.usage() });
  }

  /**
   * Flips one bit of `path`, of the last file under it if it ends in '/', or of a file picked at
   * random; a disk with no such file is left alone.
   */
  private corrupt(node: SimNode, path: string | undefined): void {
    const files = node.disk.paths().filter((file) => node.disk.size(file) > 0);
    const target = path?.endsWith('/')
      ? files.filter((file) => file.startsWith(path)).at(-1)
      : (path ?? (files.length > 0 ? this.nemesisRng.pick(files) : undefined));
    if (target === undefined || !files.includes(target)) {
      this.trace.record(this.now, 'nemesis', 'skipped', {
        fault: 'corrupt',
        node: node.address,
        path: target ?? path ?? null,
      });
      return;
    }
    const flipped = node.disk.corruptRandom(target);
    this.trace.record(this.now, node.address, 'disk.corrupt', { path: target, ...flipped });
  }
}
