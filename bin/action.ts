// A command's action: its exit code becomes the process's; bad input (a UsageError, a scenario's
// or broker.conf's ConfigError naming its field, a live command's LiveInputError) is reported by
// commander with the command's usage hint, exit 2.
import type { Command } from 'commander';
import { UsageError } from './options.ts';

/** The command's action: its exit code; bad input (a UsageError or a scenario's ConfigError) exits 2. */
export function act<A extends unknown[]>(command: Command, run: (...args: A) => Promise<number>): Command {
  command.showHelpAfterError(`(rmqsim help ${command.name()} prints its usage)`);
  return command.action(async (...args: unknown[]) => {
    try {
      process.exitCode = await run(...(args as A));
    } catch (error) {
      const bad =
        error instanceof UsageError ||
        (error instanceof Error && (error.name === 'ConfigError' || error.name === 'LiveInputError'));
      if (bad) command.error(`error: ${error.message}`, { exitCode: 2, code: 'rmqsim.badInput' });
      throw error;
    }
  });
}
