// A topic's route as the NameServer hands it to clients (TopicRouteData), and the cluster view an
// admin asks for (ClusterInfo). A QueueData says how many queues one broker group (brokerName)
// has for the topic; a BrokerData lists the addresses of that group by brokerId, 0 being the
// master. Clients build the publish list from masters' queues only and the subscribe list from
// readQueueNums. Simplifications: no orderTopicConf, no filterServerTable, no 5.x
// topicQueueMappingByBroker.
import type { TopicConfig } from './topic-config.ts';

/** MixAll.MASTER_ID: the brokerId of a group's master; a slave has a positive id. */
export const MASTER_ID = 0;

export interface QueueData extends TopicConfig {
  readonly brokerName: string;
}

export interface BrokerData {
  readonly cluster: string;
  readonly brokerName: string;
  /** brokerId to address; a group without a master has no key 0. */
  readonly brokerAddrs: Readonly<Record<number, string>>;
}

export interface TopicRouteData {
  readonly queueDatas: readonly QueueData[];
  readonly brokerDatas: readonly BrokerData[];
}

export interface ClusterInfo {
  readonly brokerAddrTable: Readonly<Record<string, BrokerData>>;
  /** Cluster name to the broker names (groups) in it. */
  readonly clusterAddrTable: Readonly<Record<string, readonly string[]>>;
}
