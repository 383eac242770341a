// Runs one scenario at one seed: builds the world (NameServers, brokers, consumers, producers and
// an operator), applies the faults, heals everything at `durationMs`, drains for `drainMs`, and
// hands the history and the final stores to the checkers. Same scenario and seed, same trace.
import { brokerMain, type BrokerController } from '../core/broker/broker-controller.ts';
import type { ProcessMain } from '../core/env.ts';
import { namesrvMain } from '../core/namesrv/namesrv-controller.ts';
import type { FaultInput } from '../sim/nemesis.ts';
import type { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import type { StopReason } from '../sim/scheduler.ts';
import type { ProbeHits } from '../sim/probe-tally.ts';
import type { TraceRecord } from '../sim/trace.ts';
import { World } from '../sim/world.ts';
import { witnessSends } from '../properties/answer-witness.ts';
import type { WireSeen } from '../properties/answers.ts';
import { isHistoryRecord, recordHistory } from '../properties/history-recorder.ts';
import { historyIndex, type History } from '../properties/history.ts';
import { budgetError, checkBeforeRun, runWithin } from './budget.ts';
import { runChecks, type CheckResult, type RunStats } from './checks.ts';
import { drain, runningNow, type DrainReport } from './drain.ts';
import { finalHeal, planFaults } from './fault-plan.ts';
import { witnessedBrokers } from './moment-checks.ts';
import { startSampler, type Sample } from './sampler.ts';
import { drainCapMs, parseScenario, type Scenario } from './scenario-schema.ts';
import { drawSpace, seededChooser } from './space.ts';
import {
  addressOf,
  brokerConfValues,
  checkDiskTargets,
  diskOf,
  layout,
  namesrvAddr,
  type NodeSpec,
} from './topology.ts';
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
  /** How the final drain ended: every group caught up, or the cap; each group's lag at the end. */
  drain: DrainReport;
  /** What the verdict must say besides the checks (a workload that did not fit, a drain cut short). */
  warnings: string[];
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
  /** The coverage probes the run hit (core/probes.ts), each with how many times. */
  probes: ProbeHits;
  /** What the seed drew from the scenario's space (space.ts), by choice; empty if it has none. */
  space: Record<string, unknown>;
  /** What the world saw of the sends on the wire: each request, each answer as it left (answers.ts). */
  wire: WireSeen;
}

const NETWORK_FAULTS = new Set(['partition', 'isolate', 'reset']);

export function runScenario(input: Scenario | unknown, options: RunOptions = {}): RunResult {
  const parsed = parseScenario(input);
  const seed = options.seed ?? parsed.seed;
  const { scenario, choices } = drawSpace(parsed, seededChooser(seed, parsed.name));
  const nodes = layout(scenario);
  const { world, faults, series, running, drain, sent, wire } = simulate(scenario, seed, nodes, options);
  const history = recordHistory(world.trace.records);
  // Only a broker still running at the end has a store to read (one kept down has none).
  const end = running();
  const { stats, checks } = runChecks({
    scenario,
    nodes,
    history,
    wire,
    brokers: end.brokers,
    consumers: end.consumers,
    endMs: world.now,
  });
  const source = options.source ?? scenario.name;
  return {
    scenario: scenario.name,
    seed,
    traceHash: world.trace.hash,
    virtualTimeMs: world.now,
    events: world.scheduler.eventsFired,
    stopReason: 'until',
    stats,
    checks,
    drain,
    warnings: warnings(scenario, sent, drain, history),
    replay: `npx rmqsim replay ${source}@${seed}`,
    ok: checks.every((c) => !c.guaranteed || c.holds),
    nodes,
    faults,
    history,
    trace: world.trace.records,
    // Built only if a report reads it.
    get series() {
      return series.samples();
    },
    brokers: new Map(
      nodes.filter((n) => end.brokers.has(n.address)).map((n) => [n.name, end.brokers.get(n.address)!]),
    ),
    probes: world.probes.hits(),
    space: choices,
    wire,
  };
}

/**
 * Builds the world and runs it: the faults until run.durationMs, the final heal, the drain. A
 * broken handler contract or a spent budget ends it with an error instead of a verdict.
 */
function simulate(scenario: Scenario, seed: number, nodes: readonly NodeSpec[], options: RunOptions) {
  const faults = planFaults(scenario, nodes, seed);
  const keepDown = new Set(
    scenario.run.keepDown.map((name, k) => addressOf(nodes, name, ['run', 'keepDown', k])),
  );
  const { durationMs, maxEvents, maxMemoryMb } = scenario.run;
  const limits = { maxEvents, maxMemoryMb };
  checkDiskTargets(scenario, nodes);
  checkBeforeRun(scenario, nodes, limits);
  const world = new World({
    seed,
    network: scenario.network,
    budget: { maxEvents, maxTimeMs: durationMs + drainCapMs(scenario.run) + 60_000 },
    keepTrace: options.keepTrace === true ? true : isHistoryRecord,
  });
  const wire: WireSeen = witnessSends(
    {
      now: () => world.now,
      diskOf: (address) => world.node(address).disk,
      observe: (o) => world.network.observe(o),
    },
    witnessedBrokers(nodes),
  );
  let aborted: HandlerError | undefined;
  const abort = (error: HandlerError) => {
    aborted ??= error;
    world.scheduler.halt();
  };
  const { brokers, consumers, sent } = addNodes(world, scenario, nodes, options.handler, abort);
  const groups = scenario.topology.consumerGroups.map((g) => g.group);
  const series = startSampler(world, nodes, brokers, scenario.workload.topic, groups);
  world.scheduleFaults(faults);
  let stopReason = runWithin(world, durationMs, limits);
  const networkFaulted = faults.some((f) => NETWORK_FAULTS.has(f.fault));
  const simNodes = nodes.map((n) => world.node(n.address));
  world.scheduleFaults(finalHeal(world.now, simNodes, networkFaulted, keepDown));
  const running = () => runningNow(world, nodes, brokers, consumers, scenario.workload.topic);
  const drained = stopReason === 'until' ? drain(world, scenario, running, limits) : undefined;
  stopReason = drained?.stop ?? stopReason;
  if (aborted !== undefined) throw aborted;
  if (stopReason === 'event-budget' || stopReason === 'memory-budget') {
    const progress = {
      virtualTimeMs: world.now,
      events: world.scheduler.eventsFired,
      sent: sent(),
      messages: scenario.workload.messages,
    };
    throw budgetError(stopReason, limits, progress);
  }
  // The time budget lies past the drain's cap and nothing else halts a run: a bug if it happens.
  if (drained === undefined || stopReason !== 'until') throw new Error(`the run stopped: ${stopReason}`);
  return { world, faults, series, running, drain: drained.report, sent: sent(), wire };
}

/**
 * What the verdict must say besides the checks: a workload that did not fit in the run (not all
 * sent, or sent after the final heal, where no fault could meet it), and a drain that ended at its
 * cap (what the groups had not consumed by then is backlog, not loss, but was not seen consumed).
 */
function warnings(scenario: Scenario, sent: number, drain: DrainReport, history: History): string[] {
  const out: string[] = [];
  const { messages, intervalMs } = scenario.workload;
  const { durationMs } = scenario.run;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const late = historyIndex(history).sends.filter(
    (op) => op.type === 'invoke' && op.time >= durationMs,
  ).length;
  const pace = `each producer sends one message after another, ${intervalMs} ms apart`;
  if (sent < messages) {
    out.push(
      `the workload did not fit in the run: ${sent} of ${messages} messages were sent before it ended at ${seconds(drain.endedAtMs)} ` +
        `(${pace}); raise run.durationMs or lower workload.messages`,
    );
  } else if (late > 0) {
    out.push(
      `the workload did not fit in run.durationMs: ${late} of ${messages} messages were sent after the final heal at ${seconds(durationMs)}, ` +
        `when the faults were over (${pace}); raise run.durationMs or lower workload.messages`,
    );
  }
  if (!drain.caughtUp) {
    const behind = Object.entries(drain.lag).filter(([, lag]) => lag > 0);
    out.push(
      `the drain stopped at its cap (run.drainMaxMs: ${drain.capMs} ms) with ${behind.map(([g, lag]) => `${g} ${lag} messages behind`).join(', ')}: ` +
        'what they had not consumed is backlog, not lost; raise run.drainMaxMs to see it consumed',
    );
  }
  return out;
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
  /** Each producer's place in its list of messages, kept across its crashes. */
  readonly sources: readonly { next: number }[];
}

/** Adds every node; returns each broker's and consumer's latest incarnation, and a count of messages sent. */
function addNodes(
  world: World,
  scenario: Scenario,
  nodes: readonly NodeSpec[],
  handler: AppHandler | undefined,
  abort: Outside['abort'],
) {
  const brokers = new Map<string, BrokerController>();
  const consumers = new Map<string, DefaultMQPushConsumer>();
  const sources = scenario.topology.producers.map(() => ({ next: 0 }));
  const build: Build = {
    scenario,
    nodes,
    outside: { worldNow: () => world.now, namesrvAddr: namesrvAddr(nodes), abort },
    masters: nodes.filter((n) => n.role === 'master').map((n) => n.address),
    epochMs: world.config.epochMs,
    handler,
    databases: new Map(scenario.topology.consumerGroups.map((g) => [g.group, new Set<string>()])),
    sources,
  };
  for (const node of nodes) {
    const main = mainOf(node, build);
    const captured = capture(node, main, brokers, consumers);
    const startAt = startTime(node, scenario);
    const added = world.addNode(node.address, captured, {
      clock: scenario.topology.clocks[node.name] ?? {},
      disk: diskOf(scenario, node),
      start: startAt === 0,
    });
    if (startAt > 0) world.scheduler.scheduleAt(startAt, () => added.state === 'stopped' && added.start());
  }
  // A producer's place in its list counts the messages it has handed to send().
  const sent = () => sources.reduce((sum, source) => sum + source.next, 0);
  return { brokers, consumers, sent };
}

/** Each broker's and consumer's latest incarnation, kept as it starts (its state is read at the end). */
function capture(
  node: NodeSpec,
  main: ProcessMain,
  brokers: Map<string, BrokerController>,
  consumers: Map<string, DefaultMQPushConsumer>,
): ProcessMain {
  if (node.role === 'master' || node.role === 'slave') {
    return (env) => {
      const controller = main(env) as BrokerController;
      brokers.set(node.address, controller);
      return controller;
    };
  }
  if (node.role !== 'consumer') return main;
  return (env) => {
    const consumer = main(env) as DefaultMQPushConsumer;
    consumers.set(node.address, consumer);
    return consumer;
  };
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
      return producerMain(scenario, node.index, outside, build.sources[node.index]!);
    case 'consumer': {
      const group = scenario.topology.consumerGroups[node.index]!;
      const handler = build.handler ?? builtInHandler(group.handler);
      return consumerMain(scenario, group, outside, handler, build.databases.get(group.group)!);
    }
    case 'admin':
      return adminMain(scenario, build.masters, outside, build.epochMs);
  }
}
