// The final drain: after the final heal the run goes on for run.drainMs, then, while some consumer
// group still lags (backlog.ts: messages stored for it past its position), a second at a time
// until every group has caught up or the drain has lasted run.drainMaxMs (the cap, 15 min by
// default). A run whose groups caught up within drainMs ends exactly where it always did.
// The report says which way the drain ended, and each group's lag at the end.
import type { BrokerController } from '../core/broker/broker-controller.ts';
import type { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import type { StopReason } from '../sim/scheduler.ts';
import type { World } from '../sim/world.ts';
import { lags, subscribers, type Running } from './backlog.ts';
import { runWithin, type Limits } from './budget.ts';
import { drainCapMs, type Scenario } from './scenario-schema.ts';
import type { NodeSpec } from './topology.ts';

const DRAIN_STEP_MS = 1_000;

export interface DrainReport {
  /** When the drain began (the final heal, run.durationMs). */
  fromMs: number;
  /** run.drainMs: the drain lasts at least this long. */
  minMs: number;
  /** run.drainMaxMs: the drain lasts at most this long. */
  capMs: number;
  /** When the run ended. */
  endedAtMs: number;
  /** Every group had caught up at the end (else the cap ended the drain). */
  caughtUp: boolean;
  /** Each group's lag at the end, in messages (a broadcasting consumer as `group@consumer-N`). */
  lag: Record<string, number>;
}

/** The nodes, and of the brokers and consumers those that run now. */
export function runningNow(
  world: World,
  nodes: readonly NodeSpec[],
  brokers: ReadonlyMap<string, BrokerController>,
  consumers: ReadonlyMap<string, DefaultMQPushConsumer>,
  topic: string,
): Running {
  const up = <T>(map: ReadonlyMap<string, T>) =>
    new Map([...map].filter(([address]) => world.node(address).state === 'running'));
  return { nodes, brokers: up(brokers), consumers: up(consumers), topic };
}

/** Runs the drain from run.durationMs; returns why it stopped and what the report says of it. */
export function drain(
  world: World,
  scenario: Scenario,
  running: () => Running,
  limits: Limits,
): { stop: StopReason | 'memory-budget'; report: DrainReport } {
  const { durationMs, drainMs } = scenario.run;
  const cap = durationMs + drainCapMs(scenario.run);
  const subscribed = subscribers(scenario, running().nodes);
  let stop = runWithin(world, durationMs + drainMs, limits);
  let lag = lags(subscribed, running());
  const behind = () => [...lag.values()].some((l) => l > 0);
  while (stop === 'until' && behind() && world.now < cap) {
    stop = runWithin(world, Math.min(cap, world.now + DRAIN_STEP_MS), limits);
    lag = lags(subscribed, running());
  }
  const report = {
    fromMs: durationMs,
    minMs: drainMs,
    capMs: cap - durationMs,
    endedAtMs: world.now,
    caughtUp: !behind(),
    lag: Object.fromEntries(lag),
  };
  return { stop, report };
}
