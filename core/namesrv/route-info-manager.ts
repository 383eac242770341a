// RouteInfoManager: a NameServer's whole state, in memory only, as in RocketMQ 4.9.x:
// - topicQueueTable: topic → brokerName → QueueData (queue counts and perm of that broker group);
// - brokerAddrTable: brokerName → the group's cluster and addresses by brokerId (0 = master);
// - clusterAddrTable: cluster → brokerNames;
// - brokerLiveTable: brokerAddr → when it last registered (this NameServer's clock), its
//   DataVersion, the channel it registered on and its HA server address.
// Queue data is written by masters only, and only on a master's first registration or when its
// DataVersion changed; a topic the broker dropped stays until the whole group is gone. A broker is
// forgotten when it unregisters, when its channel breaks, or when it has been silent for longer
// than brokerChannelExpiredTime (the scan is the caller's timer). A topic left without queue data
// is deleted. Pure data logic: no network, no timers; time comes from the `now` it is given.
// A broken connection removes only the broker that registered on that very channel, so a late
// close of an old connection cannot remove a newer registration. (RocketMQ falls back to the
// remote socket address, whose ephemeral port never equals a broker's listening address; here
// peer addresses are listening addresses, so that fallback is left out.)
// Simplifications: no filter servers, no KV config, no wipe/add write perm, no 5.x topic queue mapping, no locks
// (a handler runs to completion).
import type { ChannelId, Env } from '../env.ts';
import type {
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  UnRegisterBrokerRequestHeader,
} from '../protocol/namesrv-headers.ts';
import {
  MASTER_ID,
  type BrokerData,
  type ClusterInfo,
  type QueueData,
  type TopicRouteData,
} from '../protocol/route-data.ts';
import {
  dataVersionEquals,
  type DataVersion,
  type TopicConfig,
  type TopicConfigSerializeWrapper,
} from '../protocol/topic-config.ts';

/** How long a broker may stay silent before the scan drops it: 2 minutes. */
export const BROKER_CHANNEL_EXPIRED_TIME = 120_000;

export interface BrokerLiveInfo {
  /** This NameServer's wall clock when the broker last registered. */
  readonly lastUpdateTimestamp: number;
  readonly dataVersion: DataVersion;
  /** The connection the registration came on; its breaking removes the broker. */
  readonly channel: ChannelId;
  readonly haServerAddr: string;
}

/** One broker group as the NameServer keeps it; BrokerData is its copy on the wire. */
export interface BrokerGroup {
  readonly cluster: string;
  readonly brokerName: string;
  /** Changed only through setBrokerAddr and deleteBrokerAddr, which drop `data`. */
  readonly brokerAddrs: Map<number, string>;
  /**
   * The group's BrokerData, made when a route first asks after a change and shared by every
   * answer until the next (answers are read, never changed): clients ask for routes every 30 s.
   */
  data?: BrokerData | undefined;
}

export interface RouteInfoManagerOptions {
  /** The NameServer's wall clock (Env.now). */
  now: () => number;
  brokerChannelExpiredTime?: number;
  /** The NameServer's coverage probes (Env.probe); none by default. */
  probe?: Env['probe'];
}

/** Read the tables freely; change them only through the operations, which keep them consistent. */
export class RouteInfoManager {
  readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  readonly brokerAddrTable = new Map<string, BrokerGroup>();
  readonly clusterAddrTable = new Map<string, Set<string>>();
  readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  private readonly now: () => number;
  private readonly brokerChannelExpiredTime: number;
  private readonly probe: Env['probe'];

  constructor(options: RouteInfoManagerOptions) {
    this.now = options.now;
    this.probe = options.probe ?? (() => {});
    this.brokerChannelExpiredTime = options.brokerChannelExpiredTime ?? BROKER_CHANNEL_EXPIRED_TIME;
  }

  /** Records a broker's registration; a slave gets its master's addresses if the master is live. */
  registerBroker(
    header: RegisterBrokerRequestHeader,
    topicConfigWrapper: TopicConfigSerializeWrapper,
    channel: ChannelId,
  ): RegisterBrokerResponseHeader | undefined {
    const { clusterName, brokerName, brokerAddr, brokerId, haServerAddr } = header;
    getOrCreate(this.clusterAddrTable, clusterName, () => new Set()).add(brokerName);
    const group = getOrCreate(this.brokerAddrTable, brokerName, () => ({
      cluster: clusterName,
      brokerName,
      brokerAddrs: new Map(),
    }));
    // A broker that changed role (a slave promoted to master) keeps its address under its new id only.
    for (const [id, addr] of group.brokerAddrs) {
      if (addr === brokerAddr && id !== brokerId) deleteBrokerAddr(group, id);
    }
    const registerFirst = !group.brokerAddrs.has(brokerId);
    setBrokerAddr(group, brokerId, brokerAddr);
    const { dataVersion, topicConfigTable } = topicConfigWrapper;
    if (
      brokerId === MASTER_ID &&
      (registerFirst || this.isBrokerTopicConfigChanged(brokerAddr, dataVersion))
    ) {
      for (const [topic, config] of Object.entries(topicConfigTable)) {
        this.createAndUpdateQueueData(brokerName, topic, config);
      }
    }
    this.brokerLiveTable.set(brokerAddr, {
      lastUpdateTimestamp: this.now(),
      dataVersion: { ...dataVersion },
      channel,
      haServerAddr,
    });
    return brokerId === MASTER_ID ? undefined : this.masterOf(group);
  }

  isBrokerTopicConfigChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.brokerLiveTable.get(brokerAddr)?.dataVersion;
    return prev === undefined || !dataVersionEquals(prev, dataVersion);
  }

  /** A clean stop: the broker is removed by its id in its group, whatever address it had. */
  unregisterBroker(header: UnRegisterBrokerRequestHeader): void {
    const { clusterName, brokerName, brokerAddr, brokerId } = header;
    this.brokerLiveTable.delete(brokerAddr);
    const group = this.brokerAddrTable.get(brokerName);
    if (group === undefined) return;
    deleteBrokerAddr(group, brokerId);
    if (group.brokerAddrs.size === 0) this.removeBrokerName(clusterName, brokerName);
  }

  /** The route of a topic, or null when no live broker group serves it (TOPIC_NOT_EXIST). */
  pickupTopicRouteData(topic: string): TopicRouteData | null {
    const queueDataMap = this.topicQueueTable.get(topic);
    if (queueDataMap === undefined) return null;
    // Sorted by brokerName, so that two NameServers that agree give equal answers.
    // QueueData objects are replaced, never changed, so the answer may share them.
    const queueDatas = [...queueDataMap.values()].sort((a, b) => compare(a.brokerName, b.brokerName));
    const brokerDatas = queueDatas.flatMap(({ brokerName }) => {
      const group = this.brokerAddrTable.get(brokerName);
      return group === undefined ? [] : [toBrokerData(group)];
    });
    if (brokerDatas.length === 0) return null;
    if (brokerDatas.some((b) => b.brokerAddrs[MASTER_ID] === undefined))
      this.probe('namesrv.route-without-master');
    return { queueDatas, brokerDatas };
  }

  /** Drops every broker silent for longer than brokerChannelExpiredTime; returns their addresses. */
  scanNotActiveBroker(): string[] {
    const now = this.now();
    const expired: string[] = [];
    for (const [brokerAddr, live] of this.brokerLiveTable) {
      if (live.lastUpdateTimestamp + this.brokerChannelExpiredTime < now) {
        this.brokerLiveTable.delete(brokerAddr);
        this.removeBrokerAddr(brokerAddr);
        expired.push(brokerAddr);
      }
    }
    return expired;
  }

  /**
   * A connection broke: the broker that registered on it is removed at once. Returns the removed
   * broker's address, if any.
   */
  onChannelDestroy(channel: ChannelId): string | undefined {
    const live = [...this.brokerLiveTable].find(([, info]) => info.channel === channel);
    if (live === undefined) return undefined;
    const brokerAddr = live[0];
    this.brokerLiveTable.delete(brokerAddr);
    this.removeBrokerAddr(brokerAddr);
    return brokerAddr;
  }

  getAllClusterInfo(): ClusterInfo {
    const brokerAddrTable = [...this.brokerAddrTable].map(([name, group]) => [name, toBrokerData(group)]);
    const clusterAddrTable = [...this.clusterAddrTable].map(([cluster, names]) => [
      cluster,
      [...names].sort(compare),
    ]);
    return {
      brokerAddrTable: Object.fromEntries(brokerAddrTable),
      clusterAddrTable: Object.fromEntries(clusterAddrTable),
    };
  }

  private createAndUpdateQueueData(brokerName: string, topic: string, config: TopicConfig): void {
    const { readQueueNums, writeQueueNums, perm, topicSysFlag } = config;
    const queueData: QueueData = { brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag };
    getOrCreate(this.topicQueueTable, topic, () => new Map()).set(brokerName, queueData);
  }

  private masterOf(group: BrokerGroup): RegisterBrokerResponseHeader | undefined {
    const masterAddr = group.brokerAddrs.get(MASTER_ID);
    if (masterAddr === undefined) return undefined;
    const master = this.brokerLiveTable.get(masterAddr);
    return master && { masterAddr, haServerAddr: master.haServerAddr };
  }

  /** Removes an address from the group holding it; a group left empty goes with its topics. */
  private removeBrokerAddr(brokerAddr: string): boolean {
    for (const group of this.brokerAddrTable.values()) {
      const entry = [...group.brokerAddrs].find(([, addr]) => addr === brokerAddr);
      if (entry === undefined) continue;
      deleteBrokerAddr(group, entry[0]);
      if (group.brokerAddrs.size === 0) this.removeBrokerName(group.cluster, group.brokerName);
      return true;
    }
    return false;
  }

  private removeBrokerName(clusterName: string, brokerName: string): void {
    this.probe('namesrv.broker-group-removed');
    this.brokerAddrTable.delete(brokerName);
    const names = this.clusterAddrTable.get(clusterName);
    names?.delete(brokerName);
    if (names?.size === 0) this.clusterAddrTable.delete(clusterName);
    for (const [topic, queueDataMap] of this.topicQueueTable) {
      queueDataMap.delete(brokerName);
      if (queueDataMap.size === 0) this.topicQueueTable.delete(topic);
    }
  }
}

function toBrokerData(group: BrokerGroup): BrokerData {
  if (group.data !== undefined) return group.data;
  const addrs = [...group.brokerAddrs].sort(([a], [b]) => a - b);
  group.data = {
    cluster: group.cluster,
    brokerName: group.brokerName,
    brokerAddrs: Object.fromEntries(addrs),
  };
  return group.data;
}

function setBrokerAddr(group: BrokerGroup, brokerId: number, brokerAddr: string): void {
  if (group.brokerAddrs.get(brokerId) === brokerAddr) return;
  group.brokerAddrs.set(brokerId, brokerAddr);
  group.data = undefined;
}

function deleteBrokerAddr(group: BrokerGroup, brokerId: number): void {
  if (group.brokerAddrs.delete(brokerId)) group.data = undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
