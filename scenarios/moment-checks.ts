// The checks that judge a moment rather than the end (issue 15): what the world held as each
// send's answer left its broker (flushed-at-answer for SYNC_FLUSH groups, replicated-at-answer for
// SYNC_MASTER groups), and whether a failed send had retries owed while a master was reachable
// (available). Each is checked where the scenario's configuration makes its promise.
import type { Violation, History } from '../properties/history.ts';
import type { WireSeen } from '../properties/answers.ts';
import { checkAvailable, type ProducerPromise } from '../properties/checkers/available.ts';
import { checkFlushedAtAnswer } from '../properties/checkers/flushed-at-answer.ts';
import { checkReplicatedAtAnswer } from '../properties/checkers/replicated-at-answer.ts';
import type { WitnessedBroker } from '../properties/answer-witness.ts';
import type { BrokerGroup, Property, Scenario } from './scenario-schema.ts';
import type { NodeSpec } from './topology.ts';

/** A group whose SEND_OK promises the record flushed (flushed-at-answer judges it). */
const promisesFlushed = (b: BrokerGroup) => b.flushDiskType === 'SYNC_FLUSH';
/** A group whose SEND_OK promises the record on a slave (replicated-at-answer judges it). */
const promisesReplicated = (b: BrokerGroup) => b.brokerRole === 'SYNC_MASTER';

/** DefaultMQProducer.retryTimesWhenSendAsyncFailed, which scenarios leave at RocketMQ's default. */
const ASYNC_RETRIES = 2;

export function momentChecks(
  scenario: Scenario,
  nodes: readonly NodeSpec[],
  history: History,
  wire: WireSeen,
): [Property, Violation[]][] {
  const groups = (promises: (b: BrokerGroup) => boolean) =>
    new Set(scenario.topology.brokers.filter(promises).map((b) => b.brokerName));
  const syncFlush = groups(promisesFlushed);
  const syncMaster = groups(promisesReplicated);
  const found: [Property, Violation[]][] = [];
  if (syncFlush.size > 0)
    found.push(['flushed-at-answer', checkFlushedAtAnswer(history, wire.answers, syncFlush)]);
  if (syncMaster.size > 0) {
    found.push(['replicated-at-answer', checkReplicatedAtAnswer(history, wire.answers, syncMaster)]);
  }
  if (scenario.workload.shardingKeys === 0) {
    const masters = nodes
      .filter((n) => n.role === 'master')
      .map((n) => ({ address: n.address, brokerName: n.brokerGroup!.brokerName }));
    const producers = producerPromises(scenario, nodes);
    found.push(['available', checkAvailable(history, { producers, masters, ...wire })]);
  }
  return found;
}

function producerPromises(scenario: Scenario, nodes: readonly NodeSpec[]): Map<string, ProducerPromise> {
  const promises = new Map<string, ProducerPromise>();
  for (const node of nodes) {
    if (node.role !== 'producer') continue;
    const spec = scenario.topology.producers[node.index]!;
    const retries = spec.sendMode === 'async' ? ASYNC_RETRIES : spec.retryTimesWhenSendFailed;
    // The producer's clock measures sendMsgTimeout: a fast clock spends it in less world time.
    const drift = scenario.topology.clocks[node.name]?.driftPpm ?? 0;
    promises.set(node.address, {
      mode: spec.sendMode,
      attempts: 1 + retries,
      timeoutMs: spec.sendMsgTimeout / (1 + drift / 1_000_000),
      latencyFaultEnable: spec.sendLatencyFaultEnable,
    });
  }
  return promises;
}

/**
 * The brokers the witness reads: each broker node's group and CommitLog directory, and whether a
 * checker judges its answers' records (no other reads them: the witness reads only those).
 */
export function witnessedBrokers(nodes: readonly NodeSpec[]): Map<string, WitnessedBroker> {
  const brokers = new Map<string, WitnessedBroker>();
  for (const node of nodes) {
    const group = node.brokerGroup;
    if (group === undefined) continue;
    const root = group.conf.storePathRootDir;
    const commitLogDir = `${typeof root === 'string' ? root : 'store'}/commitlog`;
    const readsRecords = promisesFlushed(group) || promisesReplicated(group);
    brokers.set(node.address, { brokerName: group.brokerName, commitLogDir, readsRecords });
  }
  return brokers;
}
