// The command line's cold start: `rmqsim --help` and a usage error, each a fresh `node` process
// running the compiled package (as `npx rmqsim` does), beside `node -e 0` timed alternately in the
// same run, so the figure reads as a multiple of what any Node program pays to start. The target
// (issue 17) is ≤ 0.5 s for --help. Median of 15 starts each, after one of each to warm the disk cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { print } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/bin/rmqsim.js', import.meta.url));

function seconds(args: string[]): number {
  const start = performance.now();
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  return (performance.now() - start) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function benchCli(starts = 15): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const cases = {
    node: ['-e', '0'],
    help: [CLI, '--help'],
    usageError: [CLI, 'sweep', 'quick-start', '--seeds', '-1'],
  };
  const times: Record<keyof typeof cases, number[]> = { node: [], help: [], usageError: [] };
  for (let i = 0; i <= starts; i++) {
    for (const [name, args] of Object.entries(cases) as [keyof typeof cases, string[]][]) {
      const t = seconds(args);
      if (i > 0) times[name].push(t);
    }
  }
  const node = median(times.node);
  for (const name of ['help', 'usageError'] as const) {
    const value = median(times[name]);
    print({
      bench: `cli-cold-start-${name}`,
      seconds: Number(value.toFixed(3)),
      nodeStartSeconds: Number(node.toFixed(3)),
      ratio: Number((value / node).toFixed(2)),
      target: name === 'help' ? '≤ 0.5 s' : undefined,
    });
  }
}
