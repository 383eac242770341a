// The timers a client service owns while it runs (the role of a Java service's
// ScheduledExecutorService): one-shot and periodic tasks that run only until the service shuts
// down, when every pending timer is cancelled. A periodic task is re-armed after it runs, so a
// period counts from the task's end (the same instant here: a task takes no virtual time).
import type { Env, TimerId } from '../env.ts';

export class ScheduledExecutor {
  /**
   * The timers set and not yet fired or cancelled, in no order: a few at a time, removed by
   * swapping in the last one, so the busy timers of a client (a pull, a consume request) make no
   * allocation here, where a Set's table is rebuilt as entries come and go.
   */
  private readonly pending: TimerId[] = [];
  private stopped = false;

  constructor(private readonly env: Env) {}

  /** Runs `fire` once after `delayMs`, unless the executor has shut down by then. */
  schedule(delayMs: number, fire: () => void): TimerId {
    const id = this.env.setTimer(delayMs, () => {
      this.forget(id);
      if (!this.stopped) fire();
    });
    this.pending.push(id);
    return id;
  }

  /** Runs `task` after `initialDelayMs`, then every `periodMs`, until shutdown. */
  scheduleAtFixedRate(initialDelayMs: number, periodMs: number, task: () => void): void {
    this.schedule(initialDelayMs, () => {
      task();
      this.scheduleAtFixedRate(periodMs, periodMs, task);
    });
  }

  cancel(id: TimerId): void {
    if (this.forget(id)) this.env.cancelTimer(id);
  }

  /** Cancels every pending task; later calls schedule nothing that fires. */
  shutdown(): void {
    this.stopped = true;
    for (const id of this.pending) this.env.cancelTimer(id);
    this.pending.length = 0;
  }

  /** Drops `id` from the pending timers; false if it was not there. */
  private forget(id: TimerId): boolean {
    const pending = this.pending;
    const at = pending.indexOf(id);
    if (at < 0) return false;
    pending[at] = pending[pending.length - 1]!;
    pending.pop();
    return true;
  }
}
