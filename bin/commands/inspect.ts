// `rmqsim inspect <storePathRootDir>`: a store directory's records, queues and checkpoint.
import type { Command } from 'commander';
import { act } from '../action.ts';
import { jsonOption } from '../options.ts';

export function registerInspect(program: Command): void {
  const command = program
    .command('inspect')
    .description("a store directory's CommitLog records, ConsumeQueues and checkpoint (read only)")
    .argument('<storePathRootDir>', "a broker's storePathRootDir (rmqsim's or RocketMQ 4.9.1+'s)")
    .addOption(jsonOption())
    .addHelpText('after', '\nexample: rmqsim inspect store');
  act(command, async (root: string, flags: { json?: true }) => {
    const [{ inspectStore, storeReportLines }, { table }] = await Promise.all([
      import('../../live/inspect.ts'),
      import('../../reports/terminal-table.ts'),
    ]);
    const report = inspectStore(root);
    console.log(flags.json ? JSON.stringify(report) : storeReportLines(report, table).join('\n'));
    return 0;
  });
}
