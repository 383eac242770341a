// The verdicts of one run: each property that applies to the scenario, checked on the history
// and the final stores, marked guaranteed or not by the scenario, with its violations explained;
// and the message accounting a report starts with. An acknowledged message a group has not
// consumed is lost only if it can never be (backlog.ts); otherwise it is backlog.
// A broadcasting group is checked per consumer (`group@consumer-2`): each of its consumers must see
// every message, where a clustering group as a whole must.
import type { BrokerController } from '../core/broker/broker-controller.ts';
import { checkBacktrack } from '../properties/checkers/backtrack.ts';
import { checkCqConsistent } from '../properties/checkers/cq-consistent.ts';
import { checkDlq } from '../properties/checkers/dlq.ts';
import { checkDurable } from '../properties/checkers/durable.ts';
import { checkDuplicated } from '../properties/checkers/duplicated.ts';
import { checkEffectsOnce } from '../properties/checkers/effects-once.ts';
import { checkKeyOrder } from '../properties/checkers/key-order.ts';
import { checkLiveness } from '../properties/checkers/liveness.ts';
import { checkLost } from '../properties/checkers/lost.ts';
import { checkQueueExclusive } from '../properties/checkers/queue-exclusive.ts';
import { checkQueueOrder } from '../properties/checkers/queue-order.ts';
import { checkRetried } from '../properties/checkers/retried.ts';
import { checkRetrySchedule } from '../properties/checkers/retry-schedule.ts';
import { checkUnexpected } from '../properties/checkers/unexpected.ts';
import {
  formatTime,
  historyIndex,
  isConsume,
  isEffect,
  isSend,
  sendOutcomes,
  type History,
  type Op,
  type Violation,
} from '../properties/history.ts';
import type { WireSeen } from '../properties/answers.ts';
import { momentChecks } from './moment-checks.ts';
import { reach, storedMessages, subscribers, type Running } from './backlog.ts';
import type { Property, Scenario } from './scenario-schema.ts';
import type { NodeSpec } from './topology.ts';
import { failsAlways, failsDelivery, messageKey } from './workload.ts';

export interface CheckResult {
  property: Property;
  guaranteed: boolean;
  holds: boolean;
  violations: number;
  /** The first few explanations. */
  examples: string[];
  all: Violation[];
}

export interface RunStats {
  sent: number;
  acked: number;
  failed: number;
  unknown: number;
  stored: number;
  deliveries: number;
  consumed: number;
  duplicated: number;
  /** Acknowledged messages a group never consumed and never can (per group and message). */
  lost: number;
  /** Acknowledged messages a group has not consumed yet but still can (per group and message). */
  backlog: number;
  recovered: number;
}

export interface CheckInput {
  scenario: Scenario;
  nodes: readonly NodeSpec[];
  history: History;
  /** What the world saw of the sends on the wire (answer-witness.ts). */
  wire: WireSeen;
  /** The brokers running at the end, by address. */
  brokers: ReadonlyMap<string, BrokerController>;
  /** The consumers running at the end, by address (a broadcasting consumer's position is its own). */
  consumers: Running['consumers'];
  endMs: number;
}

const EXAMPLES = 5;
/** retry-schedule: how late a redelivery may come (a route poll, a rebalance and a pull). */
const RETRY_SLACK_MS = 60_000;

export function runChecks(input: CheckInput): { stats: RunStats; checks: CheckResult[] } {
  const { scenario, endMs } = input;
  const history = perConsumerBroadcasting(input.history, input);
  const subscribed = subscribers(scenario, input.nodes);
  const subscriptions = new Map([[scenario.workload.topic, subscribed.map((s) => s.label)]]);
  const acknowledged = scenario.acknowledged === 'SEND_OK' ? onlySendOkAcknowledged(history) : history;
  const topic = scenario.workload.topic;
  const messages = storedMessages(input.brokers.values(), topic);
  const running = { nodes: input.nodes, brokers: input.brokers, consumers: input.consumers, topic };
  const lost = checkLost(acknowledged, subscriptions, reach(subscribed, running, messages));
  const stored = new Set(messages.keys());
  const duplicated = checkDuplicated(history);
  const found = new Map<Property, Violation[]>([
    ['lost', withFaultsAround(lost.violations, acknowledged, input.nodes)],
    ['unexpected', checkUnexpected(history)],
    ['duplicated', duplicated],
    ['queue-order', checkQueueOrder(history)],
    ['cq-consistent', cqViolations(input)],
    [
      'liveness',
      checkLiveness(acknowledged, subscriptions, { withinMs: scenario.run.livenessWithinMs, endMs }),
    ],
    ['effects-once', checkEffectsOnce(history)],
    ['durable', checkDurable(acknowledged, stored)],
  ]);
  if (scenario.workload.shardingKeys > 0) found.set('key-order', checkKeyOrder(history));
  const orderly = scenario.topology.consumerGroups.filter((g) => g.consumeMode === 'orderly');
  if (orderly.length > 0)
    found.set('queue-exclusive', checkQueueExclusive(history, new Set(orderly.map((g) => g.group))));
  for (const [property, violations] of momentChecks(scenario, input.nodes, history, input.wire)) {
    found.set(property, violations);
  }
  if (scenario.workload.resets.length > 0) found.set('backtrack', checkBacktrack(history));
  const retried = retriedViolations(scenario, history);
  if (retried !== undefined) found.set('retried', retried);
  const failing = scenario.topology.consumerGroups.filter(
    (g) => g.handler.kind === 'fail' && g.consumeMode === 'concurrently',
  );
  if (failing.length > 0) {
    const groups = failing.map((g) => g.group);
    found.set('retry-schedule', checkRetrySchedule(history, { groups, slackMs: RETRY_SLACK_MS }));
    found.set(
      'dlq',
      failing.flatMap((g) => dlqViolations(input, history, g.group)),
    );
  }
  const named = byName(input.nodes);
  const checks = [...found].map(([property, violations]) => {
    const all = violations.map((v) => ({ ...v, explanation: named(v.explanation) }));
    return {
      property,
      guaranteed: scenario.guarantees.includes(property),
      holds: all.length === 0,
      violations: all.length,
      examples: all.slice(0, EXAMPLES).map((v) => v.explanation),
      all,
    };
  });
  const stats = accounting(history, stored.size, duplicated.length, lost);
  return { stats, checks };
}

/** Explanations name nodes as the scenario does (consumer-1), not by address (10.0.200.1:7001). */
function byName(nodes: readonly NodeSpec[]): (text: string) => string {
  const names = new Map(nodes.map((n) => [n.address, n.name]));
  return (text) => text.replace(/\b\d+\.\d+\.\d+\.\d+:\d+\b/g, (address) => names.get(address) ?? address);
}

const FAULT_WORDS: Record<string, string> = {
  kill: 'was killed',
  'power-off': 'lost power',
  'disk-loss': 'lost its disk',
  shutdown: 'was shut down',
  restart: 'restarted',
  pause: 'was paused',
  resume: 'resumed',
  isolate: 'was isolated',
  'fill-disk': 'had its disk filled',
  'free-disk': 'had its disk freed',
};

/** A lost message's explanation, followed by the faults just before and after it was acknowledged. */
function withFaultsAround(
  violations: Violation[],
  history: History,
  nodes: readonly NodeSpec[],
): Violation[] {
  const names = new Map(nodes.map((n) => [n.address, n.name]));
  const outcomes = sendOutcomes(history);
  // A fault the nemesis skipped (its node was in no state for it) is followed by a `skipped` op.
  const key = (time: number, fault: unknown, node: unknown) => `${time}|${fault}|${node}`;
  const { nemesis } = historyIndex(history);
  const skipped = new Set(
    nemesis
      .filter((op) => op.f === 'skipped')
      .map((op) => key(op.time, (op.value as { fault: string }).fault, (op.value as { node: string }).node)),
  );
  const wasSkipped = (op: Op) => skipped.has(key(op.time, op.f, (op.value as { node?: string }).node));
  const faults = nemesis.filter((op) => op.f in FAULT_WORDS && !wasSkipped(op));
  const words = (f: Op) => {
    const node = (f.value as { node?: string }).node ?? '';
    return `${names.get(node) ?? node} ${FAULT_WORDS[f.f]} at ${formatTime(f.time)}`;
  };
  return violations.map((v) => {
    const acked = outcomes.get(v.key)?.time ?? 0;
    const before = faults.filter((f) => f.time < acked).slice(-2);
    const after = faults.filter((f) => f.time >= acked).slice(0, 2);
    if (before.length + after.length === 0) return v;
    const parts = [
      ...(before.length > 0 ? [`before it was acknowledged ${before.map(words).join(', ')}`] : []),
      ...(after.length > 0 ? [`after, ${after.map(words).join(', ')}`] : []),
    ];
    return { ...v, explanation: `${v.explanation}; ${parts.join('; ')}` };
  });
}

/** A send stored with a status other than SEND_OK becomes one whose outcome is unknown. */
function onlySendOkAcknowledged(history: History): History {
  return history.map((op): Op => {
    if (!isSend(op) || op.type !== 'ok' || op.value.sendStatus === 'SEND_OK') return op;
    return { ...op, type: 'info' };
  });
}

/** Deliveries (and effects) of a broadcasting group's consumers, as if each were its own group. */
function perConsumerBroadcasting(history: History, { scenario, nodes }: CheckInput): History {
  const broadcasting = new Set(
    scenario.topology.consumerGroups.filter((g) => g.messageModel === 'BROADCASTING').map((g) => g.group),
  );
  if (broadcasting.size === 0) return history;
  const names = new Map(nodes.map((n) => [n.address, n.name]));
  return history.map((op): Op => {
    if (isConsume(op) && broadcasting.has(op.value.group)) {
      return { ...op, value: { ...op.value, group: `${op.value.group}@${names.get(op.value.consumer)}` } };
    }
    if (isEffect(op) && broadcasting.has(op.value.group)) {
      return { ...op, value: { ...op.value, group: `${op.value.group}@${names.get(op.process)}` } };
    }
    return op;
  });
}

function cqViolations({ nodes, brokers }: CheckInput): Violation[] {
  return nodes.flatMap((node) => {
    const broker = brokers.get(node.address);
    if (broker === undefined) return [];
    return checkCqConsistent(broker.ctx.store).map((v) => ({
      property: 'cq-consistent',
      key: `${node.name} ${v.topic}/${v.queueId}@${v.queueOffset}`,
      explanation: `${node.name}: ${v.explanation}`,
    }));
  });
}

function dlqViolations(input: CheckInput, history: History, group: string): Violation[] {
  const spec = input.scenario.topology.consumerGroups.find((g) => g.group === group)!;
  const alwaysFailing = new Set<string>();
  for (let i = 0; i < input.scenario.workload.messages; i++) {
    if (failsAlways(spec.handler, messageKey(i))) alwaysFailing.add(messageKey(i));
  }
  // A message that failed always but was never stored (its send failed or was lost) cannot reach the DLQ.
  const reached = new Set(
    history
      .filter((op) => (isSend(op) && op.type === 'ok') || isConsume(op))
      .map((op) => (op.value as { key: string }).key),
  );
  return checkDlq(history, {
    group,
    maxReconsumeTimes: spec.maxReconsumeTimes,
    alwaysFailing: new Set([...alwaysFailing].filter((k) => reached.has(k))),
    dlqKeys: new Set(storedMessages(input.brokers.values(), `%DLQ%${group}`).keys()),
  });
}

function accounting(
  history: History,
  stored: number,
  duplicated: number,
  lost: { violations: Violation[]; recovered: string[]; backlog: unknown[] },
): RunStats {
  const index = historyIndex(history);
  const sends = { invoke: 0, ok: 0, fail: 0, info: 0 };
  // An index and forEach, as recordHistory's one-shot pass (properties/history-recorder.ts).
  for (let i = 0; i < index.sends.length; i++) sends[index.sends[i]!.type]++;
  let deliveries = 0;
  index.deliveriesByGroup.forEach((ops) => (deliveries += ops.length));
  let consumed = 0;
  index.firstDeliveries.forEach((byKey) => (consumed += byKey.size));
  return {
    sent: sends.invoke,
    acked: sends.ok,
    failed: sends.fail,
    unknown: sends.info,
    stored,
    deliveries,
    consumed,
    duplicated,
    lost: lost.violations.length,
    backlog: lost.backlog.length,
    recovered: lost.recovered.length,
  };
}

/** retried, for the clustering groups whose handler fails some deliveries (not those it fails always: dlq). */
function retriedViolations(scenario: Scenario, history: History): Violation[] | undefined {
  const handlers = new Map(
    scenario.topology.consumerGroups
      .filter((g) => g.messageModel === 'CLUSTERING' && g.handler.kind === 'fail')
      .map((g) => [g.group, g.handler]),
  );
  if (handlers.size === 0) return undefined;
  return checkRetried(history, [...handlers.keys()], ({ value }) => {
    const handler = handlers.get(value.group)!;
    return failsDelivery(handler, value.key, value.reconsumeTimes) && !failsAlways(handler, value.key);
  });
}
