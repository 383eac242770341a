// Before the tests: the compiled package (dist/) brought up to date, for the tests that run the
// command line as a user's npx does (tsc's incremental build: about 2 s when nothing changed).
// A vitest that a test starts (RMQSIM_NO_BUILD=1) skips it: the vitest that started it built.
import { execFileSync } from 'node:child_process';

export default function buildOnce(): void {
  if (process.env.RMQSIM_NO_BUILD === '1') return;
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
