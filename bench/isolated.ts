// Runs one benchmark case in a fresh Node process and returns what it prints. Cases that share
// library code (the bare heap loop and the scheduler both use TinyQueue) must not share a JIT:
// the first one to run leaves TinyQueue's comparator call site monomorphic for itself, and the
// second pays for a polymorphic one (measured: 0.35 vs 2.3 "ratios" depending on the order).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const CASES = fileURLToPath(new URL('./cases.ts', import.meta.url));

/** The case's last line of output, as JSON (a plain number is JSON too). */
export function runIsolatedJson<T>(name: string, nodeFlags: string[] = []): T {
  const out = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', CASES, name], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return lastJson<T>(name, out);
}

/** Runs the case in `copies` processes at once; resolves to each one's figure. */
export async function runIsolatedCopies<T>(name: string, copies: number): Promise<T[]> {
  const run = promisify(execFile);
  const outs = await Promise.all(
    Array.from({ length: copies }, () => run(process.execPath, ['--import', 'tsx', CASES, name])),
  );
  return outs.map(({ stdout }) => lastJson<T>(name, stdout));
}

function lastJson<T>(name: string, out: string): T {
  const last = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`benchmark case ${name} printed ${JSON.stringify(out)}`);
  }
}

export function runIsolated(name: string, nodeFlags: string[] = []): number {
  const value = runIsolatedJson<unknown>(name, nodeFlags);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`benchmark case ${name} printed ${JSON.stringify(value)}`);
  return value;
}
