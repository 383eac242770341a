// TopicPublishInfo: where a producer may send a topic's messages (RocketMQ 4.9.x's TopicPublishInfo
// and MQClientInstance.topicRouteData2TopicPublishInfo). From a TopicRouteData it lists, for each
// QueueData in brokerName order whose perm allows writing and whose broker group has a master,
// writeQueueNums queues (0 .. n-1) of that group. Selection is round robin on a counter that starts
// at a random value (ThreadLocalIndex: per thread in Java, per publish info here); a retry passes
// the broker of the failed attempt, and the first queue of another broker from the counter's
// position is taken, or any queue when every queue is on that broker.
// The subscribe side (readQueueNums of readable QueueData, masters or not) is here too, for the
// consumer's rebalance.
// Simplifications: no order-topic configuration (orderTopicConf comes from the NameServer's KV
// config, not modelled), so every topic is published from its route's queues.
import type { Rng } from '../env.ts';
import { isReadable, isWriteable } from '../protocol/perm-name.ts';
import { MASTER_ID, type TopicRouteData } from '../protocol/route-data.ts';
import { MessageQueue } from './message-queue.ts';

const POSITIVE_MASK = 0x7fff_ffff;

/** ThreadLocalIndex: an int counter from a random start; each value is made non-negative. */
export class SendWhichQueue {
  private index: number;

  constructor(rng: Rng) {
    this.index = rng.int(POSITIVE_MASK);
  }

  getAndIncrement(): number {
    this.index = (this.index + 1) | 0;
    return this.index & POSITIVE_MASK;
  }
}

export class TopicPublishInfo {
  readonly sendWhichQueue: SendWhichQueue;
  /** The route has been fetched at least once (even if it has no writable queue). */
  haveTopicRouterInfo = false;

  constructor(
    readonly messageQueueList: readonly MessageQueue[],
    readonly topicRouteData: TopicRouteData | undefined,
    rng: Rng,
  ) {
    this.sendWhichQueue = new SendWhichQueue(rng);
  }

  ok(): boolean {
    return this.messageQueueList.length > 0;
  }

  /** Round robin, avoiding `lastBrokerName` (the broker of the failed attempt) when it can. */
  selectOneMessageQueue(lastBrokerName?: string): MessageQueue {
    if (lastBrokerName === undefined) return this.selectAny();
    const list = this.messageQueueList;
    let index = this.sendWhichQueue.getAndIncrement();
    for (let i = 0; i < list.length; i++) {
      const mq = list[index++ % list.length]!;
      index &= POSITIVE_MASK;
      if (mq.brokerName !== lastBrokerName) return mq;
    }
    return this.selectAny();
  }

  /** The number of write queues `brokerName` has for the topic, or -1 (getQueueIdByBroker). */
  getQueueIdByBroker(brokerName: string): number {
    const qd = this.topicRouteData?.queueDatas.find((q) => q.brokerName === brokerName);
    return qd === undefined ? -1 : qd.writeQueueNums;
  }

  private selectAny(): MessageQueue {
    const list = this.messageQueueList;
    return list[this.sendWhichQueue.getAndIncrement() % list.length]!;
  }
}

function byBrokerName<T extends { brokerName: string }>(a: T, b: T): number {
  return a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0;
}

/** The writable masters' queues of a route, as MQClientInstance builds a producer's publish list. */
export function topicRouteData2TopicPublishInfo(
  topic: string,
  route: TopicRouteData,
  rng: Rng,
): TopicPublishInfo {
  const queues: MessageQueue[] = [];
  for (const qd of [...route.queueDatas].sort(byBrokerName)) {
    if (!isWriteable(qd.perm)) continue;
    const broker = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (broker?.brokerAddrs[MASTER_ID] === undefined) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) queues.push(new MessageQueue(topic, qd.brokerName, i));
  }
  const info = new TopicPublishInfo(queues, route, rng);
  info.haveTopicRouterInfo = true;
  return info;
}

/** The readable queues of a route (readQueueNums each), as a consumer's rebalance sees them. */
export function topicRouteData2TopicSubscribeInfo(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) queues.push(new MessageQueue(topic, qd.brokerName, i));
  }
  return queues;
}
