// ConsumerManager: the broker's table of online consumers (RocketMQ 4.9's ConsumerManager,
// ConsumerGroupInfo, ClientChannelInfo, the consumer half of ClientManageProcessor,
// ClientHousekeepingService, DefaultConsumerIdsChangeListener and Broker2Client's
// notifyConsumerIdsChanged).
// A HEART_BEAT registers each of the client's consumer groups on the connection it came on: the
// group's consume type and model, and its subscriptions (one table per group, the last heartbeat's
// wins). A new connection in a group, a subscription added or dropped, an UNREGISTER_CLIENT or a
// broken connection makes the broker send NOTIFY_CONSUMER_IDS_CHANGED (one-way) to every member
// left in the group, which rebalance at once. A client silent for 120 s is removed by the scan
// that runs every 10 s (first after 10 s); as in 4.9, that removal notifies nobody (the scan
// closes the channel, and the close event then finds nothing left to remove), so the others
// learn of it at their next 20 s rebalance.
// As in 4.9, each consumer group's heartbeat also creates its %RETRY% topic (retryQueueNums
// queues), which registers the broker with the NameServers at once, so a group's first retry does
// not wait for a send-back to create it.
// Simplifications: notifyConsumerIdsChangedEnable is always true; only TAG expressions (SQL92 needs
// enablePropertyFilter, false by default); no language or version per client.
import { z } from 'zod';
import type { ChannelId, Env, TimerId } from '../env.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { malformed, request, response } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { plainSafeParse } from '../protocol/plain-reader.ts';
import type { TagsCodeFilter } from '../store/get-message.ts';
import type { BrokerConfig } from './broker-config.ts';
import type { BrokerContext, RequestProcessor } from './broker-context.ts';
import {
  heartbeatDataSchema,
  SUB_ALL,
  type ConsumerData,
  type SubscriptionData,
} from '../protocol/heartbeat-data.ts';

/** ConsumerManager.CHANNEL_EXPIRED_TIMEOUT. */
const readHeartbeat = plainSafeParse(heartbeatDataSchema);

export const CHANNEL_EXPIRED_TIMEOUT = 120_000;
/** ClientHousekeepingService's scan: first after 10 s, then every 10 s. */
export const HOUSEKEEPING_INTERVAL = 10_000;
const unregisterClientHeaderSchema = z.object({
  clientID: z.string().min(1),
  producerGroup: z.string().optional(),
  consumerGroup: z.string().optional(),
});

/**
 * ExpressionMessageFilter.isMatchedByConsumeQueue for TAG expressions, as a store filter:
 * undefined (everything passes) for `*`, else membership of the entry's tagsCode in the codeSet.
 */
export function tagsCodeFilter(sub: SubscriptionData): TagsCodeFilter | undefined {
  if (sub.subString === SUB_ALL) return undefined;
  const codes = new Set(sub.codeSet);
  return (tagsCode) => codes.has(tagsCode);
}

/** One client's connection (ClientChannelInfo); `addr` is where the broker reaches it. */
export interface ClientChannelInfo {
  readonly channel: ChannelId;
  readonly clientId: string;
  readonly addr: string;
  lastUpdateTimestamp: number;
}

/** What a heartbeat's producer groups go to (the send side's ProducerManager). */
export interface ProducerRegistry {
  registerProducer(group: string, client: ClientChannelInfo): void;
  unregisterProducer(group: string, client: ClientChannelInfo): void;
}

/** Members of ClientHousekeepingService: scanned every 10 s, told of every broken connection. */
export interface ClientChannelTable {
  scanNotActiveChannel(): void;
  doChannelCloseEvent(addr: string, channel: ChannelId): void;
}

export class ConsumerGroupInfo {
  readonly channelInfoTable = new Map<ChannelId, ClientChannelInfo>();
  readonly subscriptionTable = new Map<string, SubscriptionData>();
  consumeType: ConsumerData['consumeType'] = 'CONSUME_PASSIVELY';
  messageModel: ConsumerData['messageModel'] = 'CLUSTERING';
  consumeFromWhere = 'CONSUME_FROM_LAST_OFFSET';

  constructor(readonly groupName: string) {}

  /** Adds or refreshes a connection; true if it is new to the group. */
  updateChannel(info: ClientChannelInfo, data: ConsumerData, now: number): boolean {
    this.consumeType = data.consumeType;
    this.messageModel = data.messageModel;
    this.consumeFromWhere = data.consumeFromWhere;
    const old = this.channelInfoTable.get(info.channel);
    const isNew = old === undefined;
    // Another clientId on a known channel replaces the old entry (RocketMQ logs an error).
    const kept = old === undefined || old.clientId !== info.clientId ? info : old;
    this.channelInfoTable.set(info.channel, kept);
    kept.lastUpdateTimestamp = now;
    return isNew;
  }

  /** Adds new topics, takes newer versions, drops topics absent from `subs`; true if topics changed. */
  updateSubscription(subs: readonly SubscriptionData[]): boolean {
    let updated = false;
    for (const sub of subs) {
      const old = this.subscriptionTable.get(sub.topic);
      if (old === undefined) updated = true;
      if (old === undefined || sub.subVersion > old.subVersion) this.subscriptionTable.set(sub.topic, sub);
    }
    for (const topic of [...this.subscriptionTable.keys()]) {
      if (!subs.some((s) => s.topic === topic)) {
        this.subscriptionTable.delete(topic);
        updated = true;
      }
    }
    return updated;
  }

  findSubscriptionData(topic: string): SubscriptionData | undefined {
    return this.subscriptionTable.get(topic);
  }

  getAllClientId(): string[] {
    return [...this.channelInfoTable.values()].map((c) => c.clientId);
  }
}

export class ConsumerManager implements ClientChannelTable {
  readonly consumerTable = new Map<string, ConsumerGroupInfo>();

  constructor(
    private readonly env: Env,
    private readonly config: Pick<BrokerConfig, 'notifyConsumerIdsChangedEnable'>,
  ) {}

  getConsumerGroupInfo(group: string): ConsumerGroupInfo | undefined {
    return this.consumerTable.get(group);
  }

  findSubscriptionData(group: string, topic: string): SubscriptionData | undefined {
    return this.consumerTable.get(group)?.findSubscriptionData(topic);
  }

  /** A heartbeat's consumer group; notifies the group if a member or a topic is new or gone. */
  registerConsumer(info: ClientChannelInfo, data: ConsumerData): boolean {
    let group = this.consumerTable.get(data.groupName);
    if (group === undefined)
      this.consumerTable.set(data.groupName, (group = new ConsumerGroupInfo(data.groupName)));
    const r1 = group.updateChannel(info, data, this.env.now());
    const r2 = group.updateSubscription(data.subscriptionDataSet);
    if (r1) this.env.trace('broker.consumer-registered', { group: data.groupName, clientId: info.clientId });
    if (r1 || r2) this.consumerIdsChanged(group);
    return r1 || r2;
  }

  /** UNREGISTER_CLIENT: the group is notified even if the channel was not in it, as in 4.9. */
  unregisterConsumer(groupName: string, channel: ChannelId): void {
    const group = this.consumerTable.get(groupName);
    if (group === undefined) return;
    const removed = group.channelInfoTable.get(channel);
    group.channelInfoTable.delete(channel);
    if (removed !== undefined) {
      this.env.trace('broker.consumer-unregistered', { group: groupName, clientId: removed.clientId });
    }
    if (group.channelInfoTable.size === 0) this.consumerTable.delete(groupName);
    this.consumerIdsChanged(group);
  }

  /** A connection broke: it leaves every group it was in, and those groups are notified. */
  doChannelCloseEvent(addr: string, channel: ChannelId): void {
    for (const [name, group] of [...this.consumerTable]) {
      const info = group.channelInfoTable.get(channel);
      if (info === undefined) continue;
      group.channelInfoTable.delete(channel);
      this.env.probe('broker.consumer-channel-closed');
      this.env.trace('broker.consumer-channel-closed', { group: name, clientId: info.clientId, addr });
      if (group.channelInfoTable.size === 0) this.consumerTable.delete(name);
      this.consumerIdsChanged(group);
    }
  }

  /** Drops connections silent for more than 120 s, without notifying anyone (see the header). */
  scanNotActiveChannel(): void {
    const now = this.env.now();
    // Over the maps themselves, no copies: deleting the entry being visited is safe, and nothing
    // here adds one. forEach, not for-of: a scan every 10 s never runs optimized, and there each
    // for-of step makes an iterator result and an entry pair.
    this.consumerTable.forEach((group, name) => {
      group.channelInfoTable.forEach((info, channel) => {
        if (now - info.lastUpdateTimestamp <= CHANNEL_EXPIRED_TIMEOUT) return;
        group.channelInfoTable.delete(channel);
        this.env.probe('broker.consumer-expired');
        this.env.trace('broker.consumer-expired', { group: name, clientId: info.clientId });
      });
      if (group.channelInfoTable.size === 0) this.consumerTable.delete(name);
    });
  }

  /** DefaultConsumerIdsChangeListener CHANGE and Broker2Client.notifyConsumerIdsChanged. */
  private consumerIdsChanged(group: ConsumerGroupInfo): void {
    if (!this.config.notifyConsumerIdsChangedEnable) return;
    const notice = request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group.groupName });
    for (const info of group.channelInfoTable.values()) this.env.net.oneway(info.addr, notice);
  }
}

/** ClientHousekeepingService: the periodic scan and the close events of the client tables. */
export class ClientHousekeepingService {
  private timer: TimerId | undefined;

  constructor(
    private readonly env: Env,
    private readonly tables: readonly ClientChannelTable[],
  ) {}

  /** Starts the scan; the broker routes env.net.onDisconnect to onChannelClose. */
  start(): void {
    const tick = () => {
      for (const table of this.tables) table.scanNotActiveChannel();
      this.timer = this.env.setTimer(HOUSEKEEPING_INTERVAL, tick);
    };
    this.timer = this.env.setTimer(HOUSEKEEPING_INTERVAL, tick);
  }

  shutdown(): void {
    if (this.timer !== undefined) this.env.cancelTimer(this.timer);
    this.timer = undefined;
  }

  readonly onChannelClose = (addr: string, channel: ChannelId): void => {
    for (const table of this.tables) table.doChannelCloseEvent(addr, channel);
  };
}

/** Creates a consumer group's %RETRY% topic if its subscription group exists (or may be created). */
export type RetryTopicCreator = (group: string) => void;

/** HEART_BEAT and UNREGISTER_CLIENT (ClientManageProcessor). */
export function clientManageProcessors(
  ctx: BrokerContext,
  consumers: ConsumerManager,
  producers?: ProducerRegistry,
  retryTopics?: RetryTopicCreator,
): Map<number, RequestProcessor> {
  const heartBeat: RequestProcessor = (req, reply, from, channel) => {
    const body = readHeartbeat(req.body);
    if (!body.success) return reply?.answer(malformed('HEART_BEAT body', body.error));
    const { clientID, producerDataSet, consumerDataSet } = body.data;
    const info = (): ClientChannelInfo => ({
      channel,
      clientId: clientID,
      addr: from,
      lastUpdateTimestamp: ctx.env.now(),
    });
    for (const data of consumerDataSet) {
      retryTopics?.(data.groupName);
      consumers.registerConsumer(info(), data);
    }
    for (const data of producerDataSet) producers?.registerProducer(data.groupName, info());
    reply?.answer(response(ResponseCode.SUCCESS));
  };
  const unregisterClient: RequestProcessor = (req, reply, from, channel) => {
    const header = unregisterClientHeaderSchema.safeParse(req.extFields ?? {});
    if (!header.success) return reply?.answer(malformed('UNREGISTER_CLIENT header', header.error));
    const { clientID, producerGroup, consumerGroup } = header.data;
    const info = { channel, clientId: clientID, addr: from, lastUpdateTimestamp: ctx.env.now() };
    if (producerGroup !== undefined) producers?.unregisterProducer(producerGroup, info);
    if (consumerGroup !== undefined) consumers.unregisterConsumer(consumerGroup, channel);
    reply?.answer(response(ResponseCode.SUCCESS));
  };
  return new Map([
    [RequestCode.HEART_BEAT, heartBeat],
    [RequestCode.UNREGISTER_CLIENT, unregisterClient],
  ]);
}
