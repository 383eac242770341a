import { describe, expect, test } from 'vitest';
import { probeProcess, type Probe } from '../../sim/probe-process.ts';
import type { TraceRecord } from '../../sim/trace.ts';
import { World } from '../../sim/world.ts';
import { DefaultMQPushConsumer } from '../client/default-mq-push-consumer.ts';
import { onResult, type NetResult } from '../env.ts';
import { namesrvMain, type NamesrvController } from '../namesrv/namesrv-controller.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { TopicRouteData } from '../protocol/route-data.ts';
import { brokerMain, type BrokerController } from './broker-controller.ts';
import { testBrokerConf } from './test-broker-conf.ts';
import { newSubscriptionGroupConfig } from './subscription-group-manager.ts';
import { SLAVE_SYNC_INITIAL_DELAY_MS, SLAVE_SYNC_PERIOD_MS } from './slave-synchronize.ts';
import { PullSysFlag } from '../protocol/pull-message-header.ts';
import { asRead } from '../../properties/harness/as-read.ts';

const NAMESRV = '10.0.0.9:9876';
const MASTER = '10.0.0.1:10911';
const SLAVE = '10.0.0.2:10911';
const CLIENT = '10.0.0.50:5555';
const CONSUMER = '10.0.0.61:7001';

const brokerConf = (role: string, brokerId: number) => testBrokerConf(NAMESRV, role, brokerId, 65_536);

/** A NameServer, a SYNC_MASTER and its slave (both started at world time 0), and a probe client. */
function cluster() {
  const world = new World({ seed: 11, keepTrace: true });
  const brokers = new Map<string, BrokerController>();
  let namesrv: NamesrvController | undefined;
  const ns = namesrvMain();
  world.addNode(NAMESRV, (env) => (namesrv = ns(env) as NamesrvController));
  for (const [addr, role, id] of [
    [MASTER, 'SYNC_MASTER', 0],
    [SLAVE, 'SLAVE', 1],
  ] as const) {
    const main = brokerMain(brokerConf(role, id));
    world.addNode(addr, (env) => {
      const controller = main(env) as BrokerController;
      brokers.set(env.address, controller);
      return controller;
    });
  }
  const probes = new Map<string, Probe>();
  world.addNode(
    CLIENT,
    probeProcess(probes, () => world.now),
  );
  /** Sends a request and runs the world until it is answered (at most 3.1 s). */
  const call = (to: string, command: RemotingCommand): RemotingCommand => {
    let result: NetResult | undefined;
    probes.get(CLIENT)!.env.net.request(
      to,
      command,
      3_000,
      onResult((r) => (result = r)),
    );
    const deadline = world.now + 3_100;
    while (result === undefined && world.now < deadline) world.runUntil(world.now + 10);
    expect(result?.ok).toBe(true);
    return asRead((result as { body: RemotingCommand }).body);
  };
  const send = (topic: string, queueId: number, body: string) => {
    const header = { producerGroup: 'P', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId };
    const fields = {
      ...header,
      sysFlag: 0,
      bornTimestamp: 0,
      flag: 0,
      properties: `KEYS\u0001${body}\u0002`,
    };
    const answer = call(MASTER, request(RequestCode.SEND_MESSAGE, fields, new TextEncoder().encode(body)));
    expect(answer.code).toBe(ResponseCode.SUCCESS);
  };
  const route = (topic: string) => call(NAMESRV, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
  const records = (event: string): TraceRecord[] => world.trace.records.filter((r) => r.event === event);
  const broker = (addr: string) => brokers.get(addr)!;
  return { world, broker, namesrv: () => namesrv!, call, send, route, records };
}

/** A pull that carries its own subscription ('*'), so that no heartbeat is needed. */
function pull(topic: string, queueId: number, queueOffset: number): RemotingCommand {
  return request(RequestCode.PULL_MESSAGE, {
    consumerGroup: 'G',
    topic,
    queueId,
    queueOffset,
    maxMsgNums: 32,
    sysFlag: PullSysFlag.SUBSCRIPTION,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: '*',
    subVersion: 0,
    expressionType: 'TAG',
  });
}

const offsetsOf = (b: BrokerController) =>
  Object.fromEntries(
    [...b.ctx.offsets.offsetTable].map(([key, queues]) => [key, Object.fromEntries(queues)]),
  );

describe('SlaveSynchronize', () => {
  test("within 13 s the slave holds its master's topics, offsets and groups; its registration carries them", () => {
    const { world, broker, namesrv, call, send, route, records } = cluster();
    // By 20 s the slave knows its master (the NameServer's answer) and replicates from it.
    world.runUntil(20_000);
    for (let i = 0; i < 8; i++) send('Orders', i % 4, `m${i}`);
    for (let queueId = 0; queueId < 4; queueId++) {
      const commit = { consumerGroup: 'G', topic: 'Orders', queueId, commitOffset: 1 + (queueId % 2) };
      expect(call(MASTER, request(RequestCode.UPDATE_CONSUMER_OFFSET, commit)).code).toBe(
        ResponseCode.SUCCESS,
      );
    }
    const master = broker(MASTER);
    const slave = broker(SLAVE);
    // An operator's group config on the master (what UPDATE_AND_CREATE_SUBSCRIPTIONGROUP does).
    master.groups.updateSubscriptionGroupConfig(newSubscriptionGroupConfig('G', { retryMaxTimes: 3 }));
    expect(slave.topics.selectTopicConfig('Orders')).toBeUndefined();
    expect(slave.groups.subscriptionGroupTable.get('G')).toBeUndefined();
    world.runUntil(world.now + 13_000);

    expect(slave.topics.topicConfigWrapper()).toEqual(master.topics.topicConfigWrapper());
    expect(slave.topics.selectTopicConfig('Orders')).toMatchObject({ readQueueNums: 4, writeQueueNums: 4 });
    expect(offsetsOf(slave)).toEqual(offsetsOf(master));
    expect(offsetsOf(slave)['Orders@G']).toEqual({ 0: 1, 1: 2, 2: 1, 3: 2 });
    expect([...slave.groups.subscriptionGroupTable]).toEqual([...master.groups.subscriptionGroupTable]);
    expect(slave.groups.subscriptionGroupTable.get('G')?.retryMaxTimes).toBe(3);
    expect(slave.groups.dataVersion).toEqual(master.groups.dataVersion);
    // The delay progress is written as the slave's delayOffset.json, and every table was persisted.
    for (const file of ['topics.json', 'consumerOffset.json', 'delayOffset.json', 'subscriptionGroup.json']) {
      expect(world.node(SLAVE).disk.exists(`store/config/${file}`)).toBe(true);
    }
    expect(records('slave.sync-failed')).toEqual([]);
    // The NameServer's route for the topic lists the group's master and slave.
    const answer = route('Orders');
    expect(answer.code).toBe(ResponseCode.SUCCESS);
    expect((answer.body as TopicRouteData).brokerDatas).toEqual([
      { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: MASTER, 1: SLAVE } },
    ]);
    // The slave's next periodic registration (every 30 s) carries the master's DataVersion.
    world.runUntil(world.now + 30_000);
    expect(namesrv().routeInfoManager.brokerLiveTable.get(SLAVE)?.dataVersion).toEqual(
      master.topics.dataVersion,
    );
    // The slave serves the topic: a pull and an offset query answer from its copies.
    const pulled = call(SLAVE, pull('Orders', 1, 0));
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(pulled.body).toHaveLength(2);
    const query = { consumerGroup: 'G', topic: 'Orders', queueId: 1 };
    expect(call(SLAVE, request(RequestCode.QUERY_CONSUMER_OFFSET, query)).extFields).toEqual({ offset: 2 });
  });

  test('a master powered off: a push consumer of the group goes on from the slave where it stood', () => {
    const { world, broker, send, records } = cluster();
    world.runUntil(20_000);
    const first = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    first.forEach((key, i) => send('Orders', i % 4, key));
    const box: { consumer?: DefaultMQPushConsumer } = {};
    world.addNode(CONSUMER, (env) => {
      const consumer = new DefaultMQPushConsumer('G', env);
      consumer.setNamesrvAddr(NAMESRV);
      consumer.subscribe('Orders', '*');
      consumer.registerMessageListener({ consumeMessage: () => 'CONSUME_SUCCESS' as const });
      consumer.start();
      box.consumer = consumer;
      return consumer;
    });
    const delivered = (from = 0) =>
      records('consumer.deliver')
        .filter((r) => r.t >= from)
        .map((r) => String(r.fields?.key));
    world.runUntil(world.now + 15_000);
    expect(delivered().sort()).toEqual(first);
    // The consumer pauses (its held pulls end within 15 s); more messages reach master and slave.
    box.consumer!.suspend();
    world.runUntil(world.now + 20_000);
    const second = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'];
    second.forEach((key, i) => send('Orders', i % 4, key));
    expect(delivered().length).toBe(first.length);
    // The next sync copies the offsets the consumer committed at the master: 2 per queue.
    world.runUntil(world.now + SLAVE_SYNC_PERIOD_MS + 1_000);
    const slave = broker(SLAVE);
    expect(offsetsOf(slave)['Orders@G']).toEqual({ 0: 2, 1: 2, 2: 2, 3: 2 });
    for (let queueId = 0; queueId < 4; queueId++) {
      expect(slave.ctx.store.getMaxOffsetInQueue('Orders', queueId)).toBe(4);
    }

    const offAt = world.now;
    world.node(MASTER).powerOff();
    box.consumer!.resume();
    // The NameServer drops the silent master after 2 minutes; the consumer's next route poll then
    // leaves it the slave, where it pulls from its offsets.
    world.runUntil(offAt + 240_000);
    const after = records('consumer.deliver').filter((r) => r.t >= offAt);
    expect(after.map((r) => String(r.fields?.key)).sort()).toEqual(second);
    expect(after.map((r) => r.fields?.queueOffset).sort()).toEqual([2, 2, 2, 2, 3, 3, 3, 3]);
    // The slave's synchronization kept failing, and kept trying, while the master was down.
    const failed = records('slave.sync-failed').filter((r) => r.t >= offAt);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed[0]?.fields).toMatchObject({ table: 'topicConfig', master: MASTER, error: 'timeout' });
  });

  test('without a sync (a topic made less than 3 s before the master dies) the slave lacks the topic', () => {
    const { world, broker, send, call, route, records } = cluster();
    // Rounds run 3 s after the slave's start, then every 10 s: at 3, 13, 23, 33 s...
    world.runUntil(13_500);
    send('Orders', 0, 'o0');
    const round = SLAVE_SYNC_INITIAL_DELAY_MS + 2 * SLAVE_SYNC_PERIOD_MS;
    world.runUntil(round + 500);
    expect(broker(SLAVE).topics.selectTopicConfig('Orders')).toBeDefined();
    send('Fresh', 0, 'f0');
    world.runUntil(round + 2_500);
    world.node(MASTER).powerOff();
    world.runUntil(world.now + 200_000);

    const slave = broker(SLAVE);
    expect(slave.topics.selectTopicConfig('Fresh')).toBeUndefined();
    // The slave holds the replicated message, but will not serve it.
    expect(slave.ctx.store.getMaxOffsetInQueue('Fresh', 0)).toBe(1);
    expect(call(SLAVE, pull('Fresh', 0, 0)).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(call(SLAVE, pull('Orders', 0, 0)).code).toBe(ResponseCode.SUCCESS);
    // The route, built from the master's registrations, now lists only the slave, for both topics.
    for (const topic of ['Fresh', 'Orders']) {
      expect((route(topic).body as TopicRouteData).brokerDatas[0]?.brokerAddrs).toEqual({ 1: SLAVE });
    }
    expect(records('slave.sync-failed').length).toBeGreaterThan(0);
  });
});
