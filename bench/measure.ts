// Timing helpers for benchmarks: best of several runs after a warm-up, so one GC pause or JIT
// tier-up does not decide a figure. Figures print as one JSON object per line.

export interface Figure {
  bench: string;
  [key: string]: unknown;
}

/** Runs `body` (which returns how many units of work it did) and returns units per second. */
export function rate(body: () => number, runs = 5): number {
  body();
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const units = body();
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, units / seconds);
  }
  return best;
}

export function print(figure: Figure): void {
  console.log(JSON.stringify(figure));
}
