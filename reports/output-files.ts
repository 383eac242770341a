// Files a command writes. Each is written to a temporary name and renamed into place, so a reader
// (or a crash) never sees half a file, and bad input, found before anything runs, writes nothing.
// Directories are made one level at a time (makeDirs): Node's recursive mkdir loops forever where
// a file system refuses new entries without saying why (/proc answers ENOENT for ever).
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TraceRecord } from '../sim/trace.ts';

/** An error of the file system, with the path it is about. */
function fsError(code: string, path: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, '${path}'`), { code, path });
}

/**
 * Makes `dir` and its missing parents, pushing each directory it made onto `made` (so a caller can
 * take them back); throws the file system's error (ENOTDIR when a file stands in the path).
 */
export function makeDirs(dir: string, made: string[] = []): string[] {
  const missing: string[] = [];
  let existing = resolve(dir);
  while (!existsSync(existing)) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) throw fsError('ENOTDIR', existing, 'not a directory');
  for (const path of missing) {
    mkdirSync(path);
    made.push(path);
  }
  return made;
}

export function writeFiles(dir: string, files: Record<string, string>): string[] {
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    makeDirs(dirname(path));
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
