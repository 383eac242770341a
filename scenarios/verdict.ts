// A claim's verdict in one cell of the matrix: run the cell's scenario seed after seed; the claim
// holds if its properties held at every seed, and is refuted by the first seed that breaks one.
// A refutation is then shrunk: the seed's drawn faults become a fixed schedule (the same run),
// and faults are dropped, then messages halved, for as long as the claim still breaks. What is
// left is the smallest counterexample this search found (not necessarily the smallest there is).
import type { ClaimCell } from './claims-matrix.ts';
import { probeSeeds, type ProbeSeeds } from './coverage.ts';
import { seedSchedule } from './fault-plan.ts';
import { runScenario, type RunResult } from './runner.ts';
import { parseScenario, type Property, type Scenario, type ScenarioInput } from './scenario-schema.ts';
import { drawSpace, seededChooser } from './space.ts';
import { layout } from './topology.ts';

export interface Counterexample {
  seed: number;
  property: Property | 'deterministic';
  /** The first violation, in words. */
  explanation: string;
  /** The shrunk scenario (a fixed fault schedule); `replay` runs it at `seed`. */
  scenario: ScenarioInput;
  faults: number;
  messages: number;
}

export interface CellVerdict {
  claim: string;
  cell: string;
  config: ClaimCell['config'];
  fault: string;
  promised: boolean;
  /** The parts of the randomized space its seeds drew from (absent in results of older versions). */
  space?: readonly string[];
  verdict: 'holds' | 'refuted';
  seeds: number;
  counterexample?: Counterexample;
  /** Coverage: each probe its judged seeds hit, with those seeds (shrinking runs are not counted). */
  probes: ProbeSeeds;
}

/** One seed of a cell, judged: its counterexample (null where the claim held), the probes its run hit. */
export interface CellSeedAnswer {
  seed: number;
  counterexample: Counterexample | null;
  probes: string[];
}

/** At most this many extra runs go into shrinking one counterexample (fewer for a heavy cell's hours). */
const SHRINK_BUDGET = 24;
const HEAVY_SHRINK_BUDGET = 3;

function broken(result: RunResult, properties: readonly Property[]) {
  return result.checks.find((c) => properties.includes(c.property) && !c.holds);
}

function cellBase(cell: ClaimCell) {
  return {
    claim: cell.claim,
    cell: cell.id,
    config: cell.config,
    fault: cell.fault,
    promised: cell.promised,
    space: cell.space,
  };
}

/** The claim at one seed of the cell: its counterexample, shrunk, if the claim broke. */
export function judgeCellSeed(cell: ClaimCell, seed: number): CellSeedAnswer {
  if (cell.claim === 'deterministic') return judgeDeterminism(cell, seed);
  const run = runScenario(cell.scenario, { seed });
  const probes = Object.keys(run.probes);
  if (broken(run, cell.properties) === undefined) return { seed, counterexample: null, probes };
  const budget = cell.heavy ? HEAVY_SHRINK_BUDGET : SHRINK_BUDGET;
  const counterexample = asLesson(cell, shrink(drawnAt(cell, seed), seed, cell.properties, budget));
  return { seed, counterexample, probes };
}

/**
 * The cell's verdict over `seeds` seeds from `from`, given its answers in seed order up to its
 * first counterexample (if any).
 */
export function cellVerdict(
  cell: ClaimCell,
  seeds: number,
  from: number,
  answers: readonly CellSeedAnswer[],
): CellVerdict {
  const counterexample = answers.find((a) => a.counterexample !== null)?.counterexample ?? undefined;
  const probes = probeSeeds(answers, counterexample?.seed);
  if (counterexample === undefined) return { ...cellBase(cell), verdict: 'holds', seeds, probes };
  const judged = counterexample.seed - from + 1;
  return { ...cellBase(cell), verdict: 'refuted', seeds: judged, counterexample, probes };
}

export function judgeCell(cell: ClaimCell, seeds: number, from = 1): CellVerdict {
  const answers: CellSeedAnswer[] = [];
  for (let seed = from; seed < from + seeds; seed++) {
    const answer = judgeCellSeed(cell, seed);
    answers.push(answer);
    if (answer.counterexample !== null) break;
  }
  return cellVerdict(cell, seeds, from, answers);
}

/**
 * The counterexample as a scenario to replay: the claim's properties are its guarantees (so the
 * replay reports them violated and exits 1), and its lesson says what it refutes.
 */
function asLesson(cell: ClaimCell, cx: Counterexample): Counterexample {
  const c = cell.config;
  const groups = (c.brokers ?? 1) > 1 ? ` (${c.brokers} groups)` : '';
  const producers = (c.producers ?? 1) > 1 ? ` from ${c.producers} producers` : '';
  const config = `${c.flushDiskType}, ${c.brokerRole}${c.slaves > 0 ? ' with a slave' : ''}${groups}, ${c.sendMode} sends${producers}, ${c.consumeMode} consumption`;
  const lesson = {
    teaches: `The claim "${cell.claim}" under ${config}, with the fault ${cell.fault}.`,
    expect: `Refuted at seed ${cx.seed} (${cx.faults} faults, ${cx.messages} messages): ${cx.explanation}`,
    why: `RocketMQ ${cell.promised ? 'promises' : 'does not promise'} this claim in this configuration; the run shows the first violation found, shrunk.`,
  };
  const scenario = {
    ...cx.scenario,
    title: `Counterexample: ${cell.claim}, ${cell.fault}`,
    lesson,
    guarantees: [...cell.properties],
  };
  return { ...cx, scenario };
}

/** The simulator's own claim: the seed, run twice, gives the same trace hash (one run's probes count). */
function judgeDeterminism(cell: ClaimCell, seed: number): CellSeedAnswer {
  const [a, b] = [runScenario(cell.scenario, { seed }), runScenario(cell.scenario, { seed })];
  const probes = Object.keys(a.probes);
  if (a.traceHash === b.traceHash) return { seed, counterexample: null, probes };
  const counterexample: Counterexample = {
    seed,
    property: 'deterministic',
    explanation: `seed ${seed} gave trace ${a.traceHash}, then ${b.traceHash}`,
    scenario: withFixedFaults(drawnAt(cell, seed), seed) as ScenarioInput,
    faults: a.faults.length,
    messages: a.stats.sent,
  };
  return { seed, counterexample, probes };
}

/** The cell's scenario with the seed's draw from its space: the same run, as fixed data. */
function drawnAt(cell: ClaimCell, seed: number): Scenario {
  const scenario = parseScenario(cell.scenario);
  return drawSpace(scenario, seededChooser(seed, scenario.name)).scenario;
}

/** The seed's faults as a fixed schedule: the same run, now open to shrinking. */
function withFixedFaults(scenario: Scenario, seed: number): Scenario {
  if (!('generate' in scenario.faults)) return scenario;
  const schedule = seedSchedule(scenario, layout(scenario), seed);
  return { ...scenario, faults: { schedule } } as Scenario;
}

function shrink(
  scenario: Scenario,
  seed: number,
  properties: readonly Property[],
  runs: number,
): Counterexample {
  let current = withFixedFaults(scenario, seed);
  let budget = runs;
  const stillBreaks = (candidate: Scenario) => {
    if (budget-- <= 0) return false;
    return broken(runScenario(candidate, { seed }), properties) !== undefined;
  };
  const schedule = () => current.faults.schedule ?? [];
  for (let i = schedule().length - 1; i >= 0; i--) {
    const fewer = schedule().filter((_, j) => j !== i);
    const candidate = { ...current, faults: { schedule: fewer } } as Scenario;
    if (stillBreaks(candidate)) current = candidate;
  }
  while (current.workload.messages > 1) {
    const candidate = {
      ...current,
      workload: { ...current.workload, messages: Math.floor(current.workload.messages / 2) },
    };
    if (!stillBreaks(candidate)) break;
    current = candidate;
  }
  const result = runScenario(current, { seed });
  const failing = broken(result, properties)!;
  return {
    seed,
    property: failing.property,
    explanation: failing.examples[0] ?? '',
    scenario: current as ScenarioInput,
    faults: schedule().length,
    messages: current.workload.messages,
  };
}
