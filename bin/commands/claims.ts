// `rmqsim claims`: the guarantees matrix (or one shard of its seeds), with its files.
import type { Command } from 'commander';
import { Option } from 'commander';
import { CLAIM_NAMES } from '../../scenarios/claims-matrix.ts';
import { act } from '../action.ts';
import {
  fromOption,
  coverageOption,
  jsonOption,
  outOption,
  seedsOption,
  shardOption,
  textOption,
  workersOption,
} from '../options.ts';
import type { ClaimsFlags } from '../claims-run.ts';

export function registerClaims(program: Command): void {
  const command = program
    .command('claims')
    .description('the guarantees matrix: each claim of the article, per configuration and fault')
    .addOption(
      new Option('--claim <name>', "judge only this claim's cells (and no lessons)").choices(CLAIM_NAMES),
    )
    .addOption(seedsOption(6))
    .addOption(fromOption())
    .addOption(workersOption())
    .addOption(shardOption())
    .addOption(outOption('out'))
    .addOption(jsonOption())
    .addOption(coverageOption())
    .addOption(
      new Option(
        '--fail-fast',
        'stop at the first cell refuted or lesson failed that --baseline (or, without it, RocketMQ) says holds; write nothing',
      ),
    )
    .addOption(
      textOption(
        '--baseline <claims.json>',
        "an earlier run's --json result: its refutations do not stop --fail-fast",
      ),
    )
    .addHelpText(
      'after',
      '\njudges every cell over N seeds (cells of hours of virtual time over a quarter of them), shrinks' +
        '\neach refutation to a small counterexample, and writes DIR/claims.json, DIR/claims.html and' +
        '\nDIR/counterexamples/; Ctrl-C prints the seeds judged and the command that resumes' +
        '\nexample: rmqsim claims --seeds 20',
    );
  act(command, async (flags: ClaimsFlags) => {
    const { claimsCommand } = await import('../claims-run.ts');
    return claimsCommand(flags);
  });
}
