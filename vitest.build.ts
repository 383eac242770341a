// Before the tests: the compiled package (dist/) brought up to date, for the tests that run the
// command line as a user's npx does (tsc's incremental build: about 2 s when nothing changed).
import { execFileSync } from 'node:child_process';

export default function buildOnce(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
