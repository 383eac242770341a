// A pool of worker processes (tinypool) for sweeps and the matrix: every core runs seeds. Workers
// are child processes started with tsx's loader, so they run the same TypeScript sources; each
// answer depends on its task alone, so results are the same whatever the pool's size or order.
import { availableParallelism } from 'node:os';
import { Tinypool } from 'tinypool';
import type { Pool } from '../scenarios/pool-task.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function createPool(workers: number): Pool {
  const pool = new Tinypool({
    filename: new URL('./pool-worker.ts', import.meta.url).href,
    runtime: 'child_process',
    execArgv: ['--import', 'tsx'],
    minThreads: workers,
    maxThreads: workers,
  });
  return {
    run: (task) => pool.run(task),
    destroy: () => pool.destroy(),
  };
}
