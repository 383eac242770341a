// The timers a client service owns while it runs (the role of a Java service's
// ScheduledExecutorService): one-shot and periodic tasks that run only until the service shuts
// down, when every pending timer is cancelled. A periodic task is re-armed after it runs, so a
// period counts from the task's end (the same instant here: a task takes no virtual time).
import type { Env, TimerId } from '../env.ts';

/**
 * One armed task: its timer's id, the task, and the function the timer calls, made once. Futures
 * are reused once their task ran or was cancelled, so the busy timers of a client (a pull, a
 * consume request) make no closure a schedule.
 */
class ScheduledFuture {
  id: TimerId = 0;
  task: (() => void) | undefined = undefined;
  readonly run = (): void => this.executor.fired(this);

  constructor(private readonly executor: ScheduledExecutor) {}
}

export class ScheduledExecutor {
  /** The futures armed and not yet fired or cancelled, in no order (a few at a time). */
  private readonly pending: ScheduledFuture[] = [];
  private readonly free: ScheduledFuture[] = [];
  private stopped = false;

  constructor(private readonly env: Env) {}

  /** Runs `task` once after `delayMs`, unless the executor has shut down by then. */
  schedule(delayMs: number, task: () => void): TimerId {
    const future = this.free.pop() ?? new ScheduledFuture(this);
    future.task = task;
    future.id = this.env.setTimer(delayMs, future.run);
    this.pending.push(future);
    return future.id;
  }

  /** Runs `task` after `initialDelayMs`, then every `periodMs`, until shutdown. */
  scheduleAtFixedRate(initialDelayMs: number, periodMs: number, task: () => void): void {
    this.schedule(initialDelayMs, () => {
      task();
      this.scheduleAtFixedRate(periodMs, periodMs, task);
    });
  }

  cancel(id: TimerId): void {
    const pending = this.pending;
    for (let at = 0; at < pending.length; at++) {
      if (pending[at]!.id !== id) continue;
      this.env.cancelTimer(id);
      return this.release(at);
    }
  }

  /** Cancels every pending task; later calls schedule nothing that fires. */
  shutdown(): void {
    this.stopped = true;
    for (const future of this.pending) this.env.cancelTimer(future.id);
    this.pending.length = 0;
  }

  /** A future's timer fired: it is free again before its task runs (which may schedule the next). */
  fired(future: ScheduledFuture): void {
    const task = future.task!;
    const at = this.pending.indexOf(future);
    if (at >= 0) this.release(at);
    if (!this.stopped) task();
  }

  /** Drops the pending future at `at` (the last one takes its place) and frees it. */
  private release(at: number): void {
    const pending = this.pending;
    const future = pending[at]!;
    pending[at] = pending[pending.length - 1]!;
    pending.pop();
    future.id = 0;
    future.task = undefined;
    this.free.push(future);
  }
}
