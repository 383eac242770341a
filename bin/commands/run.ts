// `rmqsim run` (a scenario at one seed) and `rmqsim replay` (a replay token: the same run again).
import type { Command } from 'commander';
import { act } from '../action.ts';
import { jsonOption, outOption, seedNumber, valueOption } from '../options.ts';

interface RunFlags {
  seed?: number;
  out?: string;
  json?: true;
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('run a scenario at one seed, check every property, write its history, trace and report')
    .argument('<scenario>', 'a built-in scenario (rmqsim list) or a scenario file (.json)')
    .addOption(valueOption('--seed <n>', "the seed (default: the scenario's)", seedNumber))
    .addOption(outOption('out/runs/<scenario>-seed<n>'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nwrites run.json, history.jsonl, trace.jsonl and report.html\nexample: rmqsim run consumer-crash-redelivery --seed 7',
    );
  act(command, async (scenario: string, flags: RunFlags) => {
    const { runOnce } = await import('../run-once.ts');
    return runOnce(scenario, flags.seed, flags.out, flags.json === true);
  });
}

export function registerReplay(program: Command): void {
  const command = program
    .command('replay')
    .description('run one seed again, exactly: the same trace hash, the same verdicts, the full trace')
    .argument('<token>', 'a replay token, <scenario|file.json>@<seed>, as a failure prints it')
    .addOption(outOption('out/runs/<scenario>-seed<n>'))
    .addOption(jsonOption())
    .addHelpText('after', '\nexample: rmqsim replay async-flush-power-loss@3');
  act(command, async (token: string, flags: RunFlags) => {
    const [{ runOnce }, { parseReplayToken }] = await Promise.all([
      import('../run-once.ts'),
      import('../scenario-source.ts'),
    ]);
    const { source, seed } = parseReplayToken(token);
    return runOnce(source, seed, flags.out, flags.json === true);
  });
}
