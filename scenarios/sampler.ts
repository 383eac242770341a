// Samples the brokers' state once a virtual second for the report's charts: per broker the
// CommitLog's written, flushed and dispatched positions; per queue of the workload's topic its max
// offset and each group's committed offset (the lag is their difference). Sampling only reads: it
// traces nothing, so it changes no trace hash.
import type { BrokerController } from '../core/broker/broker-controller.ts';
import type { World } from '../sim/world.ts';
import type { NodeSpec } from './topology.ts';

export interface BrokerSample {
  written: number;
  flushed: number;
  dispatched: number;
}

export interface QueueSample {
  maxOffset: number;
  /** Committed offset per consumer group (absent: none yet). */
  committed: Record<string, number>;
}

export interface Sample {
  t: number;
  /** By broker node name; a broker that is down is absent. */
  brokers: Record<string, BrokerSample>;
  /** By `brokerName/queueId`, from the masters. */
  queues: Record<string, QueueSample>;
}

const SAMPLE_EVERY_MS = 1_000;

export function startSampler(
  world: World,
  nodes: readonly NodeSpec[],
  brokers: ReadonlyMap<string, BrokerController>,
  topic: string,
  groups: readonly string[],
): Sample[] {
  const samples: Sample[] = [];
  const sample = () => {
    const s: Sample = { t: world.now, brokers: {}, queues: {} };
    for (const node of nodes) {
      const broker = brokers.get(node.address);
      if (broker === undefined || world.node(node.address).state !== 'running') continue;
      const { store, offsets } = broker.ctx;
      s.brokers[node.name] = {
        written: store.commitLog.maxOffset(),
        flushed: store.commitLog.queue.flushedWhere,
        dispatched: store.reput.reputFromOffset,
      };
      if (node.role === 'master') addQueues(s, broker, topic, groups, offsets);
    }
    samples.push(s);
    world.scheduler.scheduleAt(world.now + SAMPLE_EVERY_MS, sample);
  };
  world.scheduler.scheduleAt(world.now, sample);
  return samples;
}

function addQueues(
  s: Sample,
  broker: BrokerController,
  topic: string,
  groups: readonly string[],
  offsets: BrokerController['ctx']['offsets'],
): void {
  for (const cq of broker.ctx.store.consumeQueues.queuesOf(topic)) {
    const committed: Record<string, number> = {};
    for (const group of groups) {
      const offset = offsets.queryOffset(group, topic, cq.queueId);
      if (offset >= 0) committed[group] = offset;
    }
    s.queues[`${broker.ctx.brokerName}/${cq.queueId}`] = { maxOffset: cq.maxOffsetInQueue(), committed };
  }
}
