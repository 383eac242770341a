// Backlog and lag: what each consumer group can still consume when a run ends. A group's
// position in a queue is the offset it would consume next: for a CLUSTERING group, the offset
// its consumers committed to the brokers of the queue's group (ConsumerOffsetManager; the largest
// any running broker of the group holds, so a slave serves while its master is down); for a
// BROADCASTING consumer, its own offset store's (LocalFileOffsetStore, in memory). A group's lag is
// RocketMQ's (mqadmin consumerProgress: the brokers' max offset minus the group's position, summed
// over the topic's queues); an acknowledged message a group has not consumed is backlog when it
// is stored on a running broker at or past the group's position (a consumer will get it), and
// lost otherwise (no broker stores it, or the group's position is past it).
// Reading all of this changes nothing in the world: no event, no trace.
// Not modelled: a group that has committed nothing starts, as RocketMQ's CONSUME_FROM_LAST_OFFSET
// does for a queue whose first messages are still in memory, at the queue's first offset; a
// broadcasting consumer that is down at the end has no position (all it missed is backlog).
import type { BrokerController } from '../core/broker/broker-controller.ts';
import type { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import type { Reach } from '../properties/checkers/lost.ts';
import { forEachInQueue } from '../properties/harness/store-node.ts';
import type { Scenario } from './scenario-schema.ts';
import type { NodeSpec } from './topology.ts';

/** Who must consume every message of the topic: a clustering group, or one broadcasting consumer. */
export interface Subscriber {
  /** As the checkers name it: the group, or `group@consumer-2` for a broadcasting consumer. */
  readonly label: string;
  readonly group: string;
  /** A broadcasting consumer's address. */
  readonly consumer?: string;
}

/** What the end of a run (or a moment of its drain) has running: brokers and consumers by address. */
export interface Running {
  readonly nodes: readonly NodeSpec[];
  readonly brokers: ReadonlyMap<string, BrokerController>;
  readonly consumers: ReadonlyMap<string, DefaultMQPushConsumer>;
  readonly topic: string;
}

export function subscribers(scenario: Scenario, nodes: readonly NodeSpec[]): Subscriber[] {
  return scenario.topology.consumerGroups.flatMap((g, index) =>
    g.messageModel === 'CLUSTERING'
      ? [{ label: g.group, group: g.group }]
      : nodes
          .filter((n) => n.role === 'consumer' && n.index === index)
          .map((n) => ({ label: `${g.group}@${n.name}`, group: g.group, consumer: n.address })),
  );
}

/** A queue of the topic, as `brokerName/queueId`, with its offsets over the running brokers. */
interface QueueSpan {
  readonly brokerName: string;
  readonly queueId: number;
  min: number;
  max: number;
}

const queueKey = (brokerName: string, queueId: number) => `${brokerName}/${queueId}`;

function queueSpans({ brokers, topic }: Running): Map<string, QueueSpan> {
  const spans = new Map<string, QueueSpan>();
  for (const broker of brokers.values()) {
    const brokerName = broker.ctx.brokerName;
    for (const cq of broker.ctx.store.consumeQueues) {
      if (cq.topic !== topic) continue;
      const key = queueKey(brokerName, cq.queueId);
      const span = spans.get(key) ?? { brokerName, queueId: cq.queueId, min: Infinity, max: 0 };
      span.min = Math.min(span.min, cq.minOffsetInQueue());
      span.max = Math.max(span.max, cq.maxOffsetInQueue());
      spans.set(key, span);
    }
  }
  return spans;
}

/** The subscriber's position in each queue (`brokerName/queueId`); absent: none known. */
function positionsOf(subscriber: Subscriber, running: Running): Map<string, number> {
  const positions = new Map<string, number>();
  if (subscriber.consumer !== undefined) {
    const store = running.consumers.get(subscriber.consumer)?.getOffsetStore();
    for (const [mq, offset] of store?.cloneOffsetTable() ?? []) {
      const [topic, brokerName, queueId] = mq.split('@');
      if (topic === running.topic && offset >= 0)
        positions.set(queueKey(brokerName!, Number(queueId)), offset);
    }
    return positions;
  }
  for (const broker of running.brokers.values()) {
    for (const cq of broker.ctx.store.consumeQueues) {
      if (cq.topic !== running.topic) continue;
      const offset = broker.ctx.offsets.queryOffset(subscriber.group, running.topic, cq.queueId);
      const key = queueKey(broker.ctx.brokerName, cq.queueId);
      if (offset >= 0) positions.set(key, Math.max(offset, positions.get(key) ?? 0));
    }
  }
  return positions;
}

/** Each subscriber's lag: messages stored on the running brokers past its position, over all queues. */
export function lags(subscribed: readonly Subscriber[], running: Running): Map<string, number> {
  const spans = queueSpans(running);
  return new Map(
    subscribed.map((s) => {
      const positions = positionsOf(s, running);
      let lag = 0;
      for (const [key, span] of spans)
        lag += Math.max(0, span.max - Math.max(span.min, positions.get(key) ?? 0));
      return [s.label, lag];
    }),
  );
}

/** Where a message is stored now, once a copy (master and slave hold the same). */
export interface StoredAt {
  readonly brokerName: string;
  readonly queueId: number;
  readonly queueOffset: number;
}

/** Every message of `topic` readable on the running brokers, by key (the workload's m<i>). */
export function storedMessages(brokers: Iterable<BrokerController>, topic: string): Map<string, StoredAt[]> {
  const stored = new Map<string, StoredAt[]>();
  for (const { ctx } of brokers) {
    const { brokerName } = ctx;
    for (const cq of ctx.store.consumeQueues) {
      if (cq.topic !== topic) continue;
      const { queueId } = cq;
      forEachInQueue(ctx.store, topic, queueId, (key, queueOffset) => {
        const at = stored.get(key);
        if (at === undefined) stored.set(key, [{ brokerName, queueId, queueOffset }]);
        else if (!isKnown(at, brokerName, queueId, queueOffset))
          at.push({ brokerName, queueId, queueOffset });
      });
    }
  }
  return stored;
}

/** Whether a copy at that place is in the list already (a slave's is its master's). */
function isKnown(at: readonly StoredAt[], brokerName: string, queueId: number, queueOffset: number): boolean {
  for (const a of at)
    if (a.brokerName === brokerName && a.queueId === queueId && a.queueOffset === queueOffset) return true;
  return false;
}

/** Whether a subscriber (by label) can still consume a message, and if not, why not. */
export function reach(
  subscribed: readonly Subscriber[],
  running: Running,
  stored: ReadonlyMap<string, StoredAt[]>,
): Reach {
  const positions = new Map(subscribed.map((s) => [s.label, positionsOf(s, running)]));
  return (label, key) => {
    const copies = stored.get(key);
    if (copies === undefined) return { reachable: false, why: 'no running broker stores it' };
    const at = positions.get(label);
    const behind = copies.map((c) => ({ c, position: at?.get(queueKey(c.brokerName, c.queueId)) ?? 0 }));
    if (behind.some(({ c, position }) => c.queueOffset >= position)) return { reachable: true };
    const { c, position } = behind[0]!;
    return {
      reachable: false,
      why: `it is stored at ${c.brokerName}/${c.queueId} offset ${c.queueOffset}, behind the group's position ${position} there`,
    };
  };
}
