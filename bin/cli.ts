// The command line's parsing: flags (node:util parseArgs), whole numbers, shards, scenarios by
// name or file, replay tokens, help texts and the progress bar. Anything wrong is a UsageError
// (or a scenario's ConfigError) that names the flag or field: exit code 2, nothing written.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseScenario, type ScenarioInput } from '../scenarios/scenario-schema.ts';
import { BUILT_IN_SCENARIOS, findScenario } from '../scenarios/library/index.ts';
import type { Shard } from '../scenarios/sweep.ts';

export const HELP = {
  main: `rmqsim: a deterministic simulation of Apache RocketMQ that checks its delivery guarantees

usage: rmqsim <command> [flags]      (rmqsim <command> --help for each)
  list      the built-in scenarios, each with its lesson
  run       run a scenario at one seed, check every property, write its history and trace
  sweep     run a scenario over many seeds on every core; stop at the first violation
  replay    run one seed again exactly (same trace hash)
  claims    the guarantees matrix: each claim of the article, per configuration and fault

exit codes: 0 every guaranteed property held, 1 one was violated, 2 bad input
example: rmqsim run async-flush-power-loss --seed 3`,
  list: `usage: rmqsim list [--json]
  the built-in scenarios, each with what it teaches
example: rmqsim list`,
  run: `usage: rmqsim run <scenario|file.json> [--seed N] [--out DIR] [--json]
  runs the scenario (a built-in name or a scenario file) at seed N (default: the scenario's),
  prints each property's verdict and writes run.json, history.jsonl and trace.jsonl to DIR
  (default out/runs/<scenario>-seed<N>)
example: rmqsim run consumer-crash-redelivery --seed 7`,
  replay: `usage: rmqsim replay <scenario|file.json>@<seed> [--out DIR] [--json]
  runs that seed again, exactly: the same trace hash, the same verdicts, the full trace written
example: rmqsim replay out/counterexamples/not-lost.async-flush.async-master.sync.concurrently.power-loss.json@1`,
  sweep: `usage: rmqsim sweep <scenario|file.json> [--seeds N] [--from S] [--workers K] [--shard i/n] [--json]
  runs seeds S..S+N-1 (default 1..100) on K worker processes (default: every core), stops at the
  first seed that violates a guaranteed property and prints its replay command; --shard i/n keeps
  every n-th seed starting with the i-th, so n machines can split one range
example: rmqsim sweep sync-flush-power-loss --seeds 500 --shard 1/4`,
  claims: `usage: rmqsim claims [--seeds N] [--from S] [--workers K] [--json] [--out DIR]
  judges every cell of the guarantees matrix over N seeds (default 6; cells of hours of virtual
  time over a quarter of them), shrinks each refutation to a small counterexample, and writes
  DIR/claims.json and DIR/counterexamples/ (default out/)
example: rmqsim claims --seeds 20`,
};
export type HelpTopic = keyof typeof HELP;

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: HelpTopic,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Allowed {
  seed?: true;
  seeds?: true;
  from?: true;
  workers?: true;
  shard?: true;
  out?: true;
}

export function options(command: HelpTopic, args: string[], allowed: Allowed, positionals = 0) {
  const flags: Record<string, { type: 'string' | 'boolean' }> = { json: { type: 'boolean' } };
  for (const flag of Object.keys(allowed)) flags[flag] = { type: 'string' };
  let parsed;
  try {
    parsed = parseArgs({ args, options: flags, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`, command);
  }
  const number = (flag: string, min: number) =>
    wholeNumber(command, flag, values[flag] as string | undefined, min);
  return {
    values: { json: values.json === true, out: values.out as string | undefined },
    positionals: parsed.positionals,
    seed: number('seed', 0),
    seeds: number('seeds', 1),
    from: number('from', 0),
    workers: number('workers', 1),
    shard: parseShard(command, values.shard as string | undefined),
  };
}

function wholeNumber(command: HelpTopic, flag: string, text: string | undefined, min: number) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got "${text}"`, command);
  }
  return value;
}

function parseShard(command: HelpTopic, text: string | undefined): Shard {
  if (text === undefined) return { index: 1, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const [index, count] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])];
  if (count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n, got "${text}"`, command);
  }
  return { index, count };
}

/** A built-in scenario by name, or a scenario file (JSON); `label` is how a replay names it. */
export function resolveScenario(source: string): { scenario: ScenarioInput; label: string } {
  const builtIn = findScenario(source);
  if (builtIn !== undefined) return { scenario: builtIn, label: source };
  if (!source.endsWith('.json') || !existsSync(source)) {
    const names = BUILT_IN_SCENARIOS.map((s) => s.name).join(', ');
    throw new UsageError(`unknown scenario "${source}": not a built-in (${names}) nor a .json file`, 'run');
  }
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${source} is not valid JSON: ${error instanceof Error ? error.message : error}`,
      'run',
    );
  }
  parseScenario(input, `scenario ${source}`);
  return { scenario: input as ScenarioInput, label: source };
}

export function parseReplayToken(token: string): { source: string; seed: number } {
  const at = token.lastIndexOf('@');
  const seedText = token.slice(at + 1);
  if (at <= 0 || !/^\d+$/.test(seedText)) {
    throw new UsageError(`a replay token is <scenario|file.json>@<seed>, got "${token}"`, 'replay');
  }
  return { source: token.slice(0, at), seed: Number(seedText) };
}

export const counterexampleFile = (cell: string) => `counterexamples/${cell}.json`;

/** A progress bar on stderr, only for a person at a terminal (not with --json, not in CI). */
export function progressBar(
  json: boolean,
  unit: string,
): ((done: number, total: number) => void) | undefined {
  if (json || !process.stderr.isTTY || process.env.CI !== undefined) return undefined;
  return (done, total) => {
    if (done < 0) return void process.stderr.write('\r\x1b[K');
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}`);
  };
}
