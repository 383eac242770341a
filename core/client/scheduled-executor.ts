// The timers a client service owns while it runs (the role of a Java service's
// ScheduledExecutorService): one-shot and periodic tasks that run only until the service shuts
// down, when every pending timer is cancelled. A periodic task is re-armed after it runs, so a
// period counts from the task's end (the same instant here: a task takes no virtual time).
import type { Env, TimerId } from '../env.ts';

export class ScheduledExecutor {
  private readonly pending = new Set<TimerId>();
  private stopped = false;

  constructor(private readonly env: Env) {}

  /** Runs `fire` once after `delayMs`, unless the executor has shut down by then. */
  schedule(delayMs: number, fire: () => void): TimerId {
    const id = this.env.setTimer(delayMs, () => {
      this.pending.delete(id);
      if (!this.stopped) fire();
    });
    this.pending.add(id);
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
    if (this.pending.delete(id)) this.env.cancelTimer(id);
  }

  /** Cancels every pending task; later calls schedule nothing that fires. */
  shutdown(): void {
    this.stopped = true;
    for (const id of this.pending) this.env.cancelTimer(id);
    this.pending.clear();
  }
}
