// `rmqsim merge`: the --json results of the shards of one sweep or one matrix, joined into the
// result (and files) that the range run whole would have given.
import type { Command } from 'commander';
import { act } from '../action.ts';
import { coverageOption, jsonOption, outOption } from '../options.ts';
import type { MergeFlags } from '../merge-run.ts';

export function registerMerge(program: Command): void {
  const command = program
    .command('merge')
    .description('join the --json results of `sweep --shard i/n` or `claims --shard i/n` runs into one')
    .argument('<results...>', "the shards' JSON results (each shard once, all of one run)")
    .addOption(outOption('out for claims; nothing for a sweep'))
    .addOption(jsonOption())
    .addOption(coverageOption())
    .addHelpText(
      'after',
      '\nthe merged result, its files and its exit code are those of the unsharded run' +
        '\nexample: rmqsim claims --shard 1/2 --json > 1.json; rmqsim claims --shard 2/2 --json > 2.json' +
        '\n         rmqsim merge 1.json 2.json',
    );
  act(command, async (files: string[], flags: MergeFlags) => {
    const { mergeCommand } = await import('../merge-run.ts');
    return mergeCommand(files, flags);
  });
}
