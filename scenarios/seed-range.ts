// A range of seeds, possibly one shard of it: seeds from..from+seeds-1, of which shard i/n keeps
// those whose rank in the range is i-1 modulo n (so n machines split one range and their results
// merge by seed). Seeds are produced lazily, so a range of a billion seeds costs nothing until run;
// and an interrupted search knows where to resume: the first seed of its shard not yet judged.

export interface Shard {
  index: number;
  count: number;
}

export interface SeedRange {
  from: number;
  seeds: number;
  shard: Shard;
}

/** The largest seed a scenario accepts (seeds are exact integers). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const WHOLE: Shard = { index: 1, count: 1 };

/** The seeds of the range's shard, in increasing order. */
export function* shardSeeds({ from, seeds, shard }: SeedRange): Generator<number> {
  for (let seed = from + shard.index - 1; seed < from + seeds; seed += shard.count) yield seed;
}

/** How many seeds the range's shard holds. */
export function shardSize({ seeds, shard }: SeedRange): number {
  return Math.max(0, Math.ceil((seeds - (shard.index - 1)) / shard.count));
}

/**
 * Where an interrupted search over the range goes on: the first seed of its shard not `done`, as a
 * range of its own (the same shard's remaining seeds are the new range's shard 1/n); undefined
 * when every seed was done.
 */
export function resumeRange(range: SeedRange, done: (seed: number) => boolean): SeedRange | undefined {
  for (const seed of shardSeeds(range)) {
    if (done(seed)) continue;
    return {
      from: seed,
      seeds: range.from + range.seeds - seed,
      shard: { index: 1, count: range.shard.count },
    };
  }
  return undefined;
}

/** The flags that select the range, for a command line that resumes or repeats it. */
export function rangeFlags({ from, seeds, shard }: SeedRange): string {
  return `--from ${from} --seeds ${seeds}${shard.count > 1 ? ` --shard ${shard.index}/${shard.count}` : ''}`;
}
