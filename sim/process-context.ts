// The seam between a node's fault models and the one process incarnation running on it. Every
// callback into a process (a timer, a delivered message, a flush completion) goes through `post`,
// so a paused process handles it late and a dead incarnation never sees it.

export interface ProcessContext {
  readonly address: string;
  /** Counts starts of this node's process; a restart gets a new one. */
  readonly incarnation: number;
  /** Runs `fn` as this incarnation: now if running, at resume if paused, never once it has died. */
  post(fn: () => void): void;
  /** True when post() would run a callback at once: a hot caller then calls it with no closure. */
  runsNow(): boolean;
}
