// The command line's flag values: whole numbers in a stated range, shards, and the errors that name
// what is wrong. A flag's parser (commander's argParser) refuses a bad value or a flag given twice
// before anything runs; a UsageError thrown later (a scenario that does not exist, an --out that
// cannot be written) names its flag or argument too. Either way: exit code 2, nothing written.
import { InvalidArgumentError, Option } from 'commander';
import { MAX_SEED, type Shard } from '../scenarios/seed-range.ts';

/** Bad input found after parsing: the command exits 2 with the message and its usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A flag that takes one value: parsed by `parse`, refused when given twice. */
export function valueOption<T>(flags: string, description: string, parse: (text: string) => T): Option {
  return new Option(flags, description).argParser((text: string, previous: unknown) => {
    if (previous !== undefined) throw new InvalidArgumentError('the flag is given twice (give it once)');
    return parse(text);
  });
}

/** A whole number in min..max (max at most 2^53-1, so every accepted value is exact). */
export function wholeNumber(min: number, max: number, maxWhy = '') {
  return (text: string): number => {
    if (!/^[+-]?\d+$/.test(text.trim())) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    const value = Number(text);
    if (value < min) throw new InvalidArgumentError(`must be ≥ ${min}`);
    if (value > max) throw new InvalidArgumentError(`must be ≤ ${max}${maxWhy}`);
    return value;
  };
}

export const seedNumber = wholeNumber(0, MAX_SEED, ' (seeds are exact integers)');

/** A sweep or matrix runs at most this many seeds (a billion seeds take years on any machine). */
export const MAX_SEEDS = 1_000_000_000;
export const seedCount = wholeNumber(1, MAX_SEEDS, ' (a billion seeds take years)');

/** More worker processes than this only share the same cores (and take ~100 MB each). */
export const MAX_WORKERS = 64;
export const workerCount = wholeNumber(1, MAX_WORKERS);

export function shard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])];
  if (count < 1 || index < 1 || index > count || count > MAX_SEEDS) {
    throw new InvalidArgumentError('must be i/n with 1 ≤ i ≤ n (shard i of n)');
  }
  return { index, count };
}

/** The range from..from+seeds-1 must stay within the seeds a scenario accepts. */
export function checkRange(from: number, seeds: number): void {
  if (from + seeds - 1 > MAX_SEED) {
    throw new UsageError(
      `--from ${from} with --seeds ${seeds} ends past the largest seed, ${MAX_SEED}: lower --from or --seeds`,
    );
  }
}

/** The flags of a command that runs a range of seeds on workers (sweep, claims). */
export interface RangeFlags {
  seeds?: number;
  from?: number;
  workers?: number;
  shard?: Shard;
  out?: string;
  json?: true;
  coverage?: true;
}

export const coverageOption = () =>
  new Option(
    '--coverage',
    "list every coverage probe of core/ with how many runs hit it (--json's object always has them)",
  );

export const jsonOption = () =>
  new Option('--json', 'print one JSON object on stdout (no tables, no progress on stderr)');
export const outOption = (where: string) =>
  valueOption('--out <dir>', `the directory to write to (default: ${where})`, (text) => {
    if (text.trim() === '') throw new InvalidArgumentError('must name a directory');
    return text;
  });
export const seedsOption = (byDefault: number) =>
  valueOption('--seeds <n>', `how many seeds, from --from on (default: ${byDefault})`, seedCount);
export const fromOption = () => valueOption('--from <seed>', 'the first seed (default: 1)', seedNumber);
export const workersOption = () =>
  valueOption('--workers <k>', 'worker processes (default: one a core)', workerCount);
export const shardOption = () =>
  valueOption('--shard <i/n>', 'run only shard i of n (every n-th seed); `rmqsim merge` joins them', shard);

/** A flag that takes text as it is, once. */
export const textOption = (flags: string, description: string) =>
  valueOption(flags, description, (text) => text);
/** The live commands' NameServer (-n, mqadmin's flag) and topic (-t). */
export const namesrvAddrOption = () =>
  textOption('-n, --namesrvAddr <addr>', 'the NameServer, host:port').makeOptionMandatory();
export const topicOption = () => textOption('-t, --topic <topic>', 'the topic').makeOptionMandatory();
