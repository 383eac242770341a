// A pool of worker processes (tinypool) for sweeps and the matrix: every core runs seeds. A worker
// runs the same code as its parent: compiled JavaScript in the installed package, or TypeScript
// through tsx's loader when the parent itself runs from the sources (tests, the bench). Each answer
// depends on its task alone, so results are the same whatever the pool's size or order.
import { availableParallelism } from 'node:os';
import { Tinypool } from 'tinypool';
import type { Pool } from '../scenarios/pool-task.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function createPool(workers: number): Pool {
  const fromSources = import.meta.url.endsWith('.ts');
  const pool = new Tinypool({
    filename: new URL(fromSources ? './pool-worker.ts' : './pool-worker.js', import.meta.url).href,
    runtime: 'child_process',
    execArgv: fromSources ? ['--import', 'tsx'] : [],
    minThreads: workers,
    maxThreads: workers,
  });
  return {
    run: (task) => pool.run(task).catch((error: unknown) => Promise.reject(revived(error))),
    destroy: () => pool.destroy(),
  };
}

/**
 * A worker's error crosses the process boundary as a plain object: made an Error again, with its
 * name and message, so that bad input found in a worker (a scenario's ConfigError: a spent budget)
 * is still reported as bad input.
 */
function revived(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (typeof name !== 'string' || typeof message !== 'string') return error;
  return Object.assign(new Error(message), { name });
}
