// Runs one benchmark case in a fresh Node process and returns what it prints. Cases that share
// library code (the bare heap loop and the scheduler both use TinyQueue) must not share a JIT:
// the first one to run leaves TinyQueue's comparator call site monomorphic for itself, and the
// second pays for a polymorphic one (measured: 0.35 vs 2.3 "ratios" depending on the order).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CASES = fileURLToPath(new URL('./cases.ts', import.meta.url));

export function runIsolated(name: string): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CASES, name], { encoding: 'utf8' });
  const value = Number(out.trim().split('\n').at(-1));
  if (!Number.isFinite(value)) throw new Error(`benchmark case ${name} printed ${JSON.stringify(out)}`);
  return value;
}
