// An --out directory is tried before anything runs: its missing directories are made and a probe
// file written and removed, then everything the try made is taken back. A directory that cannot
// be written (a file in the path, /sys, /proc, /dev/null, no permission, a read-only or full disk)
// is bad input: exit 2, "cannot write --out DIR: why", after milliseconds instead of after the run.
import { rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../reports/output-files.ts';
import { UsageError } from './options.ts';

function why(error: unknown): string {
  const { code, path } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ENOTDIR':
      return `${path} is not a directory`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied at ${path}`;
    case 'EROFS':
      return `${path} is on a read-only file system`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'ENOENT':
      return `the file system refuses to create ${path}`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

export function checkOutDir(dir: string): void {
  const made: string[] = [];
  try {
    makeDirs(dir, made);
    const probe = join(dir, `.rmqsim-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new UsageError(`cannot write --out ${dir}: ${why(error)}`);
  } finally {
    for (const path of made.reverse()) rmdirSync(path);
  }
}
