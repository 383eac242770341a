// `rmqsim admin`: mqadmin's updateTopic, topicStatus and consumerProgress against any NameServer
// and its brokers, over RocketMQ's wire protocol (a TcpNet of its own, no process):
// - updateTopic: UPDATE_AND_CREATE_TOPIC on the master of every broker group of the cluster
//   (-c, from GET_BROKER_CLUSTER_INFO) or on one broker (-b);
// - topicStatus: the topic's route, then GET_MIN_OFFSET and GET_MAX_OFFSET of every queue;
// - consumerProgress: per queue of the topic, the broker's max offset, the group's committed
//   offset (QUERY_CONSUMER_OFFSET) and their difference.
// Simplifications: no "#Last Updated" column (GET_TOPIC_STATS_INFO is not served), and
// consumerProgress takes the topic (-t) where mqadmin asks the broker for the group's topics
// (GET_CONSUME_STATS, not served); no client IP column.
import { onResult } from '../core/env.ts';
import type { RemotingCommand } from '../core/protocol/remoting-command.ts';
import { request } from '../core/protocol/remoting-command.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../core/protocol/response-code.ts';
import { MASTER_ID, type ClusterInfo, type TopicRouteData } from '../core/protocol/route-data.ts';
import { TcpNet } from './tcp-net.ts';
import { LiveInputError } from './live-input-error.ts';

const TIMEOUT_MS = 5_000;

/** One admin session: requests over one TcpNet, closed at the end. */
export class AdminClient {
  private readonly net = new TcpNet();

  constructor(private readonly namesrvAddr: string) {}

  close(): Promise<void> {
    return this.net.close();
  }

  /** The answer to `command` from `addr`; a broken connection or a timeout is an Error naming addr. */
  invoke(addr: string, command: RemotingCommand): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      this.net.request(
        addr,
        command,
        TIMEOUT_MS,
        onResult((result) => {
          if (result.ok) resolve(result.body as RemotingCommand);
          else reject(new Error(`${addr}: ${result.error}`));
        }),
      );
    });
  }

  /** invoke, SUCCESS expected; anything else is an Error with its code and remark. */
  async call(addr: string, command: RemotingCommand): Promise<RemotingCommand> {
    const answer = await this.invoke(addr, command);
    if (answer.code !== ResponseCode.SUCCESS) {
      throw new Error(
        `${addr}: ${responseCodeName(answer.code)}${answer.remark ? `: ${answer.remark}` : ''}`,
      );
    }
    return answer;
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const answer = await this.call(this.namesrvAddr, request(RequestCode.GET_BROKER_CLUSTER_INFO));
    return answer.body as ClusterInfo;
  }

  async route(topic: string): Promise<TopicRouteData> {
    const answer = await this.invoke(
      this.namesrvAddr,
      request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }),
    );
    if (answer.code === ResponseCode.TOPIC_NOT_EXIST)
      throw new LiveInputError(`-t ${topic}: no route for this topic`);
    if (answer.code !== ResponseCode.SUCCESS)
      throw new Error(`${this.namesrvAddr}: ${answer.remark ?? answer.code}`);
    return answer.body as TopicRouteData;
  }

  /** The masters of the cluster's broker groups. */
  async mastersOf(cluster: string): Promise<string[]> {
    const info = await this.clusterInfo();
    const names = info.clusterAddrTable[cluster];
    if (names === undefined)
      throw new LiveInputError(`-c ${cluster}: no such cluster on ${this.namesrvAddr}`);
    return names.flatMap((name) => info.brokerAddrTable[name]?.brokerAddrs[MASTER_ID] ?? []);
  }
}

export interface UpdateTopicOptions {
  readonly topic: string;
  readonly cluster?: string;
  readonly brokerAddr?: string;
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  readonly perm: number;
}

/** mqadmin updateTopic: the lines it prints. */
export async function updateTopic(admin: AdminClient, o: UpdateTopicOptions): Promise<string[]> {
  const targets = o.brokerAddr !== undefined ? [o.brokerAddr] : await admin.mastersOf(o.cluster!);
  const header = {
    topic: o.topic,
    defaultTopic: 'TBW102',
    readQueueNums: o.readQueueNums,
    writeQueueNums: o.writeQueueNums,
    perm: o.perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  };
  const lines: string[] = [];
  for (const addr of targets) {
    await admin.call(addr, request(RequestCode.UPDATE_AND_CREATE_TOPIC, header));
    lines.push(`create topic to ${addr} success.`);
  }
  const config = `TopicConfig [topicName=${o.topic}, readQueueNums=${o.readQueueNums}, writeQueueNums=${o.writeQueueNums}, perm=${permText(o.perm)}, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false]`;
  return [...lines, config];
}

function permText(perm: number): string {
  return `${perm & 4 ? 'R' : '-'}${perm & 2 ? 'W' : '-'}${perm & 1 ? 'X' : '-'}`;
}

interface QueueRow {
  readonly brokerName: string;
  readonly brokerAddr: string;
  readonly queueId: number;
}

/** Every readable queue of the topic, on its group's master, by broker name and queue id. */
async function queuesOf(admin: AdminClient, topic: string): Promise<QueueRow[]> {
  const route = await admin.route(topic);
  const rows: QueueRow[] = [];
  for (const q of [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1))) {
    const brokerAddr = route.brokerDatas.find((b) => b.brokerName === q.brokerName)?.brokerAddrs[MASTER_ID];
    if (brokerAddr === undefined) continue;
    for (let queueId = 0; queueId < q.readQueueNums; queueId++)
      rows.push({ brokerName: q.brokerName, brokerAddr, queueId });
  }
  return rows;
}

async function offsetOf(admin: AdminClient, addr: string, command: RemotingCommand): Promise<number> {
  return Number((await admin.call(addr, command)).extFields?.offset);
}

/** mqadmin topicStatus: #Broker Name, #QID, #Min Offset, #Max Offset per queue. */
export async function topicStatus(admin: AdminClient, topic: string): Promise<string[][]> {
  const rows = [['#Broker Name', '#QID', '#Min Offset', '#Max Offset']];
  for (const q of await queuesOf(admin, topic)) {
    const header = { topic, queueId: q.queueId };
    const min = await offsetOf(admin, q.brokerAddr, request(RequestCode.GET_MIN_OFFSET, header));
    const max = await offsetOf(admin, q.brokerAddr, request(RequestCode.GET_MAX_OFFSET, header));
    rows.push([q.brokerName, String(q.queueId), String(min), String(max)]);
  }
  return rows;
}

/** mqadmin consumerProgress: per queue, the broker's offset, the group's and the difference. */
export async function consumerProgress(
  admin: AdminClient,
  group: string,
  topic: string,
): Promise<string[][]> {
  const rows = [['#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff']];
  let total = 0;
  for (const q of await queuesOf(admin, topic)) {
    const header = { topic, queueId: q.queueId };
    const max = await offsetOf(admin, q.brokerAddr, request(RequestCode.GET_MAX_OFFSET, header));
    const asked = request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, ...header });
    const answer = await admin.invoke(q.brokerAddr, asked);
    const consumed = answer.code === ResponseCode.SUCCESS ? Number(answer.extFields?.offset) : 0;
    total += max - consumed;
    rows.push([
      topic,
      q.brokerName,
      String(q.queueId),
      String(max),
      String(consumed),
      String(max - consumed),
    ]);
  }
  rows.push(['', '', '', '', 'Diff Total:', String(total)]);
  return rows;
}
