// A node: one machine with its clock, its disk and one process from core/ (a NameServer, broker,
// producer or consumer), and that process's lifecycle.
// - start / restart: a new incarnation of the process on the disk the machine has, which runs
//   its own recovery (the abort file tells it whether the last stop was clean);
// - kill: the process dies at once; its memory and timers are gone, the OS page cache survives,
//   and the OS resets its connections;
// - power-off: the machine dies; unflushed pages are lost and peers are not told;
// - shutdown: a clean stop: the process's own shutdown runs while it is still alive, and the node
//   stops it when that calls done (or after SHUTDOWN_DEADLINE_MS, so a run never hangs);
// - pause / resume: a stopped process (SIGSTOP, a long GC) handles nothing; what arrives for it
//   (messages, timers, disk completions) runs at resume, in order, late;
// - disk loss: the machine loses power and comes back with an empty disk.
// Not modelled: several processes on one machine, partial (per-thread) failures, slow CPUs.
import type { Disk, DiskError, Env, Net, Process, ProcessMain, TimerId } from '../core/env.ts';
import type { NodeClock } from './clock.ts';
import type { SimDisk } from './disk.ts';
import type { SimNetwork } from './network.ts';
import type { ProbeTally } from './probe-tally.ts';
import { NodeTimers, type NodeTimer, type TimerOwner } from './node-timers.ts';
import type { ProcessContext } from './process-context.ts';
import type { SeededRng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { Trace } from './trace.ts';

/** running and paused have a live process; stopped: machine up, no process; off: no power. */
export type NodeState = 'running' | 'paused' | 'stopped' | 'off';

export interface NodeParts {
  readonly scheduler: Scheduler;
  readonly network: SimNetwork;
  readonly trace: Trace;
  readonly probes: ProbeTally;
  readonly clock: NodeClock;
  readonly rng: SeededRng;
  readonly disk: SimDisk;
  readonly freshDisk: () => SimDisk;
}

/** How long a clean shutdown may take before the node stops the process anyway. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

export class SimNode implements TimerOwner {
  private currentState: NodeState = 'stopped';
  private stopping = false;
  private incarnation = 0;
  private process: Process | undefined;
  private deferred: (() => void)[] = [];
  private readonly freeWaiters: FlushWaiter[] = [];
  private readonly timers: NodeTimers;
  private machineDisk: SimDisk;

  constructor(
    readonly address: string,
    private readonly main: ProcessMain,
    private readonly parts: NodeParts,
  ) {
    this.machineDisk = parts.disk;
    this.timers = new NodeTimers(this, parts.scheduler);
    parts.network.addMachine(address);
  }

  get state(): NodeState {
    return this.currentState;
  }

  get disk(): SimDisk {
    return this.machineDisk;
  }

  get clock(): NodeClock {
    return this.parts.clock;
  }

  /** Starts a new incarnation of the process; the node must have none. */
  start(): void {
    this.expect(['stopped', 'off'], 'start');
    this.incarnation++;
    this.currentState = 'running';
    const ctx = this.context(this.incarnation);
    this.parts.network.attach(ctx);
    this.record('node.start', { incarnation: this.incarnation });
    this.process = this.main(this.env(ctx));
  }

  kill(): void {
    this.expect(['running', 'paused'], 'kill');
    this.stopProcess('stopped');
    this.machineDisk.processKill();
    this.parts.network.detach(this.address, 'kill');
    this.record('node.kill');
  }

  /** Starts a clean stop; the node is stopped once the process says it is done. */
  shutdown(): void {
    this.expect(['running'], 'shutdown');
    if (this.stopping) return;
    this.stopping = true;
    this.record('node.shutdown-begin');
    const ctx = this.context(this.incarnation);
    const finish = (how: string) => {
      if (!this.stopping || this.incarnation !== ctx.incarnation) return;
      this.stopProcess('stopped');
      this.machineDisk.processKill();
      this.parts.network.detach(this.address, 'kill');
      this.record('node.shutdown', { how });
    };
    this.setTimer(ctx, SHUTDOWN_DEADLINE_MS, () => finish('deadline'));
    if (this.process?.shutdown === undefined) finish('done');
    else this.process.shutdown(() => finish('done'));
  }

  /** A clean shutdown has begun and the process has not finished it yet. */
  get isStopping(): boolean {
    return this.stopping;
  }

  powerOff(): void {
    this.expect(['running', 'paused', 'stopped'], 'power-off');
    this.stopProcess('off');
    const lost = this.machineDisk.powerLoss();
    this.parts.network.detach(this.address, 'power-off');
    this.record('node.power-off', { lost });
  }

  /** The machine's disk is replaced by an empty one; the machine is off until restarted. */
  loseDisk(): void {
    if (this.currentState !== 'off') this.powerOff();
    this.machineDisk.diskLoss();
    this.machineDisk = this.parts.freshDisk();
    this.record('node.disk-loss');
  }

  pause(): void {
    this.expect(['running'], 'pause');
    this.currentState = 'paused';
    this.record('node.pause');
  }

  resume(): void {
    this.expect(['paused'], 'resume');
    this.currentState = 'running';
    this.record('node.resume', { backlog: this.deferred.length });
    const backlog = this.deferred;
    this.deferred = [];
    const ctx = this.context(this.incarnation);
    for (const fn of backlog) this.parts.scheduler.schedule(0, () => ctx.post(fn));
  }

  private expect(states: readonly NodeState[], action: string): void {
    if (!states.includes(this.currentState)) {
      throw new Error(`cannot ${action} ${this.address}: it is ${this.currentState}`);
    }
  }

  private stopProcess(next: 'stopped' | 'off'): void {
    this.currentState = next;
    this.stopping = false;
    this.process = undefined;
    this.deferred = [];
    this.timers.cancelAll();
  }

  private record(event: string, fields?: Record<string, unknown>): void {
    this.parts.trace.record(this.parts.scheduler.now, this.address, event, fields);
  }

  private context(incarnation: number): ProcessContext {
    return {
      address: this.address,
      incarnation,
      post: (fn) => {
        if (incarnation !== this.incarnation) return;
        if (this.currentState === 'running') fn();
        else if (this.currentState === 'paused') this.deferred.push(fn);
      },
      runsNow: () => incarnation === this.incarnation && this.currentState === 'running',
    };
  }

  private env(ctx: ProcessContext): Env {
    const { scheduler, trace, clock, rng, probes } = this.parts;
    return {
      address: this.address,
      now: () => clock.now(),
      setTimer: (delayMs, fire) => this.setTimer(ctx, delayMs, fire),
      cancelTimer: (id) => this.cancelTimer(id),
      rng,
      disk: this.diskPort(ctx),
      net: this.netPort(ctx),
      trace: (event, fields) => trace.record(scheduler.now, this.address, event, fields),
      probe: (name) => probes.hit(name),
    };
  }

  private setTimer(ctx: ProcessContext, delayMs: number, fire: () => void): TimerId {
    return this.timers.set(ctx, this.parts.clock.worldDelay(delayMs), fire);
  }

  /**
   * A timer of this node is due: it is traced, then runs as its incarnation. On a paused node its
   * callback waits for the resume, and stays cancellable until then, as a Java timer task that
   * has not started is (a cancelTimer run first at the resume must stop it).
   */
  timerFired(timer: NodeTimer): void {
    this.parts.trace.timer(this.parts.scheduler.now, this.address);
    if (this.currentState === 'paused') return this.deferTimer(timer);
    timer.ctx!.post(this.timers.release(timer));
  }

  /**
   * A timer due on a paused node runs at the resume unless cancelled first. Its closure is made
   * here, not in timerFired: what a closure captures lives in a context made on every entry to
   * its function, and every timer of the node passes through timerFired.
   */
  private deferTimer(timer: NodeTimer): void {
    const id = timer.id;
    timer.ctx!.post(() => timer.id === id && this.timers.release(timer)());
  }

  private cancelTimer(id: TimerId): void {
    this.timers.cancel(id);
  }

  /** The machine's current disk, with flush completions delivered to this incarnation only. */
  private diskPort(ctx: ProcessContext): Disk {
    return {
      exists: (path) => this.machineDisk.exists(path),
      size: (path) => this.machineDisk.size(path),
      list: (dir) => this.machineDisk.list(dir),
      write: (path, offset, data) => this.machineDisk.write(path, offset, data),
      read: (path, offset, length) => this.machineDisk.read(path, offset, length),
      view: (path, offset, length, span) => this.machineDisk.view(path, offset, length, span),
      truncate: (path, size) => this.machineDisk.truncate(path, size),
      delete: (path) => this.machineDisk.delete(path),
      allocate: (path, length) => this.machineDisk.allocate(path, length),
      usage: () => this.machineDisk.usage(),
      flush: (path, done, range) =>
        this.machineDisk.flush(path, done && this.waiter(ctx, done).complete, range),
    };
  }

  /** A free FlushWaiter (or a new one) for `done`: the disk calls its `complete` once, or never. */
  private waiter(ctx: ProcessContext, done: (error?: DiskError) => void): FlushWaiter {
    const waiter = this.freeWaiters.pop() ?? new FlushWaiter(this);
    waiter.ctx = ctx;
    waiter.done = done;
    return waiter;
  }

  /**
   * A flush's completion, as its incarnation: the waiter is free again first, and while the
   * process runs `done` is called with no closure (nor its context, see deferTimer).
   */
  flushCompleted(waiter: FlushWaiter, error?: DiskError): void {
    const ctx = waiter.ctx!;
    const done = waiter.done!;
    waiter.ctx = undefined;
    waiter.done = undefined;
    this.freeWaiters.push(waiter);
    if (ctx.runsNow()) done(error);
    else postFlushDone(ctx, done, error);
  }

  private netPort(ctx: ProcessContext): Net {
    const { network, clock } = this.parts;
    return {
      serve: (handler) => network.serve(ctx, handler),
      request: (to, body, timeoutMs, callback) =>
        network.request(ctx, to, body, clock.worldDelay(timeoutMs), callback),
      oneway: (to, body) => network.oneway(ctx, to, body),
      onDisconnect: (handler) => network.onDisconnect(ctx, handler),
    };
  }
}

/**
 * A flush in progress on the node's disk: whose completion it is, and the function the disk
 * calls, made once. Waiters are reused once their flush completed (one a power loss cut short is
 * left to the garbage collector), so a flush makes no closure here.
 */
class FlushWaiter {
  ctx: ProcessContext | undefined = undefined;
  done: ((error?: DiskError) => void) | undefined = undefined;
  readonly complete = (error?: DiskError): void => this.node.flushCompleted(this, error);

  constructor(private readonly node: SimNode) {}
}

function postFlushDone(ctx: ProcessContext, done: (error?: DiskError) => void, error?: DiskError): void {
  ctx.post(() => done(error));
}
