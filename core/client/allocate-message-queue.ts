// Queue allocation strategies of a clustering consumer group (RocketMQ 4.9.x's
// AllocateMessageQueueStrategy, AllocateMessageQueueAveragely and
// AllocateMessageQueueAveragelyByCircle). Every consumer of the group computes its own share from
// the same inputs: the topic's queues and the group's client ids, both sorted (RebalanceImpl sorts
// them before calling; the strategies here sort copies too, which changes nothing when they already
// are). A client id missing from the list gets nothing.
// - Averagely: contiguous ranges; the first (queues mod consumers) consumers get one extra queue;
//   with more consumers than queues, the extra consumers get nothing.
// - ByCircle: queue i goes to consumer i mod consumers.
import type { MessageQueue } from './message-queue.ts';

export interface AllocateMessageQueueStrategy {
  allocate(
    consumerGroup: string,
    currentCID: string,
    mqAll: readonly MessageQueue[],
    cidAll: readonly string[],
  ): MessageQueue[];
  getName(): string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** MessageQueue.compareTo: topic, then brokerName, then queueId. */
export function compareMessageQueue(a: MessageQueue, b: MessageQueue): number {
  return cmp(a.topic, b.topic) || cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId;
}

/** The queues sorted: the list itself when it already is (as a route's list is), else a sorted copy. */
export function sortMessageQueues(mqs: readonly MessageQueue[]): readonly MessageQueue[] {
  return isSorted(mqs, compareMessageQueue) ? mqs : [...mqs].sort(compareMessageQueue);
}

/** The client ids sorted: the list itself when it already is, else a sorted copy. */
export function sortClientIds(cids: readonly string[]): readonly string[] {
  return isSorted(cids, cmp) ? cids : [...cids].sort(cmp);
}

/** A stable sort would leave the list as it is. */
function isSorted<T>(list: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < list.length; i++) if (compare(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

interface SortedInputs {
  readonly mqs: readonly MessageQueue[];
  readonly cids: readonly string[];
  /** currentCID's place among the sorted client ids. */
  readonly index: number;
}

/** AbstractAllocateMessageQueueStrategy: check the inputs, sort them, then the strategy's share. */
abstract class AbstractAllocateMessageQueueStrategy implements AllocateMessageQueueStrategy {
  allocate(
    _consumerGroup: string,
    currentCID: string,
    mqAll: readonly MessageQueue[],
    cidAll: readonly string[],
  ): MessageQueue[] {
    if (currentCID.length === 0 || mqAll.length === 0 || cidAll.length === 0) return [];
    const cids = sortClientIds(cidAll);
    const index = cids.indexOf(currentCID);
    if (index < 0) return [];
    return this.share({ mqs: sortMessageQueues(mqAll), cids, index });
  }

  protected abstract share(inputs: SortedInputs): MessageQueue[];
  abstract getName(): string;
}

export class AllocateMessageQueueAveragely extends AbstractAllocateMessageQueueStrategy {
  protected share({ mqs, cids, index }: SortedInputs): MessageQueue[] {
    const mod = mqs.length % cids.length;
    const extra = mod > 0 && index < mod;
    const base = Math.floor(mqs.length / cids.length);
    const averageSize = mqs.length <= cids.length ? 1 : extra ? base + 1 : base;
    const startIndex = extra ? index * averageSize : index * averageSize + mod;
    const range = Math.min(averageSize, mqs.length - startIndex);
    const result: MessageQueue[] = [];
    for (let i = 0; i < range; i++) result.push(mqs[(startIndex + i) % mqs.length]!);
    return result;
  }

  getName(): string {
    return 'AVG';
  }
}

export class AllocateMessageQueueAveragelyByCircle extends AbstractAllocateMessageQueueStrategy {
  protected share({ mqs, cids, index }: SortedInputs): MessageQueue[] {
    const result: MessageQueue[] = [];
    for (let i = index; i < mqs.length; i++) if (i % cids.length === index) result.push(mqs[i]!);
    return result;
  }

  getName(): string {
    return 'AVG_BY_CIRCLE';
  }
}
