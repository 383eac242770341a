// MQClientInstance: what one client process shares among its producers and consumers (RocketMQ
// 4.9.x's MQClientInstance, MQClientManager and the remoting half of MQClientAPIImpl; the
// settings are client-config.ts).
// - Identity: clientId = clientIP@instanceName; instanceName "DEFAULT" becomes the process id, so
//   every producer and consumer of one process with the same instanceName shares one instance.
// - NameServers: namesrvAddr is a ';'-separated list used one at a time, starting at a random
//   index; after a failed request the next one is tried on the next call (NettyRemotingClient's
//   namesrvAddrChoosed and namesrvIndex).
// - Routes: GET_ROUTEINFO_BY_TOPIC (3 s) caches the TopicRouteData and the broker addresses; a
//   producer's first send of a topic the NameServer does not know takes the default topic's
//   (TBW102) route with min(defaultTopicQueueNums, readQueueNums) queues per broker, and the broker
//   creates the topic on that send. Routes of the topics in use are polled every
//   pollNameServerInterval (30 s, first after 10 ms); a route that changed (or a publish or
//   subscribe table that wants one) updates the producers' publish info and the consumers'
//   subscribe info.
// - Heartbeats: every heartbeatBrokerInterval (30 s, first after 1 s), after dropping brokers that
//   no route mentions any more (cleanOfflineBroker), HEART_BEAT goes to every known broker with the
//   producer groups (CLIENT_INNER_PRODUCER included, as in Java) and the consumers' data; with no
//   consumer, to masters only.
// - Broker-to-client requests are dispatched by code to registered processors (the consumer adds
//   NOTIFY_CONSUMER_IDS_CHANGED and RESET_CONSUMER_CLIENT_OFFSET); others are answered
//   REQUEST_CODE_NOT_SUPPORTED.
// - Shutdown: a producer or consumer leaving sends UNREGISTER_CLIENT to every known broker; the
//   instance stops (timers, registry entry) when the last of them has left.
// Simplifications: no route lock (concurrent fetches of one topic share one request instead), no
// unit name or namespace, no VIP channel, no fetching of NameServer addresses from a web server,
// no inner producer of its own (its group only appears in heartbeats), UNREGISTER_CLIENT goes to
// the brokers in parallel rather than one after another.
import { sameRoute } from './same-route.ts';
import type { ChannelId, Env, Reply } from '../env.ts';
import { parseNamesrvAddr } from '../namesrv/broker-registration.ts';
import { isRemotingCommand, request, response, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { MASTER_ID, type TopicRouteData } from '../protocol/route-data.ts';
import { describeError, MQClientException } from './exceptions.ts';
import type { MessageQueue } from './message-queue.ts';
import {
  topicRouteData2TopicPublishInfo,
  topicRouteData2TopicSubscribeInfo,
  type TopicPublishInfo,
} from './topic-publish-info.ts';
import { onInvokeResult, ResponseFuture, type InvokeCallback } from './response-future.ts';
import { ScheduledExecutor } from './scheduled-executor.ts';
import { DEFAULT_INSTANCE_NAME, type ClientConfig } from './client-config.ts';
import { clientRemotingProcessors, type ClientRequestProcessor } from './client-remoting-processor.ts';
import { type ConsumerData, type HeartbeatData } from '../protocol/heartbeat-data.ts';

/** MixAll.CLIENT_INNER_PRODUCER_GROUP: every client instance's own producer group. */
export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';
/** The initial delays of MQClientInstance.startScheduledTask. */
export const POLL_NAMESRV_INITIAL_DELAY = 10;
export const HEARTBEAT_INITIAL_DELAY = 1_000;
/** NettyRemotingAbstract.scanResponseTable: first 3 s after start, then every second. */
const SCAN_RESPONSE_DELAY_MS = 3_000;
const SCAN_RESPONSE_PERIOD_MS = 1_000;
/** A response future is expired once begin + timeout + 1000 ms <= now. */
const SCAN_RESPONSE_GRACE_MS = 1_000;

/** What the instance needs of a producer (MQProducerInner). */
export interface MQProducerInner {
  /** Topics whose routes the instance should poll. */
  getPublishTopicList(): string[];
  /** True when the topic's publish info is missing or empty, so a route should be applied. */
  isPublishTopicNeedUpdate(topic: string): boolean;
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void;
}

/** What the instance needs of a consumer (MQConsumerInner); implemented by the consumer. */
export interface MQConsumerInner {
  /** The heartbeat's ConsumerData of this consumer's group. */
  consumerData(): ConsumerData;
  /** Topics subscribed, %RETRY% topic included; their routes are polled. */
  subscriptionTopics(): string[];
  isSubscribeTopicNeedUpdate(topic: string): boolean;
  updateTopicSubscribeInfo(topic: string, queues: MessageQueue[]): void;
  doRebalance(): void;
  /** A push consumer's part of MQClientInstance.resetOffset (the others have none). */
  resetOffset?(topic: string, offsetTable: ReadonlyMap<string, number>): void;
}

/** Where the default topic's route stands in for a topic the NameServer does not know. */
export interface DefaultRouteOptions {
  /** The producer's createTopicKey (TBW102). */
  createTopicKey: string;
  defaultTopicQueueNums: number;
}

type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

export class MQClientInstance {
  readonly clientId: string;
  readonly topicRouteTable = new Map<string, TopicRouteData>();
  /** Every broker address the cached routes mention, kept as they change (cleanOfflineBroker asks). */
  private readonly routeAddrs = new Set<string>();
  /** brokerName → brokerId → address. */
  readonly brokerAddrTable = new Map<string, Map<number, string>>();
  private readonly producers = new Map<string, MQProducerInner>();
  private readonly consumers = new Map<string, MQConsumerInner>();
  private readonly processors: Map<number, ClientRequestProcessor>;
  private readonly disconnectListeners: ((peer: string, channel: ChannelId) => void)[] = [];
  private readonly routeRequests = new Map<string, ((changed: boolean) => void)[]>();
  private readonly scheduled: ScheduledExecutor;
  private namesrvList: string[] = [];
  private namesrvIndex: number;
  private namesrvChosen: string | undefined;
  private state: ServiceState = 'CREATE_JUST';
  private startedAtMs = 0;

  constructor(
    readonly env: Env,
    readonly config: Readonly<ClientConfig>,
    clientId: string,
  ) {
    this.clientId = clientId;
    this.scheduled = new ScheduledExecutor(env);
    this.processors = clientRemotingProcessors(this);
    this.namesrvIndex = env.rng.int(999);
    this.updateNameServerAddressList(config.namesrvAddr ?? '');
  }

  get isRunning(): boolean {
    return this.state === 'RUNNING';
  }

  updateNameServerAddressList(namesrvAddr: string): void {
    this.namesrvList = parseNamesrvAddr(namesrvAddr);
    this.namesrvChosen = undefined;
  }

  get nameServerAddressList(): readonly string[] {
    return this.namesrvList;
  }

  /** Starts serving brokers' requests and the route poll and heartbeat timers; idempotent. */
  start(): void {
    if (this.state !== 'CREATE_JUST') return;
    this.state = 'RUNNING';
    this.startedAtMs = this.env.now();
    const { env, config } = this;
    env.net.serve((from, body, reply, channel) => this.serve(from, body, reply, channel));
    env.net.onDisconnect((peer, channel) => {
      if (!this.isRunning) return;
      for (const listener of this.disconnectListeners) listener(peer, channel);
    });
    this.scheduled.scheduleAtFixedRate(POLL_NAMESRV_INITIAL_DELAY, config.pollNameServerInterval, () =>
      this.pollTopicRoutes(),
    );
    this.scheduled.scheduleAtFixedRate(HEARTBEAT_INITIAL_DELAY, config.heartbeatBrokerInterval, () => {
      this.cleanOfflineBroker();
      this.sendHeartbeatToAllBroker();
    });
    env.trace('client.start', { clientId: this.clientId, namesrv: this.namesrvList.join(';') });
  }

  /** Stops the instance if no producer or consumer uses it any more. */
  shutdown(): void {
    if (this.state !== 'RUNNING' || this.consumers.size > 0 || this.producers.size > 0) return;
    this.state = 'SHUTDOWN_ALREADY';
    this.scheduled.shutdown();
    MQClientManager.remove(this.env, this.clientId);
    this.env.trace('client.shutdown', { clientId: this.clientId });
  }

  // ---- producers and consumers ----

  registerProducer(group: string, producer: MQProducerInner): boolean {
    if (this.producers.has(group)) return false;
    this.producers.set(group, producer);
    return true;
  }

  /** Forgets the group and sends UNREGISTER_CLIENT to every known broker; `done` when all answered. */
  unregisterProducer(group: string, done: () => void = () => {}): void {
    this.producers.delete(group);
    this.unregisterClient({ producerGroup: group }, done);
  }

  registerConsumer(group: string, consumer: MQConsumerInner): boolean {
    if (this.consumers.has(group)) return false;
    this.consumers.set(group, consumer);
    return true;
  }

  unregisterConsumer(group: string, done: () => void = () => {}): void {
    this.consumers.delete(group);
    this.unregisterClient({ consumerGroup: group }, done);
  }

  /** Every consumer rebalances now (NOTIFY_CONSUMER_IDS_CHANGED). */
  rebalanceImmediately(): void {
    for (const consumer of this.consumers.values()) consumer.doRebalance();
  }

  /** RESET_CONSUMER_CLIENT_OFFSET: the group's push consumer takes the new offsets. */
  resetOffset(topic: string, group: string, offsetTable: ReadonlyMap<string, number>): void {
    this.consumers.get(group)?.resetOffset?.(topic, offsetTable);
  }

  /** Serves a broker-to-client request code (NettyRemotingClient.registerProcessor). */
  registerProcessor(code: number, processor: ClientRequestProcessor): void {
    this.processors.set(code, processor);
  }

  /** Called when a connection to a peer (broker or NameServer) breaks. */
  addDisconnectListener(listener: (peer: string, channel: ChannelId) => void): void {
    this.disconnectListeners.push(listener);
  }

  // ---- remoting ----

  /** A request with a timeout; the answer, or the RemotingException the failure stands for. */
  invoke(addr: string, command: RemotingCommand, timeoutMs: number, callback: InvokeCallback): void {
    this.request(addr, command, timeoutMs, timeoutMs, callback);
  }

  /**
   * NettyRemotingClient.invokeAsync, as an async send uses it: its callback hears of a timeout only
   * from scanResponseTable, which runs every second from 3 s after start and expires a request once
   * begin + timeout + 1000 ms have passed. So the retry of a timed-out async send finds its time
   * spent, and is refused before it reaches the wire.
   */
  invokeAsync(addr: string, command: RemotingCommand, timeoutMs: number, callback: InvokeCallback): void {
    const now = this.env.now();
    const expired = now + Math.max(0, timeoutMs) + SCAN_RESPONSE_GRACE_MS;
    const firstScan = this.startedAtMs + SCAN_RESPONSE_DELAY_MS;
    const scan =
      expired <= firstScan
        ? firstScan
        : firstScan + Math.ceil((expired - firstScan) / SCAN_RESPONSE_PERIOD_MS) * SCAN_RESPONSE_PERIOD_MS;
    this.request(addr, command, scan - now, timeoutMs, callback);
  }

  private request(
    addr: string,
    command: RemotingCommand,
    waitMs: number,
    timeoutMs: number,
    callback: InvokeCallback,
  ): void {
    this.env.net.request(addr, command, Math.max(0, waitMs), new ResponseFuture(addr, timeoutMs, callback));
  }

  invokeOneway(addr: string, command: RemotingCommand): void {
    this.env.net.oneway(addr, command);
  }

  /** A request to the chosen NameServer; a network failure moves the choice to the next one. */
  invokeNameServer(command: RemotingCommand, timeoutMs: number, callback: InvokeCallback): void {
    const addr = this.chooseNameServer();
    if (addr === undefined) {
      const error = new MQClientException('No name server address, please set it.');
      return callback.operationComplete(undefined, error);
    }
    this.invoke(addr, command, timeoutMs, {
      operationComplete: (response, error) => {
        if (error !== undefined) {
          this.env.trace('client.namesrv-failed', { addr, error: describeError(error) });
          if (this.namesrvChosen === addr) this.namesrvChosen = undefined;
        }
        callback.operationComplete(response, error);
      },
    });
  }

  private chooseNameServer(): string | undefined {
    if (this.namesrvChosen !== undefined) return this.namesrvChosen;
    if (this.namesrvList.length === 0) return undefined;
    this.namesrvIndex = (this.namesrvIndex + 1) & 0x7fff_ffff;
    this.namesrvChosen = this.namesrvList[this.namesrvIndex % this.namesrvList.length]!;
    return this.namesrvChosen;
  }

  // ---- routes ----

  /**
   * Fetches `topic`'s route (or, with `fromDefault`, the default topic's route to stand in for it)
   * and applies it if it changed; `done(changed)`. Concurrent calls for one topic share a request.
   */
  updateTopicRouteInfoFromNameServer(
    topic: string,
    done: (changed: boolean) => void = () => {},
    fromDefault?: DefaultRouteOptions,
  ): void {
    const key = fromDefault === undefined ? topic : `${topic} <- ${fromDefault.createTopicKey}`;
    const waiting = this.routeRequests.get(key);
    if (waiting !== undefined) return void waiting.push(done);
    this.routeRequests.set(key, [done]);
    const finish = (changed: boolean) => {
      const callbacks = this.routeRequests.get(key) ?? [];
      this.routeRequests.delete(key);
      for (const callback of callbacks) callback(changed);
    };
    const asked = fromDefault?.createTopicKey ?? topic;
    const command = request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: asked });
    this.invokeNameServer(command, this.config.mqClientApiTimeout, {
      operationComplete: (response, error) => {
        if (!this.isRunning) return finish(false);
        if (error !== undefined) {
          this.env.probe('client.route-update-failed');
          this.env.trace('client.route-failed', { topic: asked, error: describeError(error) });
          return finish(false);
        }
        const { code, body, remark } = response!;
        if (code !== ResponseCode.SUCCESS || body === undefined) {
          this.env.trace('client.route-failed', { topic: asked, code: responseCodeName(code), remark });
          return finish(false);
        }
        let route = body as TopicRouteData;
        if (fromDefault !== undefined) route = withDefaultQueueNums(route, fromDefault.defaultTopicQueueNums);
        finish(this.applyTopicRoute(topic, route));
      },
    });
  }

  /**
   * Applies a fetched route if it changed or some table wants it; true if applied. It is compared
   * as it came and copied only to be kept (the network's bodies are shared): most polls find it
   * unchanged.
   */
  private applyTopicRoute(topic: string, fetched: TopicRouteData): boolean {
    const old = this.topicRouteTable.get(topic);
    const changed = old === undefined || !sameRoute(old, fetched);
    if (!changed && !this.isNeedUpdateTopicRouteInfo(topic)) return false;
    const route = structuredClone(fetched);
    for (const broker of route.brokerDatas) {
      const addrs = new Map(Object.entries(broker.brokerAddrs).map(([id, addr]) => [Number(id), addr]));
      this.brokerAddrTable.set(broker.brokerName, addrs);
    }
    for (const producer of this.producers.values()) {
      producer.updateTopicPublishInfo(topic, topicRouteData2TopicPublishInfo(topic, route, this.env.rng));
    }
    for (const consumer of this.consumers.values()) {
      consumer.updateTopicSubscribeInfo(topic, topicRouteData2TopicSubscribeInfo(topic, route));
    }
    this.topicRouteTable.set(topic, route);
    this.collectRouteAddrs();
    this.env.trace('client.route-updated', {
      topic,
      queueDatas: route.queueDatas.map(
        (q) => `${q.brokerName}:w${q.writeQueueNums}/r${q.readQueueNums}/p${q.perm}`,
      ),
      brokers: route.brokerDatas.map((b) => `${b.brokerName}=${Object.values(b.brokerAddrs).join(',')}`),
    });
    return true;
  }

  private isNeedUpdateTopicRouteInfo(topic: string): boolean {
    for (const producer of this.producers.values()) if (producer.isPublishTopicNeedUpdate(topic)) return true;
    for (const consumer of this.consumers.values())
      if (consumer.isSubscribeTopicNeedUpdate(topic)) return true;
    return false;
  }

  /** The route poll: every topic a producer publishes or a consumer subscribes. */
  private pollTopicRoutes(): void {
    const topics = new Set<string>();
    for (const consumer of this.consumers.values())
      for (const t of consumer.subscriptionTopics()) topics.add(t);
    for (const producer of this.producers.values())
      for (const t of producer.getPublishTopicList()) topics.add(t);
    for (const topic of [...topics].sort()) this.updateTopicRouteInfoFromNameServer(topic);
  }

  /** The master's address of a broker group, for sending. */
  findBrokerAddressInPublish(brokerName: string): string | undefined {
    return this.brokerAddrTable.get(brokerName)?.get(MASTER_ID);
  }

  /**
   * An address of the group for pulling: `brokerId` if known, else (unless onlyThisBroker) any
   * other of the group; `slave` says whether it is not the master (findBrokerAddressInSubscribe).
   */
  findBrokerAddressInSubscribe(
    brokerName: string,
    brokerId: number,
    onlyThisBroker: boolean,
  ): { brokerAddr: string; slave: boolean } | undefined {
    const addrs = this.brokerAddrTable.get(brokerName);
    if (addrs === undefined || addrs.size === 0) return undefined;
    let id = brokerId;
    let addr = addrs.get(id);
    if (addr === undefined && !onlyThisBroker) {
      [id, addr] = [...addrs.entries()].sort(([a], [b]) => a - b)[0]!;
    }
    return addr === undefined ? undefined : { brokerAddr: addr, slave: id !== MASTER_ID };
  }

  /** Some broker serving `topic` (a random group's master, else any of its brokers). */
  findBrokerAddrByTopic(topic: string): string | undefined {
    const brokers = this.topicRouteTable.get(topic)?.brokerDatas ?? [];
    if (brokers.length === 0) return undefined;
    const broker = brokers[this.env.rng.int(brokers.length)]!;
    return broker.brokerAddrs[MASTER_ID] ?? Object.values(broker.brokerAddrs)[0];
  }

  // ---- heartbeats ----

  /** Drops addresses of groups that no cached route mentions (cleanOfflineBroker). */
  private cleanOfflineBroker(): void {
    // In place, with no copies: a Map's iteration goes on past the entry it deletes. By keys (as
    // the heartbeat's walk): an entry's [key, value] would be an array made each step.
    for (const brokerName of this.brokerAddrTable.keys()) {
      const addrs = this.brokerAddrTable.get(brokerName)!;
      for (const id of addrs.keys()) if (!this.isAddressInRoutes(addrs.get(id)!)) addrs.delete(id);
      if (addrs.size === 0) this.brokerAddrTable.delete(brokerName);
    }
  }

  private isAddressInRoutes(addr: string): boolean {
    return this.routeAddrs.has(addr);
  }

  /**
   * The addresses of every cached route, gathered when one is applied (a route poll finds most
   * unchanged), not by each heartbeat's cleanOfflineBroker: a walk of brokerAddrs' ids (integer
   * keys, so no cached key list) made a key array a broker a route an address.
   */
  private collectRouteAddrs(): void {
    this.routeAddrs.clear();
    for (const route of this.topicRouteTable.values()) {
      for (const broker of route.brokerDatas) {
        for (const id in broker.brokerAddrs) this.routeAddrs.add(broker.brokerAddrs[id]!);
      }
    }
  }

  heartbeatData(): HeartbeatData {
    const groups = this.producers.size > 0 ? [CLIENT_INNER_PRODUCER_GROUP, ...this.producers.keys()] : [];
    return {
      clientID: this.clientId,
      producerDataSet: groups.map((groupName) => ({ groupName })),
      consumerDataSet: [...this.consumers.values()].map((c) => c.consumerData()),
    };
  }

  /** HEART_BEAT to every known broker; masters only when this client has no consumer. */
  sendHeartbeatToAllBroker(): void {
    if (!this.isRunning) return;
    if (this.producers.size === 0 && this.consumers.size === 0) return;
    const onlyMasters = this.consumers.size === 0;
    const body = this.heartbeatData();
    for (const brokerName of this.brokerAddrTable.keys()) {
      const addrs = this.brokerAddrTable.get(brokerName)!;
      for (const id of addrs.keys()) {
        if (onlyMasters && id !== MASTER_ID) continue;
        const addr = addrs.get(id)!;
        const command = request(RequestCode.HEART_BEAT, undefined, body);
        this.invoke(addr, command, this.config.mqClientApiTimeout, {
          operationComplete: (response, error) => {
            if (error !== undefined) this.env.probe('client.heartbeat-failed');
            const outcome = error === undefined ? responseCodeName(response!.code) : describeError(error);
            this.env.trace('client.heartbeat', { brokerName, brokerId: id, addr, outcome });
          },
        });
      }
    }
  }

  private unregisterClient(
    groups: { producerGroup?: string; consumerGroup?: string },
    done: () => void,
  ): void {
    const addrs = [...this.brokerAddrTable.values()].flatMap((byId) => [...byId.values()]);
    let left = addrs.length;
    if (left === 0) return done();
    for (const addr of addrs) {
      const command = request(RequestCode.UNREGISTER_CLIENT, { clientID: this.clientId, ...groups });
      this.invoke(
        addr,
        command,
        this.config.mqClientApiTimeout,
        onInvokeResult((result) => {
          const outcome = result.ok ? responseCodeName(result.response.code) : describeError(result.error);
          this.env.trace('client.unregister', { addr, ...groups, outcome });
          if (--left === 0) done();
        }),
      );
    }
  }

  // ---- broker-to-client requests ----

  private serve(from: string, body: unknown, reply: Reply | undefined, channel: ChannelId): void {
    if (!this.isRunning) return;
    if (!isRemotingCommand(body))
      return reply?.answer(response(ResponseCode.SYSTEM_ERROR, 'not a RemotingCommand'));
    const processor = this.processors.get(body.code);
    if (processor === undefined) {
      return reply?.answer(
        response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `request code ${body.code} is not supported`),
      );
    }
    processor(body, reply, from, channel);
  }
}

/** The default topic's route as a stand-in: each group gets min(defaultTopicQueueNums, readQueueNums). */
function withDefaultQueueNums(route: TopicRouteData, defaultTopicQueueNums: number): TopicRouteData {
  return {
    ...route,
    queueDatas: route.queueDatas.map((qd) => {
      const n = Math.min(defaultTopicQueueNums, qd.readQueueNums);
      return { ...qd, readQueueNums: n, writeQueueNums: n };
    }),
  };
}

/** A route as comparable text: groups sorted by name, keys sorted (topicRouteDataIsChange). */

/** The process id that stands for instanceName "DEFAULT": one per process incarnation. */
const pids = new WeakMap<Env, number>();
export function processId(env: Env): number {
  let pid = pids.get(env);
  if (pid === undefined) pids.set(env, (pid = 1 + env.rng.int(65_535)));
  return pid;
}

/** MQClientManager: one instance per clientId within a process. */
export const MQClientManager = {
  instances: new WeakMap<Env, Map<string, MQClientInstance>>(),

  /** ClientConfig.buildMQClientId, after changeInstanceNameToPID. */
  buildMQClientId(env: Env, config: ClientConfig): string {
    const instanceName =
      config.instanceName === DEFAULT_INSTANCE_NAME ? String(processId(env)) : config.instanceName;
    return `${config.clientIP}@${instanceName}`;
  },

  getOrCreateMQClientInstance(env: Env, config: ClientConfig): MQClientInstance {
    const clientId = this.buildMQClientId(env, config);
    let table = this.instances.get(env);
    if (table === undefined) this.instances.set(env, (table = new Map()));
    let instance = table.get(clientId);
    if (instance === undefined)
      table.set(clientId, (instance = new MQClientInstance(env, { ...config }, clientId)));
    return instance;
  },

  remove(env: Env, clientId: string): void {
    this.instances.get(env)?.delete(clientId);
  },
};
