#!/usr/bin/env -S npx tsx
// The rmqsim command line (contract: ../shared/DESIGN.md). Exit 0: every guaranteed property
// held; 1: one was violated (its replay command is printed); 2: bad input, named, nothing written.
import { join } from 'node:path';
import { toJsonLines } from '../properties/history.ts';
import { brokenLessons, claimsText, findings, type ClaimsMatrix } from '../reports/claims-report.ts';
import { claimsHtml, runReportHtml } from '../reports/html/index.ts';
import { runJson, runText } from '../reports/run-report.ts';
import { traceJsonLines, writeFiles } from '../reports/output-files.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/library/index.ts';
import { judgeLessons } from '../scenarios/lessons.ts';
import { judgeMatrix } from '../scenarios/matrix.ts';
import { createPool, defaultWorkers } from '../lib/pool.ts';
import { runScenario } from '../scenarios/runner.ts';
import { sweep } from '../scenarios/sweep.ts';
import {
  counterexampleFile,
  HELP,
  options,
  parseReplayToken,
  progressBar,
  resolveScenario,
  UsageError,
} from './cli.ts';

function list(args: string[]): number {
  const { values } = options('list', args, {});
  const rows = BUILT_IN_SCENARIOS.map((s) => ({ name: s.name, title: s.title, teaches: s.lesson.teaches }));
  if (values.json) console.log(JSON.stringify({ scenarios: rows }));
  else for (const r of rows) console.log(`${r.name.padEnd(28)} ${r.title}\n${' '.repeat(29)}${r.teaches}`);
  return 0;
}

function runOnce(source: string, seed: number | undefined, out: string | undefined, json: boolean): number {
  const { scenario, label } = resolveScenario(source);
  const result = runScenario(scenario, { seed, source: label, keepTrace: true });
  const dir = out ?? join('out', 'runs', `${result.scenario}-seed${result.seed}`);
  const summary = runJson(result);
  const written = writeFiles(dir, {
    'run.json': `${JSON.stringify(summary, null, 2)}\n`,
    'history.jsonl': toJsonLines(result.history),
    'trace.jsonl': traceJsonLines(result.trace),
    'report.html': runReportHtml(result, scenario),
  });
  if (json) console.log(JSON.stringify(summary));
  else console.log(`${runText(result)}\nwritten: ${written.join(', ')}`);
  return result.ok ? 0 : 1;
}

function run(args: string[]): number {
  const { values, positionals, seed } = options('run', args, { seed: true, out: true }, 1);
  return runOnce(positionals[0]!, seed, values.out, values.json);
}

function replay(args: string[]): number {
  const { values, positionals } = options('replay', args, { out: true }, 1);
  const { source, seed } = parseReplayToken(positionals[0]!);
  return runOnce(source, seed, values.out, values.json);
}

async function sweepCommand(args: string[]): Promise<number> {
  const { values, positionals, seeds, from, workers, shard } = options(
    'sweep',
    args,
    { seeds: true, from: true, workers: true, shard: true },
    1,
  );
  const { scenario, label } = resolveScenario(positionals[0]!);
  const pool = createPool(workers ?? defaultWorkers());
  const bar = progressBar(values.json, 'seeds');
  try {
    const result = await sweep(
      scenario,
      label,
      { seeds: seeds ?? 100, from: from ?? 1, shard, workers: workers ?? defaultWorkers(), onProgress: bar },
      pool,
    );
    bar?.(-1, 0);
    if (values.json) console.log(JSON.stringify(result));
    else {
      const failed = result.firstFailure;
      console.log(
        `${result.scenario}: ${result.results.length} seed${result.results.length === 1 ? '' : 's'} run from ${result.from}` +
          (shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : ''),
      );
      if (failed === undefined) console.log('every guaranteed property held at every seed');
      else {
        const broken = failed.checks.filter((c) => c.guaranteed && !c.holds);
        console.log(`seed ${failed.seed} violates ${broken.map((c) => c.property).join(', ')}:`);
        for (const c of broken) console.log(`  ${c.examples[0]}`);
        console.log(`replay: ${failed.replay}`);
      }
    }
    return result.firstFailure === undefined ? 0 : 1;
  } finally {
    await pool.destroy();
  }
}

async function claims(args: string[]): Promise<number> {
  const {
    values,
    seeds = 6,
    from = 1,
    workers,
  } = options('claims', args, { seeds: true, from: true, out: true, workers: true });
  const out = values.out ?? 'out';
  const pool = createPool(workers ?? defaultWorkers());
  const bar = progressBar(values.json, 'cells');
  try {
    const [verdicts, lessons] = await Promise.all([judgeMatrix(pool, seeds, from, bar), judgeLessons(pool)]);
    bar?.(-1, 0);
    const files: Record<string, string> = {};
    const rows = await Promise.all(
      verdicts.map(async ({ counterexample, ...row }) => {
        if (counterexample === undefined) return row;
        const { scenario, ...rest } = counterexample;
        const file = counterexampleFile(row.cell);
        const source = join(out, file);
        files[file] = `${JSON.stringify(scenario, null, 2)}\n`;
        // The counterexample run once more, on the pool, for its report next to its JSON.
        const task = { kind: 'report', scenario, source, seed: counterexample.seed } as const;
        files[file.replace(/\.json$/, '.html')] = await pool.run<string>(task);
        const replay = `npx rmqsim replay ${source}@${counterexample.seed}`;
        return { ...row, counterexample: { ...rest, replay, file: source } };
      }),
    );
    const matrix: ClaimsMatrix = { seeds, from, claims: rows, lessons };
    files['claims.json'] = `${JSON.stringify(matrix, null, 2)}\n`;
    files['claims.html'] = claimsHtml(matrix);
    const written = writeFiles(out, files);
    if (values.json) console.log(JSON.stringify(matrix));
    else console.log(`${claimsText(matrix)}\nwritten: ${written.find((w) => w.endsWith('claims.json'))}`);
    return findings(matrix).length === 0 && brokenLessons(matrix).length === 0 ? 0 : 1;
  } finally {
    await pool.destroy();
  }
}

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  list,
  run,
  replay,
  sweep: sweepCommand,
  claims,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return 0;
  }
  const handler = COMMANDS[command];
  if (handler === undefined) throw new UsageError(`unknown command "${command}"`, 'main');
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP[command as keyof typeof HELP]);
    return 0;
  }
  return handler(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`rmqsim: ${error.message}\n\n${HELP[error.command]}`);
      process.exit(2);
    }
    if (error instanceof Error && error.name === 'ConfigError') {
      console.error(`rmqsim: ${error.message}`);
      process.exit(2);
    }
    throw error;
  },
);
