// Where a command's scenario comes from: a built-in name, or a scenario file (JSON) named by its
// absolute path, so that a replay token printed in one directory works from any other. Replay
// tokens are <scenario|file.json>@<seed>. A bad name, file or token is a UsageError (exit 2).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILT_IN_SCENARIOS, findScenario } from '../scenarios/library/index.ts';
import { parseScenario, type ScenarioInput } from '../scenarios/scenario-schema.ts';
import { UsageError } from './options.ts';
import { seedNumber } from './options.ts';

/** A built-in scenario by name, or a scenario file; `label` is how a replay names it. */
export function resolveScenario(source: string): { scenario: ScenarioInput; label: string } {
  const builtIn = findScenario(source);
  if (builtIn !== undefined) return { scenario: builtIn, label: source };
  if (!source.endsWith('.json') || !existsSync(source)) {
    const names = BUILT_IN_SCENARIOS.map((s) => s.name).join(', ');
    throw new UsageError(`unknown scenario "${source}": not a built-in (${names}) nor a .json file`);
  }
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${error instanceof Error ? error.message : error}`);
  }
  // "$schema" points an editor at rmqsim/scenario.schema.json; it is not part of the scenario.
  if (typeof input === 'object' && input !== null && '$schema' in input) {
    const { $schema: _schema, ...scenario } = input as Record<string, unknown>;
    input = scenario;
  }
  parseScenario(input, `scenario ${source}`);
  return { scenario: input as ScenarioInput, label: resolve(source) };
}

export function parseReplayToken(token: string): { source: string; seed: number } {
  const at = token.lastIndexOf('@');
  if (at <= 0) throw new UsageError(`a replay token is <scenario|file.json>@<seed>, got "${token}"`);
  try {
    return { source: token.slice(0, at), seed: seedNumber(token.slice(at + 1)) };
  } catch (error) {
    throw new UsageError(`the seed of the replay token "${token}" ${(error as Error).message}`);
  }
}
