// One run of a scenario at one seed (`run`, `replay`): its verdicts on stdout (or the run.json
// object with --json), and run.json, history.jsonl, trace.jsonl and report.html in the output
// directory, which is tried before the run so that a bad --out costs nothing.
import { join } from 'node:path';
import { toJsonLines } from '../properties/history.ts';
import { runReportHtml } from '../reports/html/index.ts';
import { traceJsonLines, writeFiles } from '../reports/output-files.ts';
import { runJson, runText } from '../reports/run-report.ts';
import { runScenario } from '../scenarios/runner.ts';
import { parseScenario } from '../scenarios/scenario-schema.ts';
import { checkOutDir } from './out-dir.ts';
import { resolveScenario } from './scenario-source.ts';

export function runOnce(
  source: string,
  seed: number | undefined,
  out: string | undefined,
  json: boolean,
): number {
  const { scenario, label } = resolveScenario(source);
  const parsed = parseScenario(scenario);
  const dir = out ?? join('out', 'runs', `${parsed.name}-seed${seed ?? parsed.seed}`);
  checkOutDir(dir);
  const result = runScenario(parsed, { seed, source: label, keepTrace: true });
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
