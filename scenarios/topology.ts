// Where a scenario's nodes live: each named node gets an address in the style of a real cluster
// (NameServers on 9876, brokers on 10911, one machine each), and each broker its broker.conf.
// Addresses are ours to assign: the first 99 broker groups, 255 producers and 255 consumers live
// in 10.0.x.y as they always have (traces name them), the rest in a /16 of their own each.
// File sizes default small (1 MiB CommitLog files, 3,000-entry ConsumeQueue files, small index
// files) so that runs roll files and stay light; RocketMQ's own defaults are 1 GiB, 300,000
// entries and 5 million slots. A scenario's `conf` overrides them.
import { configIssue } from '../core/config-error.ts';
import { FAULT_TARGETS, type BrokerGroup, type DiskOverride, type Scenario } from './scenario-schema.ts';

export type Role = 'namesrv' | 'master' | 'slave' | 'producer' | 'consumer' | 'admin';

export interface NodeSpec {
  readonly name: string;
  readonly address: string;
  readonly role: Role;
  /** Brokers: the group; producers and consumers: their index in the scenario's list. */
  readonly brokerGroup?: BrokerGroup;
  readonly brokerId?: number;
  readonly index: number;
}

const ADMIN_ADDRESS = '10.0.250.1:9999';

const SCENARIO_FILE_SIZES = {
  mappedFileSizeCommitLog: 1_048_576,
  mappedFileSizeConsumeQueue: 60_000,
  maxHashSlotNum: 1_000,
  maxIndexNum: 4_000,
};

/** The /16 blocks past 10.0.x.y: broker groups from the 100th, producers and consumers from the 256th. */
const BROKER_BLOCK = 1;
const PRODUCER_BLOCK = 2;
const CONSUMER_BLOCK = 3;
/** 10.0.1.x to 10.0.99.x hold the first broker groups; 10.0.100.x and 10.0.200.x are the clients'. */
const FIRST_BROKER_GROUPS = 99;
/** Hosts 1 to 250 of a /24 (no .0, no .255). */
const HOSTS_PER_NET = 250;

/** Broker group g (from 0), broker id (0 the master, slaves 1 and 2). */
function brokerHost(g: number, id: number): string {
  if (g < FIRST_BROKER_GROUPS) return `10.0.${g + 1}.${id + 1}`;
  const n = (g - FIRST_BROKER_GROUPS) * 3 + id;
  return `10.${BROKER_BLOCK}.${Math.floor(n / HOSTS_PER_NET)}.${(n % HOSTS_PER_NET) + 1}`;
}

/** The i-th client (from 0) of a kind: 10.0.<net>.<i + 1> for the first 255, then its own block. */
function clientHost(net: number, block: number, i: number): string {
  if (i < 255) return `10.0.${net}.${i + 1}`;
  const n = i - 255;
  return `10.${block}.${Math.floor(n / HOSTS_PER_NET)}.${(n % HOSTS_PER_NET) + 1}`;
}

export function layout(scenario: Scenario): NodeSpec[] {
  const { namesrvs, brokers, producers, consumerGroups } = scenario.topology;
  const nodes: NodeSpec[] = [];
  for (let i = 1; i <= namesrvs; i++) {
    nodes.push({ name: `namesrv-${i}`, address: `10.0.0.${i}:9876`, role: 'namesrv', index: i - 1 });
  }
  brokers.forEach((group, g) => {
    for (let id = 0; id <= group.slaves; id++) {
      nodes.push({
        name: id === 0 ? `${group.brokerName}-master` : `${group.brokerName}-slave${id}`,
        address: `${brokerHost(g, id)}:10911`,
        role: id === 0 ? 'master' : 'slave',
        brokerGroup: group,
        brokerId: id,
        index: g,
      });
    }
  });
  let consumer = 0;
  consumerGroups.forEach((group, g) => {
    for (let c = 0; c < group.consumers; c++) {
      consumer++;
      nodes.push({
        name: `consumer-${consumer}`,
        address: `${clientHost(200, CONSUMER_BLOCK, consumer - 1)}:7001`,
        role: 'consumer',
        index: g,
      });
    }
  });
  producers.forEach((_, p) => {
    nodes.push({
      name: `producer-${p + 1}`,
      address: `${clientHost(100, PRODUCER_BLOCK, p)}:5555`,
      role: 'producer',
      index: p,
    });
  });
  if (scenario.workload.resets.length > 0 || scenario.workload.queues > 0) {
    nodes.push({ name: 'admin', address: ADMIN_ADDRESS, role: 'admin', index: 0 });
  }
  return nodes;
}

/** The address of the node named `name`; a ConfigError at `path` of the scenario if there is none. */
export function addressOf(nodes: readonly NodeSpec[], name: string, path: (string | number)[]): string {
  const found = nodes.find((n) => n.name === name);
  if (found !== undefined) return found.address;
  const known = nodes.map((n) => n.name).join(', ');
  throw configIssue('scenario', path, `unknown node "${name}" (nodes: ${known})`, name);
}

export function namesrvAddr(nodes: readonly NodeSpec[]): string {
  return nodes
    .filter((n) => n.role === 'namesrv')
    .map((n) => n.address)
    .join(';');
}

/** The broker.conf values of one broker node (parsed and validated by brokerMain). */
export function brokerConfValues(node: NodeSpec, nodes: readonly NodeSpec[]): Record<string, unknown> {
  const group = node.brokerGroup!;
  const [host, port] = node.address.split(':');
  return {
    brokerClusterName: 'DefaultCluster',
    brokerName: group.brokerName,
    brokerId: node.brokerId,
    brokerIP1: host,
    listenPort: Number(port),
    namesrvAddr: namesrvAddr(nodes),
    brokerRole: node.role === 'master' ? group.brokerRole : 'SLAVE',
    flushDiskType: group.flushDiskType,
    ...SCENARIO_FILE_SIZES,
    ...group.conf,
  };
}

/** A node's disk settings: its role's entry of the scenario's `disk`, then its name's. */
export function diskOf(scenario: Scenario, node: NodeSpec): DiskOverride {
  return { ...scenario.disk[node.role], ...scenario.disk[node.name] };
}

/** Each key of the scenario's `disk` is a role or a node's name; a ConfigError names one that is not. */
export function checkDiskTargets(scenario: Scenario, nodes: readonly NodeSpec[]): void {
  for (const key of Object.keys(scenario.disk)) {
    if (!(FAULT_TARGETS as readonly string[]).includes(key)) addressOf(nodes, key, ['disk', key]);
  }
}
