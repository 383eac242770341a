// RemoteBrokerOffsetStore: a clustering consumer's offsets (RocketMQ 4.9.x). The consumer keeps
// the offset to commit per queue in memory; the broker's copy is updated by a one-way
// UPDATE_CONSUMER_OFFSET from persistAll (every 5 s, first after 10 s, driven by the consumer) and
// by the commitOffset every PULL_MESSAGE carries. Reading from the broker (QUERY_CONSUMER_OFFSET to
// the group's master) answers the offset, -1 when the broker has none (any non-SUCCESS answer, as
// Java maps every MQBrokerException to -1) and -2 for any other failure (no broker address, a
// network error); a successful read also replaces the in-memory offset.
// persistAll sends the offsets of the queues it is given and forgets the others.
// Simplifications: the broker address is looked up in the route cache, and when it is missing the
// route is fetched once (as Java does) before giving up.
import { request } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import { describeError } from './exceptions.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import { onInvokeResult } from './response-future.ts';
import { AbstractOffsetStore, type QueueKeys } from './offset-store.ts';

/** The timeout of QUERY_CONSUMER_OFFSET (ms). */
export const QUERY_OFFSET_TIMEOUT = 3_000;

export class RemoteBrokerOffsetStore extends AbstractOffsetStore {
  constructor(
    private readonly factory: MQClientInstance,
    readonly groupName: string,
  ) {
    super();
  }

  /** Nothing to read: the broker holds the offsets (RocketMQ's load is empty too). */
  load(): void {}

  /** The broker's offset: -1 when it has none, -2 on another error. */
  protected readOffsetFromStore(mq: MessageQueue, done: (offset: number) => void): void {
    this.withMasterAddr(mq, (addr) => {
      if (addr === undefined) return done(-2);
      const header = { consumerGroup: this.groupName, topic: mq.topic, queueId: mq.queueId };
      const command = request(RequestCode.QUERY_CONSUMER_OFFSET, header);
      this.factory.invoke(
        addr,
        command,
        QUERY_OFFSET_TIMEOUT,
        onInvokeResult((result) => {
          if (!result.ok) {
            this.factory.env.probe('client.offset-read-failed');
            this.factory.env.trace('consumer.offset-read-failed', {
              group: this.groupName,
              mq: mq.key,
              error: describeError(result.error),
            });
            return done(-2);
          }
          const { code, extFields } = result.response;
          if (code !== ResponseCode.SUCCESS) {
            this.factory.env.trace('consumer.offset-not-found', {
              group: this.groupName,
              mq: mq.key,
              code: responseCodeName(code),
            });
            return done(-1);
          }
          const offset = Number(extFields?.['offset']);
          if (!Number.isFinite(offset)) return done(-2);
          this.updateOffset(mq, offset, false);
          done(offset);
        }),
      );
    });
  }

  /** Sends the offsets of `mqs` to their brokers (one-way) and forgets every other queue's. */
  persistAll(mqs: QueueKeys): void {
    if (mqs.size === 0) return;
    // In place: a Map's iteration goes on past the entry it deletes, and a send adds none. Over
    // the values (each keyed by its queue's key): no [key, value] pair made an entry.
    for (const entry of this.offsetTable.values()) {
      if (mqs.has(entry.mq.key)) this.updateConsumeOffsetToBroker(entry.mq, entry.offset);
      else this.offsetTable.delete(entry.mq.key);
    }
  }

  /** Sends one queue's offset to its broker (one-way). */
  persist(mq: MessageQueue): void {
    const entry = this.offsetTable.get(mq.key);
    if (entry !== undefined) this.updateConsumeOffsetToBroker(mq, entry.offset);
  }

  removeOffset(mq: MessageQueue): void {
    this.offsetTable.delete(mq.key);
  }

  private updateConsumeOffsetToBroker(mq: MessageQueue, offset: number): void {
    const master = this.factory.findBrokerAddressInPublish(mq.brokerName);
    if (master !== undefined) this.sendOffset(master, mq, offset);
    else this.sendOffsetOnceRouted(mq, offset);
  }

  /**
   * The master is unknown: the offset goes once the route is fetched. Its closure is made here:
   * what a closure captures lives in a context made on every entry to its function, and
   * updateConsumeOffsetToBroker runs for every queue at every persist.
   */
  private sendOffsetOnceRouted(mq: MessageQueue, offset: number): void {
    this.withMasterAddr(mq, (addr) => addr !== undefined && this.sendOffset(addr, mq, offset));
  }

  private sendOffset(addr: string, mq: MessageQueue, offset: number): void {
    const header = {
      consumerGroup: this.groupName,
      topic: mq.topic,
      queueId: mq.queueId,
      commitOffset: offset,
    };
    this.factory.invokeOneway(addr, request(RequestCode.UPDATE_CONSUMER_OFFSET, header));
    this.factory.env.trace('consumer.offset-persist', { group: this.groupName, mq: mq.key, offset });
  }

  /**
   * The master of the queue's broker group (findBrokerAddressInPublish: no object made when it is
   * known); if it is unknown, the route is fetched once and then any broker of the group will do
   * (a slave, once the master is gone: 4.9's second lookup).
   */
  private withMasterAddr(mq: MessageQueue, done: (addr: string | undefined) => void): void {
    const addr = this.factory.findBrokerAddressInPublish(mq.brokerName);
    if (addr !== undefined) return done(addr);
    this.factory.updateTopicRouteInfoFromNameServer(mq.topic, () =>
      done(this.factory.findBrokerAddressInSubscribe(mq.brokerName, MASTER_ID, false)?.brokerAddr),
    );
  }
}
