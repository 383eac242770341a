// `rmqsim list`: the built-in scenarios, each with what it teaches.
import type { Command } from 'commander';
import { act } from '../action.ts';
import { jsonOption } from '../options.ts';

export function registerList(program: Command): void {
  const command = program
    .command('list')
    .description('the built-in scenarios, each with its lesson')
    .addOption(jsonOption())
    .addHelpText('after', '\nexample: rmqsim list');
  act(command, async (options: { json?: true }) => {
    const [{ BUILT_IN_SCENARIOS }, { table }] = await Promise.all([
      import('../../scenarios/library/index.ts'),
      import('../../reports/terminal-table.ts'),
    ]);
    const rows = BUILT_IN_SCENARIOS.map((s) => ({ name: s.name, title: s.title, teaches: s.lesson.teaches }));
    if (options.json) console.log(JSON.stringify({ scenarios: rows }));
    else {
      const width = Math.max(80, process.stdout.columns ?? 100);
      console.log(
        table(
          ['scenario', 'teaches'],
          rows.map((r) => [r.name, r.teaches]),
          [30, width - 34],
        ),
      );
    }
    return 0;
  });
}
