// For the command line's tests: run the compiled command line (dist/, built before the tests by
// vitest.build.ts) under plain node, as a user's npx does, with a time limit so a hang fails.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', 'dist', 'bin', 'rmqsim.js');

export function rmqsim(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, CI: '1' },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/**
 * Starts the command line, waits until its stderr matches `ready`, sends it Ctrl-C (SIGINT) and
 * resolves with its exit code and output once it has ended.
 */
export function interruptWhen(args: string[], ready: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CI: '1', ...env } });
  let out = '';
  let err = '';
  let sentAt = 0;
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => {
    err += chunk;
    if (sentAt === 0 && ready.test(err)) {
      sentAt = Date.now();
      child.kill('SIGINT');
    }
  });
  return new Promise<{ code: number | null; out: string; err: string; endedAfterMs: number }>((done) =>
    child.on('close', (code) => done({ code, out, err, endedAfterMs: Date.now() - sentAt })),
  );
}

export const tmp = () => mkdtempSync(join(tmpdir(), 'rmqsim-cli-'));
