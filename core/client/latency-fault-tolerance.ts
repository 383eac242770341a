// The producer's latency fault strategy (RocketMQ 4.9.x's MQFaultStrategy and
// LatencyFaultToleranceImpl), off unless sendLatencyFaultEnable is set.
// After each send attempt the broker's latency maps to a period during which the broker is "not
// available": the largest latencyMax step the latency reaches gives the notAvailableDuration at
// the same index ({50,100,550,1000,2000,3000,15000} ms to {0,0,30 s,60 s,120 s,180 s,600 s}); a
// failed attempt counts as 30 s, so the broker is set aside for 600 s. Selection then takes, from
// the round-robin position, the first queue whose broker is available; when none is, it picks one
// of the better half of the set-aside brokers (pickOneAtLeast: shuffled, then sorted available
// first, lower latency, sooner back) and a queue id on it from the counter.
// With the strategy off, selection is plain round robin avoiding the last failed broker.
// Simplifications: in the "none available" branch Java rewrites the chosen MessageQueue object in
// place (a known aliasing bug that corrupts the publish list); here a new MessageQueue is made.
import type { Env } from '../env.ts';
import { MessageQueue } from './message-queue.ts';
import { SendWhichQueue, type TopicPublishInfo } from './topic-publish-info.ts';

/** 4.x's latency steps (ms) and the not-available period (ms) each one earns. */
export const LATENCY_MAX: readonly number[] = [50, 100, 550, 1000, 2000, 3000, 15000];
export const NOT_AVAILABLE_DURATION: readonly number[] = [0, 0, 30_000, 60_000, 120_000, 180_000, 600_000];
/** The latency a failed attempt counts as (updateFaultItem with isolation). */
export const ISOLATION_LATENCY = 30_000;

export interface FaultItem {
  readonly name: string;
  currentLatency: number;
  /** The wall-clock time from which the broker is available again. */
  startTimestamp: number;
}

export class LatencyFaultToleranceImpl {
  private readonly faultItemTable = new Map<string, FaultItem>();
  private readonly whichItemWorst: SendWhichQueue;

  constructor(private readonly env: Pick<Env, 'now' | 'rng'>) {
    this.whichItemWorst = new SendWhichQueue(env.rng);
  }

  updateFaultItem(name: string, currentLatency: number, notAvailableDuration: number): void {
    const startTimestamp = this.env.now() + notAvailableDuration;
    const item = this.faultItemTable.get(name);
    if (item === undefined) this.faultItemTable.set(name, { name, currentLatency, startTimestamp });
    else {
      item.currentLatency = currentLatency;
      item.startTimestamp = startTimestamp;
    }
  }

  isAvailable(name: string): boolean {
    const item = this.faultItemTable.get(name);
    return item === undefined || this.itemAvailable(item);
  }

  remove(name: string): void {
    this.faultItemTable.delete(name);
  }

  /** A snapshot of the table, for traces and tests. */
  items(): FaultItem[] {
    return [...this.faultItemTable.values()].map((item) => ({ ...item }));
  }

  /** One of the better half of the known brokers, or undefined when none is known. */
  pickOneAtLeast(): string | undefined {
    const list = [...this.faultItemTable.values()];
    if (list.length === 0) return undefined;
    // Collections.shuffle, then a stable sort: ties keep the shuffled order.
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.env.rng.int(i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    list.sort((a, b) => this.compare(a, b));
    const half = Math.floor(list.length / 2);
    if (half <= 0) return list[0]!.name;
    return list[this.whichItemWorst.getAndIncrement() % half]!.name;
  }

  private itemAvailable(item: FaultItem): boolean {
    return this.env.now() - item.startTimestamp >= 0;
  }

  /** FaultItem.compareTo: available first, then lower latency, then sooner available. */
  private compare(a: FaultItem, b: FaultItem): number {
    const availableA = this.itemAvailable(a);
    if (availableA !== this.itemAvailable(b)) return availableA ? -1 : 1;
    if (a.currentLatency !== b.currentLatency) return a.currentLatency - b.currentLatency;
    return a.startTimestamp - b.startTimestamp;
  }
}

export class MQFaultStrategy {
  sendLatencyFaultEnable = false;
  readonly latencyFaultTolerance: LatencyFaultToleranceImpl;

  constructor(private readonly env: Pick<Env, 'now' | 'rng'>) {
    this.latencyFaultTolerance = new LatencyFaultToleranceImpl(env);
  }

  selectOneMessageQueue(tpInfo: TopicPublishInfo, lastBrokerName: string | undefined): MessageQueue {
    if (!this.sendLatencyFaultEnable) return tpInfo.selectOneMessageQueue(lastBrokerName);
    const faults = this.latencyFaultTolerance;
    const list = tpInfo.messageQueueList;
    let index = tpInfo.sendWhichQueue.getAndIncrement();
    for (let i = 0; i < list.length; i++) {
      const mq = list[index++ % list.length]!;
      index &= 0x7fff_ffff;
      if (faults.isAvailable(mq.brokerName)) return mq;
    }
    const notBestBroker = faults.pickOneAtLeast();
    if (notBestBroker !== undefined) {
      const writeQueueNums = tpInfo.getQueueIdByBroker(notBestBroker);
      if (writeQueueNums > 0) {
        const mq = tpInfo.selectOneMessageQueue();
        const queueId = tpInfo.sendWhichQueue.getAndIncrement() % writeQueueNums;
        return new MessageQueue(mq.topic, notBestBroker, queueId);
      }
      faults.remove(notBestBroker);
    }
    return tpInfo.selectOneMessageQueue();
  }

  /** After an attempt: its latency, or ISOLATION_LATENCY for a failure, sets the broker aside. */
  updateFaultItem(brokerName: string, currentLatency: number, isolation: boolean): void {
    if (!this.sendLatencyFaultEnable) return;
    const duration = computeNotAvailableDuration(isolation ? ISOLATION_LATENCY : currentLatency);
    this.latencyFaultTolerance.updateFaultItem(brokerName, currentLatency, duration);
  }
}

export function computeNotAvailableDuration(currentLatency: number): number {
  for (let i = LATENCY_MAX.length - 1; i >= 0; i--) {
    if (currentLatency >= LATENCY_MAX[i]!) return NOT_AVAILABLE_DURATION[i]!;
  }
  return 0;
}
