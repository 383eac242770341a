// The whole guarantees matrix on a pool: every cell judged seed by seed (a heavy cell, hours of
// virtual time a seed, over a quarter of the seeds), each cell stopping at its first refutation
// (ordered-search.ts). Jobs go out a seed at a time across all cells, heavy cells first within a
// seed, so no core idles at the end and an interrupted matrix has judged every cell up to about the
// same seed; `shard i/n` keeps every n-th seed of each cell's range, so shards merge by cell.
import { CLAIM_CELLS, type ClaimCell, type ClaimName } from './claims-matrix.ts';
import { judgeLessons, type LessonVerdict } from './lessons.ts';
import { OrderedSearch, type Job } from './ordered-search.ts';
import type { Pool } from './pool-task.ts';
import { resumeRange, shardSeeds, shardSize, type SeedRange } from './seed-range.ts';
import { cellVerdict, type CellSeedAnswer, type CellVerdict } from './verdict.ts';

/** A heavy cell's own range: the same start, a quarter of the seeds. */
export function cellRange(cell: ClaimCell, range: SeedRange): SeedRange {
  return cell.heavy ? { ...range, seeds: Math.max(1, Math.ceil(range.seeds / 4)) } : range;
}

export interface MatrixOptions {
  range: SeedRange;
  /** Only this claim's cells (default: every cell). */
  claim?: ClaimName;
  workers: number;
  onProgress?: (done: number, total: number) => void;
  /** Each cell seed as it is judged (in the order answers come back), for `claims --fail-fast`. */
  onAnswer?: (cell: string, answer: CellSeedAnswer) => void;
  /** Each lesson as it is judged (startClaims only). */
  onLesson?: (verdict: LessonVerdict) => void;
}

export interface StartedMatrix {
  result: Promise<CellVerdict[]>;
  /** How many cell seeds the matrix judges at most. */
  total: number;
  done(): number;
  /** Where a matrix of the rest starts: the first seed some cell has not judged. */
  resume(): SeedRange | undefined;
}

function* interleaved(cells: readonly ClaimCell[], range: SeedRange): Generator<Job> {
  const order = [...cells].sort((a, b) => Number(b.heavy) - Number(a.heavy));
  const seeds = order.map((cell) => ({ group: cell.id, seeds: shardSeeds(cellRange(cell, range)) }));
  for (let live = seeds; live.length > 0;) {
    const next: typeof seeds = [];
    for (const cell of live) {
      const step = cell.seeds.next();
      if (step.done) continue;
      next.push(cell);
      yield { group: cell.group, seed: step.value };
    }
    live = next;
  }
}

export function startMatrix(pool: Pool, options: MatrixOptions): StartedMatrix {
  const { range } = options;
  const cells = CLAIM_CELLS.filter((cell) => options.claim === undefined || cell.claim === options.claim);
  const search = new OrderedSearch<CellSeedAnswer>((answer) => answer.counterexample !== null);
  const total = cells.reduce((sum, cell) => sum + shardSize(cellRange(cell, range)), 0);
  let answered = 0;
  const runJob = async ({ group, seed }: Job) => {
    const answer = await pool.run<CellSeedAnswer>({ kind: 'cell-seed', cell: group, seed });
    options.onAnswer?.(group, answer);
    return answer;
  };
  const result = search
    .run(interleaved(cells, range), options.workers, runJob, (n) => {
      answered = n;
      options.onProgress?.(n, total);
    })
    .then(() =>
      cells.map((cell) => cellVerdict(cell, cellRange(cell, range).seeds, range.from, search.kept(cell.id))),
    );
  const resume = () => {
    const starts = cells
      .map((cell) => resumeRange(cellRange(cell, range), (seed) => search.isDone(cell.id, seed)))
      .filter((r) => r !== undefined);
    if (starts.length === 0) return undefined;
    const from = Math.min(...starts.map((r) => r.from));
    return { from, seeds: range.from + range.seeds - from, shard: { index: 1, count: range.shard.count } };
  };
  return { result, total, done: () => answered, resume };
}

/**
 * The matrix and the lessons: each built-in scenario at its seed, judged with the whole matrix,
 * once (by its first shard: the other shards' would be the same).
 */
export function startClaims(
  pool: Pool,
  options: MatrixOptions,
): StartedMatrix & { lessons: Promise<LessonVerdict[]> } {
  const judged = options.range.shard.index === 1 && options.claim === undefined;
  return {
    ...startMatrix(pool, options),
    lessons: judged ? judgeLessons(pool, undefined, options.onLesson) : Promise.resolve([]),
  };
}
