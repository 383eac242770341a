// Seeded random streams. Every random choice in a run comes from the run seed, through a stream
// named after the subsystem or node that draws from it ("net", "disk:broker-a", "workload"...).
// Streams are independent: a draw added in one subsystem does not shift any other, so a change
// to the network model leaves the workload's choices, and most of a trace, where they were.
// Generator: seedrandom's alea (fast, 32-bit state words, seeded from a string).
// Not modelled: cryptographic quality; nothing here needs it.
import seedrandom from 'seedrandom';
import type { Rng } from '../core/env.ts';

export const RNG_ALGORITHM = 'seedrandom.alea';

export class SeededRng implements Rng {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seedText: string) {
    this.prng = seedrandom.alea(seedText);
  }

  next(): number {
    return this.prng();
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.prng() * n);
  }

  chance(p: number): boolean {
    return p > 0 && this.prng() < p;
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.prng();
  }

  /** Exponentially distributed with the given mean (inverse transform; 1 - u avoids log(0)). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.prng());
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }
}

/** The stream `name` of the run with seed `seed`. */
export function rngStream(seed: number, name: string): SeededRng {
  return new SeededRng(`${seed}/${name}`);
}
