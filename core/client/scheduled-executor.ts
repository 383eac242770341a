// The timers a client service owns while it runs (the role of a Java service's
// ScheduledExecutorService): one-shot and periodic tasks that run only until the service shuts
// down, when every pending timer is cancelled. A periodic task is re-armed after it runs, so a
// period counts from the task's end (the same instant here: a task takes no virtual time).
import type { Env, TimerId } from '../env.ts';

/**
 * A task a service schedules again and again, one run pending at a time (a queue's next pull, the
 * end of a consume thread's service time): its timer callback is made once, by `task`, so
 * scheduleTask arms it with no closure.
 */
export interface ExecutorTask {
  /** The timer of its pending run. */
  id: TimerId;
  readonly fire: () => void;
}

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
    return this.scheduleTask(delayMs, this.task(fire));
  }

  /** A task for scheduleTask: runs `run`, unless the executor has shut down by then. */
  task(run: () => void): ExecutorTask {
    const task: ExecutorTask = {
      id: 0,
      fire: () => {
        this.forget(task.id);
        if (!this.stopped) run();
      },
    };
    return task;
  }

  /** Runs `task` once after `delayMs` (its last run has fired or was cancelled). */
  scheduleTask(delayMs: number, task: ExecutorTask): TimerId {
    task.id = this.env.setTimer(delayMs, task.fire);
    this.pending.push(task.id);
    return task.id;
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
