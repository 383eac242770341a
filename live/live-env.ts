// The Env of a live process: the machine's wall clock and real timers, Math.random, a FileDisk and
// a TcpNet. core/ runs on it unchanged; each callback (a timer, a frame, an fsync's completion)
// runs to completion on Node's event loop, as a simulated handler does on the scheduler.
// Traces go to a sink: `boot` and `stdout` lines are printed (BrokerStartup's and the examples'
// output); the rest are JSON lines on stderr when RMQSIM_TRACE=1.
// Not modelled: clock skew (the machine's clock is the clock), a seeded random stream.
import type { Disk, Env, Net, Rng, TimerId } from '../core/env.ts';
import type { ProbeName } from '../core/probes.ts';

export type TraceSink = (event: string, fields?: Record<string, unknown>) => void;

/** Prints `boot` and `stdout` lines; with RMQSIM_TRACE=1, every other record as a JSON line on stderr. */
export function consoleTrace(address: string): TraceSink {
  const verbose = process.env.RMQSIM_TRACE === '1';
  return (event, fields) => {
    if ((event === 'boot' || event === 'stdout') && typeof fields?.line === 'string')
      console.log(fields.line);
    else if (verbose) console.error(JSON.stringify({ t: Date.now(), node: address, event, ...fields }));
  };
}

const mathRandom: Rng = {
  next: () => Math.random(),
  int: (n) => Math.floor(Math.random() * n),
  chance: (p) => Math.random() < p,
};

export class LiveEnv implements Env {
  readonly rng = mathRandom;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();
  private nextTimer = 1;
  private closed = false;

  constructor(
    readonly address: string,
    readonly disk: Disk,
    readonly net: Net,
    private readonly sink: TraceSink = consoleTrace(address),
  ) {}

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fire: () => void): TimerId {
    const id = this.nextTimer++;
    if (this.closed) return id;
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        fire();
      },
      Math.max(0, delayMs),
    );
    this.timers.set(id, timer);
    return id;
  }

  cancelTimer(id: TimerId): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  trace(event: string, fields?: Record<string, unknown>): void {
    this.sink(event, fields);
  }

  /** Coverage probes are the simulation's (a sweep counts which rare branches ran); live, none. */
  probe(_name: ProbeName): void {}

  /** The process is gone: no timer of it fires again. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
