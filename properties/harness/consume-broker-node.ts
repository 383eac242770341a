// A broker node that serves the consume side (heartbeats, pulls with long polling, offsets, admin
// queries, locks, reset by time) over the simulated network, plus probe client nodes that send
// RemotingCommands and record what the broker pushes to them. The topic table is a fixed stub
// (TopicConfigManager is not modelled here) and there is no send path: tests put messages into the
// store directly. It wires the parts as the broker process should.
import { adminProcessors } from '../../core/broker/admin-processor.ts';
import { brokerConfFrom } from '../../core/broker/broker-config.ts';
import type { BrokerContext, RequestProcessor } from '../../core/broker/broker-context.ts';
import { consumerManageProcessors } from '../../core/broker/consumer-manage-processor.ts';
import {
  ClientHousekeepingService,
  clientManageProcessors,
  ConsumerManager,
} from '../../core/broker/consumer-manager.ts';
import { ConsumerOffsetManager } from '../../core/broker/consumer-offset-manager.ts';
import { pullMessageProcessors } from '../../core/broker/pull-message-processor.ts';
import { PullRequestHoldService } from '../../core/broker/pull-request-hold-service.ts';
import { RebalanceLockManager } from '../../core/broker/rebalance-lock-manager.ts';
import { onResult, type NetResult, type ProcessMain } from '../../core/env.ts';
import { parseHost } from '../../core/message/host.ts';
import { MessageConst } from '../../core/message/message.ts';
import { PermName } from '../../core/protocol/perm-name.ts';
import {
  isRemotingCommand,
  request,
  response,
  type ExtFields,
  type RemotingCommand,
} from '../../core/protocol/remoting-command.ts';
import { RequestCode } from '../../core/protocol/request-code.ts';
import { ResponseCode } from '../../core/protocol/response-code.ts';
import type { TopicConfig } from '../../core/protocol/topic-config.ts';
import type { PutMessageRequest } from '../../core/store/commit-log.ts';
import { DefaultMessageStore } from '../../core/store/message-store.ts';
import type { PutMessageResult } from '../../core/store/put-message-result.ts';
import { probeProcess, type Probe } from '../../sim/probe-process.ts';
import { World } from '../../sim/world.ts';
import { asRead } from './as-read.ts';
import { SMALL_FILES } from './store-node.ts';
import { type HeartbeatData, buildSubscriptionData } from '../../core/protocol/heartbeat-data.ts';

export const BROKER = '10.0.0.1:10911';
export const BROKER_NAME = 'broker-a';
const RW = PermName.PERM_READ | PermName.PERM_WRITE;

export interface ConsumeBrokerOptions {
  seed?: number;
  /** broker.conf keys (broker and store). */
  conf?: Record<string, unknown>;
  topics?: Record<string, TopicConfig>;
  clients?: string[];
  latencyMs?: number;
}

export interface Answer {
  /** World time of the answer. */
  t: number;
  result: NetResult;
}

/** The parts of the broker process, rebuilt on each start. */
export interface BrokerParts {
  ctx: BrokerContext;
  consumers: ConsumerManager;
  hold: PullRequestHoldService;
  housekeeping: ClientHousekeepingService;
}

/** The broker process of the world: store, managers and the consume-side processors. */
function consumeBrokerMain(
  options: ConsumeBrokerOptions,
  topics: Record<string, TopicConfig>,
  onParts: (parts: BrokerParts) => void,
): ProcessMain {
  return (env) => {
    const conf = brokerConfFrom({ ...SMALL_FILES, brokerName: BROKER_NAME, ...options.conf });
    // The hold service comes first: the store takes its arrival callback when built.
    const hold = new PullRequestHoldService(env, conf.broker, (t, q): number =>
      store.getMaxOffsetInQueue(t, q),
    );
    const store: DefaultMessageStore = new DefaultMessageStore({
      env,
      config: conf.store,
      storeHost: parseHost(BROKER),
      onArriving: hold.arriving,
    });
    store.start();
    const ctx: BrokerContext = {
      env,
      conf,
      brokerName: BROKER_NAME,
      brokerAddr: BROKER,
      store,
      offsets: new ConsumerOffsetManager(env, conf.store.storePathRootDir),
      locks: new RebalanceLockManager(env),
      topics: { selectTopicConfig: (topic) => topics[topic] },
    };
    const consumers = new ConsumerManager(env, conf.broker);
    const housekeeping = new ClientHousekeepingService(env, [consumers]);
    const table = new Map<number, RequestProcessor>([
      ...clientManageProcessors(ctx, consumers),
      ...pullMessageProcessors(ctx, consumers, hold).processors,
      ...consumerManageProcessors(ctx, consumers),
      ...adminProcessors(ctx, consumers),
    ]);
    env.net.serve((from, body, reply, channel) => {
      const processor = isRemotingCommand(body) ? table.get(body.code) : undefined;
      if (processor === undefined) reply?.answer(response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED));
      else processor(body as RemotingCommand, reply, from, channel);
    });
    env.net.onDisconnect(housekeeping.onChannelClose);
    hold.start();
    housekeeping.start();
    onParts({ ctx, consumers, hold, housekeeping });
    return {};
  };
}

export function consumeBrokerWorld(options: ConsumeBrokerOptions = {}) {
  const world = new World({
    seed: options.seed ?? 1,
    network: { latency: { dist: 'constant', ms: options.latencyMs ?? 1 } },
  });
  const topics = options.topics ?? { T: { readQueueNums: 4, writeQueueNums: 4, perm: RW, topicSysFlag: 0 } };
  let parts: BrokerParts | undefined;
  world.addNode(
    BROKER,
    consumeBrokerMain(options, topics, (p) => (parts = p)),
  );
  const probes = new Map<string, Probe>();
  for (const address of options.clients ?? ['c1', 'c2']) {
    world.addNode(
      address,
      probeProcess(probes, () => world.now),
    );
  }
  const probe = (address: string) => probes.get(address)!;

  /** Sends a request from a client; the answer lands in the returned list. */
  const send = (client: string, command: RemotingCommand, timeoutMs = 30_000): Answer[] => {
    const answers: Answer[] = [];
    probe(client).env.net.request(
      BROKER,
      command,
      timeoutMs,
      onResult((result) => answers.push({ t: world.now, result })),
    );
    return answers;
  };
  /** Sends and runs the world until answered (or `untilMs` passes). */
  const call = (client: string, command: RemotingCommand, untilMs = world.now + 60_000) => {
    const answers = send(client, command);
    while (answers.length === 0 && world.now < untilMs && world.scheduler.step());
    return answers[0]?.result.ok ? asRead(answers[0].result.body as RemotingCommand) : undefined;
  };

  let sent = 0;
  const putResults: PutMessageResult[] = [];
  /** Puts one message with an optional tag straight into the store. */
  const put = (topic: string, queueId: number, tags?: string) => {
    const key = `k${sent++}`;
    const properties = new Map([
      [MessageConst.KEYS, key],
      ...(tags === undefined ? [] : [[MessageConst.TAGS, tags] as const]),
    ]);
    const req: PutMessageRequest = {
      topic,
      queueId,
      flag: 0,
      body: new TextEncoder().encode(`body of ${key}`),
      properties,
      sysFlag: 0,
      bornTimestamp: world.config.epochMs,
      bornHost: parseHost('10.0.0.9:5555'),
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
    };
    parts!.ctx.store.putMessage(req, (result) => putResults.push(result));
    return key;
  };

  return { world, probe, send, call, put, putResults, parts: () => parts!, node: () => world.node(BROKER) };
}

/** A HEART_BEAT with one consumer group subscribed to `topic` with `subString`. */
export function heartbeat(
  clientId: string,
  group: string,
  topic: string,
  subString = '*',
  subVersion = 1,
): RemotingCommand {
  const body: HeartbeatData = {
    clientID: clientId,
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [buildSubscriptionData(topic, subString, subVersion)],
      },
    ],
  };
  return request(RequestCode.HEART_BEAT, undefined, body);
}

/** A PULL_MESSAGE header with the push consumer's defaults (32 messages, 15 s suspend). */
export function pullHeader(
  fields: Partial<Record<string, number | string>> & { queueOffset: number },
): ExtFields {
  return {
    consumerGroup: 'G',
    topic: 'T',
    queueId: 0,
    maxMsgNums: 32,
    sysFlag: 0x2,
    commitOffset: 0,
    suspendTimeoutMillis: 15_000,
    subVersion: 0,
    ...fields,
  } as ExtFields;
}
