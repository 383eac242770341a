// Virtual time and the event queue of one world. Events are ordered by (virtual time, sequence
// number): ties run first-in first-out, so the order is a function of the schedule alone. Time
// only moves when an event runs; nothing waits on a wall clock. Every run has an event budget and
// a virtual-time budget, so a run that livelocks or never quiesces stops and says why; its owner
// may also halt it, or run it in slices and look between them (what a memory budget needs).
// Not modelled: concurrency inside one event (a handler runs to completion) or priority classes.
import { EventQueue } from './event-queue.ts';

/** A queued event; its time and sequence number live in the queue, not on it. */
export interface SimEvent {
  readonly fire: () => void;
  cancelled: boolean;
}

/**
 * An event that is its own callback: a hot caller (a node's timers, the network's packets)
 * subclasses it and pushes one object where schedule() would push an event and a closure. Once it
 * has fired (and was not cancelled), it may be queued again: a timer re-armed in place.
 */
export abstract class ScheduledTask implements SimEvent {
  cancelled = false;
  abstract fire(): void;
}

export interface Budget {
  /** Events the run may fire before it is stopped. */
  maxEvents: number;
  /** Virtual ms past which no event runs. */
  maxTimeMs: number;
}

/**
 * Why a run loop returned: nothing left, the requested time reached, a budget spent, or halted
 * by its owner (who knows why).
 */
export type StopReason = 'quiet' | 'until' | 'event-budget' | 'time-budget' | 'halted';

export class Scheduler {
  private readonly queue = new EventQueue<SimEvent>();
  private seq = 0;
  private time = 0;
  private fired = 0;
  /** Events may fire while fewer than this have: the event budget, or -1 once halted. */
  private eventLimit: number;

  constructor(readonly budget: Budget) {
    this.eventLimit = budget.maxEvents;
  }

  /** Virtual ms since the world started. Only sim/ sees it; nodes read their own clocks. */
  get now(): number {
    return this.time;
  }

  get eventsFired(): number {
    return this.fired;
  }

  get pending(): number {
    return this.queue.length;
  }

  schedule(delayMs: number, fire: () => void): SimEvent {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be >= 0, got ${delayMs}`);
    return this.push(this.time + delayMs, fire);
  }

  scheduleAt(at: number, fire: () => void): SimEvent {
    if (!(at >= this.time)) throw new RangeError(`cannot schedule at ${at}, before now (${this.time})`);
    return this.push(at, fire);
  }

  /** schedule() for a task object; the task must not be queued already. */
  scheduleTask<T extends ScheduledTask>(delayMs: number, task: T): T {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be >= 0, got ${delayMs}`);
    return this.pushTask(this.time + delayMs, task);
  }

  /** scheduleAt() for a task object. */
  scheduleTaskAt<T extends ScheduledTask>(at: number, task: T): T {
    if (!(at >= this.time)) throw new RangeError(`cannot schedule at ${at}, before now (${this.time})`);
    return this.pushTask(at, task);
  }

  cancel(event: SimEvent): void {
    event.cancelled = true;
  }

  /** Stops the run loop once the event under way returns; every run call after it returns 'halted'. */
  halt(): void {
    this.eventLimit = -1;
  }

  /** Runs the next live event. Returns false when there is none or a budget stops it. */
  step(): boolean {
    return this.run(Infinity, 1) === undefined;
  }

  /**
   * Runs every event due at or before `until`, then sets the time to `until`. With `slice`, calls
   * `slice.between` after every `slice.events` events (it may halt the run; it must not schedule).
   */
  runUntil(until: number, slice?: { events: number; between: () => void }): StopReason {
    let stop = this.run(until, slice?.events ?? Infinity);
    while (stop === undefined) {
      slice!.between();
      stop = this.run(until, slice!.events);
    }
    if (stop !== 'quiet' && stop !== 'until') return stop;
    this.time = Math.max(this.time, Math.min(until, this.budget.maxTimeMs));
    return until > this.budget.maxTimeMs ? 'time-budget' : 'until';
  }

  /** Runs until no event is left or a budget is spent. */
  runUntilQuiet(): StopReason {
    return this.run(Infinity, Infinity) ?? 'quiet';
  }

  private push(at: number, fire: () => void): SimEvent {
    const event: SimEvent = { fire, cancelled: false };
    this.queue.push(event, at, this.seq++);
    return event;
  }

  private pushTask<T extends ScheduledTask>(at: number, task: T): T {
    this.queue.push(task, at, this.seq++);
    return task;
  }

  /**
   * Fires up to `count` events due by `until`; returns why it stopped, or undefined when it fired
   * all `count`. One tight loop: this is the hot path of every simulation.
   */
  private run(until: number, count: number): StopReason | undefined {
    const queue = this.queue;
    const { maxTimeMs } = this.budget;
    for (let fired = 0; fired < count;) {
      const next = queue.peek();
      if (next === undefined) return 'quiet';
      if (next.cancelled) {
        queue.pop();
        continue;
      }
      const at = queue.peekAt();
      if (at > until) return 'until';
      if (at > maxTimeMs) return 'time-budget';
      if (this.fired >= this.eventLimit) return this.eventLimit < 0 ? 'halted' : 'event-budget';
      queue.pop();
      this.time = at;
      this.fired++;
      fired++;
      next.fire();
    }
    return undefined;
  }
}
