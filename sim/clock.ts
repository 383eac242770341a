// Per-node clocks. A node reads its own wall clock (what Java's System.currentTimeMillis would
// return on that machine): an offset from the shared epoch (skew), a rate error (drift, in parts
// per million) and jumps applied by the nemesis (an NTP step, a VM migration). Timers run on the
// node's monotonic clock: they feel drift but not jumps, as ScheduledExecutorService does.
// The world's virtual time is never visible to core/; only these readings are.
// Not modelled: clock granularity below 1 ms, leap seconds, a clock that stops.
import { z } from 'zod';

/** A year, the largest skew or jump a clock may have (a clock further off is no clock). */
export const MAX_CLOCK_SKEW_MS = 365 * 24 * 3_600_000;

export const clockConfigSchema = z.strictObject({
  /** Skew from the world's epoch, in ms (may be negative). */
  offsetMs: z.number().min(-MAX_CLOCK_SKEW_MS).max(MAX_CLOCK_SKEW_MS).default(0),
  /** Rate error: +100 means this clock runs 100 µs fast per second (at most twice as fast). */
  driftPpm: z.number().gt(-1_000_000).max(1_000_000).default(0),
});
export type ClockConfig = z.infer<typeof clockConfigSchema>;

/** Where a clock reads the world's virtual time (the scheduler). */
export interface WorldTime {
  readonly now: number;
}

export class NodeClock {
  private offsetMs: number;
  private readonly driftPpm: number;

  constructor(
    /** Read as a field, not through a closure: a time returned from a call is a new heap number. */
    private readonly world: WorldTime,
    private readonly epochMs: number,
    config: ClockConfig,
  ) {
    this.offsetMs = config.offsetMs;
    this.driftPpm = config.driftPpm;
  }

  /** Wall-clock ms on this node. */
  now(): number {
    // The drift is added as its own term: multiplying by (1 + ppm/1e6) would round 1.001 * 1e6 down.
    const t = this.world.now;
    return Math.floor(this.epochMs + this.offsetMs + t + (t * this.driftPpm) / 1_000_000);
  }

  /** Steps the wall clock; it can go backwards, as a real one can. */
  jump(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }

  /** World ms until a timer of `localMs` on this node's monotonic clock fires. */
  worldDelay(localMs: number): number {
    return (Math.max(0, localMs) * 1_000_000) / (1_000_000 + this.driftPpm);
  }

  /** Skew against a perfect clock at this instant, in ms. */
  skewMs(): number {
    return this.now() - (this.epochMs + this.world.now);
  }
}
