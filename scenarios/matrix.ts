// The whole guarantees matrix on a pool: every cell judged over `seeds` seeds (a heavy cell,
// hours of virtual time a seed, over a quarter of them), heavy cells first so no core idles at
// the end, the rows returned in the matrix's own order.
import { CLAIM_CELLS } from './claims-matrix.ts';
import type { Pool } from './pool-task.ts';
import type { CellVerdict } from './verdict.ts';

function cellSeeds(heavy: boolean, seeds: number): number {
  return heavy ? Math.max(1, Math.ceil(seeds / 4)) : seeds;
}

export async function judgeMatrix(
  pool: Pool,
  seeds: number,
  from: number,
  onDone?: (done: number, total: number) => void,
): Promise<CellVerdict[]> {
  let done = 0;
  const order = [...CLAIM_CELLS].sort((a, b) => Number(b.heavy) - Number(a.heavy));
  const verdicts = new Map<string, CellVerdict>();
  await Promise.all(
    order.map(async (cell) => {
      const verdict = await pool.run<CellVerdict>({
        kind: 'cell',
        cell: cell.id,
        seeds: cellSeeds(cell.heavy, seeds),
        from,
      });
      verdicts.set(cell.id, verdict);
      onDone?.(++done, order.length);
    }),
  );
  return CLAIM_CELLS.map((cell) => verdicts.get(cell.id)!);
}
