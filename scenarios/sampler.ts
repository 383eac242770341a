// Samples the brokers' state once a virtual second for the report's charts: per broker the
// CommitLog's written, flushed and dispatched positions; per queue of the workload's topic its max
// offset and each group's committed offset (the lag is their difference). Sampling only reads: it
// traces nothing, so it changes no trace hash. A sample is written as numbers into one growing
// array, not as objects (most runs make no report); the report's Sample objects are built from it
// once, when asked for.
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

/**
 * The samples as numbers, in the order they were taken. Each sample: its time; the number of
 * brokers, then each one's node index and three positions; the number of queues, then each one's
 * name index, max offset and each group's committed offset (negative: none, left out of its Sample).
 */
export class SampleLog {
  private values = new Float64Array(4096);
  private length = 0;
  /** The queues' `brokerName/queueId` names, each written once; by brokerName and queue id. */
  private readonly queueNames: string[] = [];
  private readonly queueIndex = new Map<string, Map<number, number>>();
  private built: Sample[] | undefined;

  constructor(
    private readonly nodes: readonly NodeSpec[],
    private readonly groups: readonly string[],
  ) {}

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** Reserves a count written once it is known (set). */
  reserve(): number {
    this.push(0);
    return this.length - 1;
  }

  set(at: number, value: number): void {
    this.values[at] = value;
  }

  queue(brokerName: string, queueId: number): number {
    let byId = this.queueIndex.get(brokerName);
    if (byId === undefined) this.queueIndex.set(brokerName, (byId = new Map()));
    let index = byId.get(queueId);
    if (index === undefined) {
      index = this.queueNames.push(`${brokerName}/${queueId}`) - 1;
      byId.set(queueId, index);
    }
    return index;
  }

  /** The samples as the report reads them, built on the first call. */
  samples(): Sample[] {
    if (this.built !== undefined) return this.built;
    const samples: Sample[] = [];
    const v = this.values;
    for (let i = 0; i < this.length;) {
      const s: Sample = { t: v[i++]!, brokers: {}, queues: {} };
      for (let n = v[i++]!; n > 0; n--, i += 4) {
        s.brokers[this.nodes[v[i]!]!.name] = {
          written: v[i + 1]!,
          flushed: v[i + 2]!,
          dispatched: v[i + 3]!,
        };
      }
      for (let n = v[i++]!; n > 0; n--) {
        const name = this.queueNames[v[i++]!]!;
        const maxOffset = v[i++]!;
        const committed: Record<string, number> = {};
        for (const group of this.groups) {
          const offset = v[i++]!;
          if (offset >= 0) committed[group] = offset;
        }
        s.queues[name] = { maxOffset, committed };
      }
      samples.push(s);
    }
    this.built = samples;
    return samples;
  }
}

export function startSampler(
  world: World,
  nodes: readonly NodeSpec[],
  brokers: ReadonlyMap<string, BrokerController>,
  topic: string,
  groups: readonly string[],
): SampleLog {
  const log = new SampleLog(nodes, groups);
  const sample = () => {
    log.push(world.now);
    const brokerCount = log.reserve();
    let running = 0;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      const broker = brokers.get(node.address);
      if (broker === undefined || world.node(node.address).state !== 'running') continue;
      const { store } = broker.ctx;
      log.push(n);
      log.push(store.commitLog.maxOffset());
      log.push(store.commitLog.queue.flushedWhere);
      log.push(store.reput.reputFromOffset);
      running++;
    }
    log.set(brokerCount, running);
    const queueCount = log.reserve();
    let queues = 0;
    for (const node of nodes) {
      const broker = brokers.get(node.address);
      if (node.role !== 'master' || broker === undefined || world.node(node.address).state !== 'running')
        continue;
      queues += addQueues(log, broker, topic, groups);
    }
    log.set(queueCount, queues);
    world.scheduler.scheduleAt(world.now + SAMPLE_EVERY_MS, sample);
  };
  world.scheduler.scheduleAt(world.now, sample);
  return log;
}

/** Writes each queue of the topic on a master; returns how many. */
function addQueues(
  log: SampleLog,
  broker: BrokerController,
  topic: string,
  groups: readonly string[],
): number {
  const { brokerName, offsets, store } = broker.ctx;
  let count = 0;
  // The store's array of queues (the topic's in creation order) walked by index: a sample makes no
  // iterator result a queue or group.
  const queues = store.consumeQueues.queues;
  for (let q = 0; q < queues.length; q++) {
    const cq = queues[q]!;
    if (cq.topic !== topic) continue;
    log.push(log.queue(brokerName, cq.queueId));
    log.push(cq.maxOffsetInQueue());
    for (let g = 0; g < groups.length; g++) log.push(offsets.queryOffset(groups[g]!, topic, cq.queueId));
    count++;
  }
  return count;
}
