// Files a command writes. Each is written to a temporary name and renamed into place, so a reader
// (or a crash) never sees half a file, and bad input, found before anything runs, writes nothing.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TraceRecord } from '../sim/trace.ts';

export function writeFiles(dir: string, files: Record<string, string>): string[] {
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    const partial = `${path}.partial-${process.pid}`;
    writeFileSync(partial, text);
    renameSync(partial, path);
    written.push(path);
  }
  return written;
}

export function traceJsonLines(trace: readonly TraceRecord[]): string {
  return trace.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
