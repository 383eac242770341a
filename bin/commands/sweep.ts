// `rmqsim sweep`: a scenario over a range of seeds (or one shard of it) on every core.
import type { Command } from 'commander';
import { act } from '../action.ts';
import {
  fromOption,
  coverageOption,
  jsonOption,
  outOption,
  seedsOption,
  shardOption,
  workersOption,
} from '../options.ts';
import type { SweepFlags } from '../sweep-run.ts';

export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description('run a scenario over many seeds on every core; stop at the first violation')
    .argument('<scenario>', 'a built-in scenario (rmqsim list) or a scenario file (.json)')
    .addOption(seedsOption(100))
    .addOption(fromOption())
    .addOption(workersOption())
    .addOption(shardOption())
    .addOption(outOption("nothing written; with --out, sweep.json and the failing seed's report.html"))
    .addOption(jsonOption())
    .addOption(coverageOption())
    .addHelpText(
      'after',
      "\nruns seeds S..S+N-1 in increasing order and prints the first failing seed's replay command;" +
        '\nCtrl-C prints the seeds done and the command that resumes' +
        '\nexample: rmqsim sweep sync-flush-power-loss --seeds 500 --shard 1/4',
    );
  act(command, async (scenario: string, flags: SweepFlags) => {
    const { sweepCommand } = await import('../sweep-run.ts');
    return sweepCommand(scenario, flags);
  });
}
