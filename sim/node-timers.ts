// A node's process timers, kept in slots that are reused: the timer that has just fired is the
// object the next setTimer arms, so a periodic task (an HA wake-up every 100 ms, a flush every
// 500 ms), which sets its next timer from the one firing, re-arms the same object in place, with no
// new event and no map entry a tick. An id names its slot and that arming of the slot, so a stale
// id (a timer that fired, or was cancelled) cancels nothing. A cancelled timer may still sit in
// the scheduler's queue until its time: that object is dropped and the slot gets a new one.
// Models nothing of its own: the fault models (pause, kill) stay in SimNode.
import type { TimerId } from '../core/env.ts';
import type { ProcessContext } from './process-context.ts';
import { ScheduledTask, type Scheduler } from './scheduler.ts';

/** Slots a node may hold at once; ids are arming * SLOTS + slot (small integers for years of ticks). */
const SLOTS = 2 ** 16;

/** What a node does when one of its timers is due (traces it, then runs or defers it). */
export interface TimerOwner {
  timerFired(timer: NodeTimer): void;
}

/** One slot's timer: the event and its callback in one object. */
export class NodeTimer extends ScheduledTask {
  /** The id of the arming under way; 0 while the slot is free. */
  id: TimerId = 0;
  ctx: ProcessContext | undefined;
  callback: (() => void) | undefined;

  constructor(
    private readonly owner: TimerOwner,
    readonly slot: number,
  ) {
    super();
  }

  fire(): void {
    this.owner.timerFired(this);
  }
}

export class NodeTimers {
  private readonly slots: (NodeTimer | undefined)[] = [];
  /** How many times each slot has been armed: the high part of its ids. */
  private readonly armings: number[] = [];
  private readonly free: number[] = [];

  constructor(
    private readonly owner: TimerOwner,
    private readonly scheduler: Scheduler,
  ) {}

  set(ctx: ProcessContext, worldDelayMs: number, callback: () => void): TimerId {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots.length;
      if (slot === SLOTS) throw new Error(`a node holds ${SLOTS} timers at once: a timer leaks`);
      this.slots.push(undefined);
      this.armings.push(0);
    }
    const timer = (this.slots[slot] ??= new NodeTimer(this.owner, slot));
    const arming = this.armings[slot]! + 1;
    this.armings[slot] = arming;
    timer.id = arming * SLOTS + slot;
    timer.ctx = ctx;
    timer.callback = callback;
    this.scheduler.scheduleTask(worldDelayMs, timer);
    return timer.id;
  }

  cancel(id: TimerId): void {
    const slot = id % SLOTS;
    const timer = this.slots[slot];
    if (timer === undefined || timer.id !== id) return;
    this.scheduler.cancel(timer);
    timer.id = 0;
    this.slots[slot] = undefined;
    this.free.push(slot);
  }

  cancelAll(): void {
    for (const timer of this.slots) if (timer !== undefined && timer.id !== 0) this.cancel(timer.id);
  }

  /**
   * The timer is running now: its slot is freed first, so the callback's own setTimer (a
   * periodic task's next tick) takes this very object. Returns the callback to run.
   */
  release(timer: NodeTimer): () => void {
    const callback = timer.callback!;
    timer.id = 0;
    timer.ctx = undefined;
    timer.callback = undefined;
    this.free.push(timer.slot);
    return callback;
  }
}
