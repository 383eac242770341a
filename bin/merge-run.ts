// `rmqsim merge`'s action. Every shard of one range must be there once (same scenario or matrix,
// same --from and --seeds, shards 1..n of the same n); then a sweep's seeds are joined and cut
// after the first failing seed, and a matrix cell takes its earliest counterexample over the
// shards (each shard judged all its seeds below its own first one, so the earliest is the whole
// range's first). The result, files and exit code are those of the range run whole.
import { readFileSync } from 'node:fs';
import { createPool, defaultWorkers } from '../lib/pool.ts';
import type { ClaimRow, ClaimsMatrix } from '../reports/claims-report.ts';
import { writeFiles } from '../reports/output-files.ts';
import { probeSeeds, seedRuns } from '../scenarios/coverage.ts';
import { WHOLE, type SeedRange } from '../scenarios/seed-range.ts';
import { sweepResult, type SweepResult } from '../scenarios/sweep.ts';
import type { CellVerdict } from '../scenarios/verdict.ts';
import { claimsFiles, reportClaims } from './claims-run.ts';
import { UsageError } from './options.ts';
import { checkOutDir } from './out-dir.ts';
import { printSweep, sweepFiles } from './sweep-run.ts';

export interface MergeFlags {
  out?: string;
  json?: true;
  coverage?: true;
}

type Part = { file: string } & (
  { kind: 'sweep'; result: SweepResult } | { kind: 'claims'; result: ClaimsMatrix }
);

function readPart(file: string): Part {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const object = (data ?? {}) as Record<string, unknown>;
  const shard = object.shard as { index?: unknown; count?: unknown } | undefined;
  const ranged = typeof object.from === 'number' && typeof object.seeds === 'number';
  if (ranged && typeof shard?.index === 'number' && typeof shard.count === 'number') {
    if (Array.isArray(object.results)) return { file, kind: 'sweep', result: data as SweepResult };
    if (Array.isArray(object.claims)) return { file, kind: 'claims', result: data as ClaimsMatrix };
  }
  throw new UsageError(`${file} is not the --json result of \`rmqsim sweep\` or \`rmqsim claims\``);
}

/** What must be equal across the shards of one run. */
function identity(part: Part): string {
  const { from, seeds, shard } = part.result;
  const what =
    part.kind === 'sweep'
      ? `sweep of ${part.result.source}`
      : `claims${part.result.claim ? ` --claim ${part.result.claim}` : ''}`;
  return `${what}, --from ${from} --seeds ${seeds}, ${shard.count} shard${shard.count === 1 ? '' : 's'}`;
}

function checkShards(parts: Part[]): void {
  const first = identity(parts[0]!);
  for (const part of parts) {
    if (identity(part) !== first) {
      throw new UsageError(
        `${part.file} is not a shard of the same run as ${parts[0]!.file}: ${identity(part)} vs ${first}`,
      );
    }
  }
  const count = parts[0]!.result.shard.count;
  for (let index = 1; index <= count; index++) {
    const given = parts.filter((p) => p.result.shard.index === index).map((p) => p.file);
    if (given.length === 0) throw new UsageError(`shard ${index}/${count} is missing`);
    if (given.length > 1) throw new UsageError(`shard ${index}/${count} is given twice: ${given.join(', ')}`);
  }
}

export function mergeSweeps(results: readonly SweepResult[]): SweepResult {
  const [first] = results;
  const seeds = results.flatMap((r) => r.results).sort((a, b) => a.seed - b.seed);
  const failure = seeds.find((r) => !r.ok)?.seed ?? Infinity;
  const range: SeedRange = { from: first!.from, seeds: first!.seeds, shard: WHOLE };
  return sweepResult(
    first!.scenario,
    first!.source,
    range,
    seeds.filter((r) => r.seed <= failure),
  );
}

/** Each cell's verdict over the whole range: its earliest counterexample over the shards. */
export function mergeVerdicts(matrices: readonly ClaimsMatrix[]): CellVerdict[] {
  return matrices[0]!.claims.map((row) => {
    const rows = matrices.map((m) => m.claims.find((r) => r.cell === row.cell)!);
    const refuted = rows
      .filter(
        (r): r is ClaimRow & Required<Pick<ClaimRow, 'counterexample'>> => r.counterexample !== undefined,
      )
      .sort((a, b) => a.counterexample.seed - b.counterexample.seed)[0];
    // Each shard's coverage, joined and cut at the whole range's first refutation.
    const probes = probeSeeds(
      rows.flatMap((r) => seedRuns(r.probes)),
      refuted?.counterexample.seed,
    );
    if (refuted === undefined) return { ...(row as CellVerdict), probes };
    const { replay: _replay, file: _file, ...counterexample } = refuted.counterexample;
    return { ...refuted, counterexample, probes };
  });
}

export async function mergeCommand(files: string[], flags: MergeFlags): Promise<number> {
  const parts = files.map(readPart);
  checkShards(parts);
  if (parts.some((p) => p.kind !== parts[0]!.kind)) throw new UsageError('cannot merge sweeps with claims');
  const out = flags.out ?? (parts[0]!.kind === 'claims' ? 'out' : undefined);
  if (out !== undefined) checkOutDir(out);
  const pool = createPool(Math.min(2, defaultWorkers()));
  try {
    if (parts[0]!.kind === 'sweep') {
      const merged = mergeSweeps(parts.map((p) => p.result as SweepResult));
      const written = out === undefined ? [] : writeFiles(out, await sweepFiles(merged, pool));
      printSweep(merged, flags.json === true, written, flags.coverage === true);
      return merged.firstFailure === undefined ? 0 : 1;
    }
    const matrices = parts.map((p) => p.result as ClaimsMatrix);
    const { from, seeds } = matrices[0]!;
    const { lessons, claim } = matrices.find((m) => m.shard.index === 1)!;
    const range = { from, seeds, shard: WHOLE };
    const merged = mergeVerdicts(matrices);
    const { matrix, files: written } = await claimsFiles(out!, range, claim, merged, lessons, pool);
    return reportClaims(matrix, flags.json === true, writeFiles(out!, written), flags.coverage === true);
  } finally {
    await pool.destroy();
  }
}
