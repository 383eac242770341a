// The rmqsim command line (contract: ../shared/DESIGN.md) on commander: `--version`, `help <cmd>`,
// per-command usage and errors. Each command is one file of bin/commands/ that registers itself;
// a command's heavy modules (the simulator, the reports) are imported only when it runs, so
// `--help` and usage errors answer at once. Exit 0: every guaranteed property held; 1: one was
// violated; 2: bad input (the flag, argument or scenario field is named; nothing is written).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';

/** The version in the package's package.json (found above this file, from sources or compiled). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

const EXIT_CODES = `
exit codes: 0 every guaranteed property held, 1 one was violated (its replay command is printed),
            2 bad input (the flag, argument or scenario field is named; nothing is written)
example: rmqsim run async-flush-power-loss --seed 3`;

export function program(): Command {
  const cli = new Command('rmqsim')
    .description('a deterministic simulation of Apache RocketMQ that checks its delivery guarantees')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .addHelpText('after', EXIT_CODES)
    .showHelpAfterError('(rmqsim help <command> prints its usage)')
    .exitOverride();
  for (const register of COMMANDS) register(cli);
  return cli;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.exitCode === 0 ? 0 : 2;
  }
}
