// Runs one scenario at one seed: builds the world (NameServers, brokers, consumers, producers and
// an operator), applies the faults, heals everything at `durationMs`, drains for `drainMs`, and
// hands the history and the final stores to the checkers. Same scenario and seed, same trace.
import { brokerMain, type BrokerController } from '../core/broker/broker-controller.ts';
import type { ProcessMain } from '../core/env.ts';
import { namesrvMain } from '../core/namesrv/namesrv-controller.ts';
import type { FaultInput } from '../sim/nemesis.ts';
import type { StopReason } from '../sim/scheduler.ts';
import type { TraceRecord } from '../sim/trace.ts';
import { World } from '../sim/world.ts';
import { isHistoryRecord, recordHistory } from '../properties/history-recorder.ts';
import type { History } from '../properties/history.ts';
import { runChecks, type CheckResult, type RunStats } from './checks.ts';
import { finalHeal, planFaults } from './fault-plan.ts';
import { startSampler, type Sample } from './sampler.ts';
import { parseScenario, type Scenario } from './scenario-schema.ts';
import { addressOf, brokerConfValues, layout, namesrvAddr, type NodeSpec } from './topology.ts';
import {
  adminMain,
  builtInHandler,
  consumerMain,
  producerMain,
  type AppHandler,
  type HandlerError,
  type Outside,
} from './workload.ts';

export interface RunOptions {
  /** The run's seed (default: the scenario's). */
  seed?: number;
  /**
   * An application's own handler for every consumer group, instead of the scenario's (the
   * contract: AppHandler). A handler that answers anything but its group's statuses ends the run
   * with a HandlerError.
   */
  handler?: AppHandler;
  /** How the report's replay line names the scenario (a built-in name or a file path). */
  source?: string;
  /**
   * Keep every trace record, for a report or trace.jsonl; without it only those the history is
   * built from are kept. The hash is the same either way.
   */
  keepTrace?: boolean;
}

export interface RunResult {
  scenario: string;
  seed: number;
  traceHash: string;
  virtualTimeMs: number;
  events: number;
  stopReason: StopReason;
  stats: RunStats;
  checks: CheckResult[];
  replay: string;
  /** Every guaranteed property held. */
  ok: boolean;
  nodes: readonly NodeSpec[];
  faults: readonly FaultInput[];
  history: History;
  /** Every record if the run was asked to keep the trace, else only the history's. */
  trace: readonly TraceRecord[];
  /** The brokers' state once a virtual second (for the report's charts). */
  series: readonly Sample[];
  /** The brokers running at the end, by node name (their stores, for the report's message view). */
  brokers: ReadonlyMap<string, BrokerController>;
}

const NETWORK_FAULTS = new Set(['partition', 'isolate', 'reset']);

export function runScenario(input: Scenario | unknown, options: RunOptions = {}): RunResult {
  const scenario = parseScenario(input);
  const seed = options.seed ?? scenario.seed;
  const nodes = layout(scenario);
  const faults = planFaults(scenario, nodes, seed);
  const keepDown = new Set(
    scenario.run.keepDown.map((name, k) => addressOf(nodes, name, ['run', 'keepDown', k])),
  );
  const { durationMs, drainMs, maxEvents } = scenario.run;
  const world = new World({
    seed,
    network: scenario.network,
    budget: { maxEvents, maxTimeMs: durationMs + drainMs + 60_000 },
    keepTrace: options.keepTrace === true ? true : isHistoryRecord,
  });
  let aborted: HandlerError | undefined;
  const abort = (error: HandlerError) => {
    aborted ??= error;
    world.scheduler.halt();
  };
  const brokers = addNodes(world, scenario, nodes, options.handler, abort);
  const groups = scenario.topology.consumerGroups.map((g) => g.group);
  const series = startSampler(world, nodes, brokers, scenario.workload.topic, groups);
  world.scheduleFaults(faults);
  let stopReason = world.runUntil(durationMs);
  const networkFaulted = faults.some((f) => NETWORK_FAULTS.has(f.fault));
  const simNodes = nodes.map((n) => world.node(n.address));
  world.scheduleFaults(finalHeal(world.now, simNodes, networkFaulted, keepDown));
  if (stopReason === 'until') stopReason = world.runUntil(durationMs + drainMs);
  if (aborted !== undefined) throw aborted;
  const history = recordHistory(world.trace.records);
  // Only a broker still running at the end has a store to read (one kept down has none).
  const running = new Map([...brokers].filter(([address]) => world.node(address).state === 'running'));
  const { stats, checks } = runChecks({ scenario, nodes, history, brokers: running, endMs: world.now });
  const source = options.source ?? scenario.name;
  return {
    scenario: scenario.name,
    seed,
    traceHash: world.trace.hash,
    virtualTimeMs: world.now,
    events: world.scheduler.eventsFired,
    stopReason,
    stats,
    checks,
    replay: `npx rmqsim replay ${source}@${seed}`,
    ok: checks.every((c) => !c.guaranteed || c.holds),
    nodes,
    faults,
    history,
    trace: world.trace.records,
    series,
    brokers: new Map(
      nodes.filter((n) => running.has(n.address)).map((n) => [n.name, running.get(n.address)!]),
    ),
  };
}

/** What building a node needs besides its spec. */
interface Build {
  readonly scenario: Scenario;
  readonly nodes: readonly NodeSpec[];
  readonly outside: Outside;
  readonly masters: readonly string[];
  readonly epochMs: number;
  readonly handler: AppHandler | undefined;
  /** Each group's application database, shared by its consumers and kept across their crashes. */
  readonly databases: ReadonlyMap<string, Set<string>>;
}

/** Adds every node; returns each broker's latest incarnation (its store is read at the end). */
function addNodes(
  world: World,
  scenario: Scenario,
  nodes: readonly NodeSpec[],
  handler: AppHandler | undefined,
  abort: Outside['abort'],
) {
  const brokers = new Map<string, BrokerController>();
  const build: Build = {
    scenario,
    nodes,
    outside: { worldNow: () => world.now, namesrvAddr: namesrvAddr(nodes), abort },
    masters: nodes.filter((n) => n.role === 'master').map((n) => n.address),
    epochMs: world.config.epochMs,
    handler,
    databases: new Map(scenario.topology.consumerGroups.map((g) => [g.group, new Set<string>()])),
  };
  for (const node of nodes) {
    const main = mainOf(node, build);
    const captured: ProcessMain =
      node.role === 'master' || node.role === 'slave'
        ? (env) => {
            const controller = main(env) as BrokerController;
            brokers.set(node.address, controller);
            return controller;
          }
        : main;
    const startAt = startTime(node, scenario);
    const added = world.addNode(node.address, captured, {
      clock: scenario.topology.clocks[node.name] ?? {},
      start: startAt === 0,
    });
    if (startAt > 0) world.scheduler.scheduleAt(startAt, () => added.state === 'stopped' && added.start());
  }
  return brokers;
}

/**
 * NameServers and masters start at 0, each slave half a second later (started after its master, as
 * operators do, its first registration learns the master's address), clients when the scenario says.
 */
function startTime(node: NodeSpec, scenario: Scenario): number {
  if (node.role === 'producer' || node.role === 'consumer') return scenario.topology.clientsStartAtMs;
  return node.role === 'slave' ? SLAVE_START_MS : 0;
}
const SLAVE_START_MS = 500;

function mainOf(node: NodeSpec, build: Build): ProcessMain {
  const { scenario, outside } = build;
  switch (node.role) {
    case 'namesrv':
      return namesrvMain();
    case 'master':
    case 'slave':
      return brokerMain(brokerConfValues(node, build.nodes));
    case 'producer':
      return producerMain(scenario, node.index, outside, { next: 0 });
    case 'consumer': {
      const group = scenario.topology.consumerGroups[node.index]!;
      const handler = build.handler ?? builtInHandler(group.handler);
      return consumerMain(scenario, group, outside, handler, build.databases.get(group.group)!);
    }
    case 'admin':
      return adminMain(scenario, build.masters, outside, build.epochMs);
  }
}
