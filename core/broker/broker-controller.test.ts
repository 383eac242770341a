import { describe, expect, test } from 'vitest';
import { heartbeat, pullHeader } from '../../properties/harness/consume-broker-node.ts';
import { probeProcess, type Probe } from '../../sim/probe-process.ts';
import { World } from '../../sim/world.ts';
import { ConfigError } from '../config-error.ts';
import { onResult, type NetResult } from '../env.ts';
import { namesrvMain } from '../namesrv/namesrv-controller.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { brokerMain, type BrokerController } from './broker-controller.ts';
import { testBrokerConf } from './test-broker-conf.ts';
import { asRead } from '../../properties/harness/as-read.ts';

const NAMESRV = '10.0.0.9:9876';
const MASTER = '10.0.0.1:10911';
const SLAVE = '10.0.0.2:10911';
const CLIENT = '10.0.0.50:5555';

const brokerConf = (role: string, brokerId: number) => testBrokerConf(NAMESRV, role, brokerId);

function cluster(masterRole = 'SYNC_MASTER') {
  const world = new World({ seed: 3, keepTrace: true });
  const brokers = new Map<string, BrokerController>();
  const broker = (conf: string) => {
    const main = brokerMain(conf);
    return (env: Parameters<typeof main>[0]) => {
      const controller = main(env) as BrokerController;
      brokers.set(env.address, controller);
      return controller;
    };
  };
  world.addNode(NAMESRV, namesrvMain());
  world.addNode(MASTER, broker(brokerConf(masterRole, 0)));
  world.addNode(SLAVE, broker(brokerConf('SLAVE', 1)));
  const probes = new Map<string, Probe>();
  world.addNode(
    CLIENT,
    probeProcess(probes, () => world.now),
  );
  const call = (to: string, command: RemotingCommand): NetResult => {
    const results: NetResult[] = [];
    probes.get(CLIENT)!.env.net.request(
      to,
      command,
      3_000,
      onResult((r) => results.push(r)),
    );
    world.runUntil(world.now + 3_100);
    expect(results).toHaveLength(1);
    return results[0]!;
  };
  const send = (topic: string, to = MASTER) => call(to, sendMessage(topic));
  const later = (to: string, command: RemotingCommand): NetResult[] => {
    const results: NetResult[] = [];
    probes.get(CLIENT)!.env.net.request(
      to,
      command,
      30_000,
      onResult((r) => results.push(r)),
    );
    return results;
  };
  return { world, brokers, call, send, later };
}

/** A producer's SEND_MESSAGE of "hello" to queue 0 of `topic`. */
function sendMessage(topic: string): RemotingCommand {
  const header = { producerGroup: 'P', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0 };
  const body = new TextEncoder().encode('hello');
  return request(RequestCode.SEND_MESSAGE, { ...header, sysFlag: 0, bornTimestamp: 0, flag: 0 }, body);
}

const codeOf = (result: NetResult) => (result.ok ? (result.body as RemotingCommand).code : result.error);

describe('the broker process', () => {
  test('boots from broker.conf, says so in RocketMQ words, and registers master and slave', () => {
    const { world, call } = cluster();
    world.runUntil(100);
    const boots = world.trace.records.filter((r) => r.event === 'boot').map((r) => r.fields?.line);
    expect(boots).toContain(
      `The broker[broker-a, ${MASTER}] boot success. serializeType=JSON and name server is ${NAMESRV}`,
    );
    expect(boots).toContain('The Name Server boot success. serializeType=JSON');
    const route = call(NAMESRV, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }));
    expect(route.ok && (route.body as RemotingCommand).body).toMatchObject({
      brokerDatas: [{ brokerName: 'broker-a', brokerAddrs: { 0: MASTER, 1: SLAVE } }],
    });
  });

  test('SYNC_MASTER: SLAVE_NOT_AVAILABLE before the slave connects, SUCCESS once it replicates', () => {
    const { world, brokers, send } = cluster('SYNC_MASTER');
    expect(codeOf(send('Orders'))).toBe(ResponseCode.SLAVE_NOT_AVAILABLE);
    world.runUntil(20_000);
    const sent = send('Orders');
    expect(codeOf(sent)).toBe(ResponseCode.SUCCESS);
    world.runUntil(world.now + 100);
    const slaveStore = brokers.get(SLAVE)!.ctx.store;
    expect(slaveStore.getMessage('Orders', 0, { offset: 0, maxMsgNums: 32 }).messages).toHaveLength(2);
  });

  test('ASYNC_MASTER answers SUCCESS at once, and a slave refuses sends', () => {
    const { send } = cluster('ASYNC_MASTER');
    expect(codeOf(send('Orders'))).toBe(ResponseCode.SUCCESS);
    const toSlave = send('Orders', SLAVE);
    expect(codeOf(toSlave)).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
  });

  test('a consumer heartbeats, and its held pull is answered when a message arrives', () => {
    const { world, call, send, later } = cluster('ASYNC_MASTER');
    expect(codeOf(send('Orders'))).toBe(ResponseCode.SUCCESS);
    expect(codeOf(call(MASTER, heartbeat('c1', 'G', 'Orders')))).toBe(ResponseCode.SUCCESS);
    const pull = (queueOffset: number) =>
      request(RequestCode.PULL_MESSAGE, pullHeader({ topic: 'Orders', queueOffset }));
    const first = call(MASTER, pull(0));
    expect(first.ok && asRead(first.body as RemotingCommand).extFields).toMatchObject({ nextBeginOffset: 1 });
    const held = later(MASTER, pull(1));
    world.runUntil(world.now + 2_000);
    expect(held).toEqual([]);
    const sentAt = world.now;
    send('Orders');
    expect(held.map(codeOf)).toEqual([ResponseCode.SUCCESS]);
    expect(world.now - sentAt).toBeLessThan(3_100 + 1);
    const members = call(MASTER, request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G' }));
    expect(members.ok && (members.body as RemotingCommand).body).toEqual({ consumerIdList: ['c1'] });
  });

  test('a message that always fails is retried on the delay levels, then lands in %DLQ%G', () => {
    const { world, brokers, call, send } = cluster('ASYNC_MASTER');
    send('Orders');
    const store = brokers.get(MASTER)!.ctx.store;
    let failing = store.getMessage('Orders', 0, { offset: 0, maxMsgNums: 1 }).messages[0]!;
    // Levels 3..18 of "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h".
    const expected = [10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200];
    const waited: number[] = [];
    for (let retry = 0; retry < expected.length; retry++) {
      const backAt = world.config.epochMs + world.now;
      const back = { offset: failing.commitLogOffset, group: 'G', delayLevel: 0, originMsgId: failing.msgId };
      expect(codeOf(call(MASTER, request(RequestCode.CONSUMER_SEND_MSG_BACK, back)))).toBe(
        ResponseCode.SUCCESS,
      );
      world.runUntil(world.now + expected[retry]! * 1_000 + 1_000);
      failing = store.getMessage('%RETRY%G', 0, { offset: retry, maxMsgNums: 1 }).messages[0]!;
      expect(failing.reconsumeTimes).toBe(retry + 1);
      waited.push(Math.round((failing.storeTimestamp - backAt) / 1_000));
    }
    expect(waited).toEqual(expected);
    const last = { offset: failing.commitLogOffset, group: 'G', delayLevel: 0 };
    expect(codeOf(call(MASTER, request(RequestCode.CONSUMER_SEND_MSG_BACK, last)))).toBe(
      ResponseCode.SUCCESS,
    );
    world.runUntil(world.now + 100);
    const dead = store.getMessage('%DLQ%G', 0, { offset: 0, maxMsgNums: 1 }).messages;
    expect(dead.map((m) => [new TextDecoder().decode(m.body), m.reconsumeTimes])).toEqual([['hello', 17]]);
  });

  test('the whole cluster replays: the same seed gives the same trace hash', () => {
    const run = () => {
      const { world, send } = cluster('SYNC_MASTER');
      world.runUntil(12_000);
      for (let i = 0; i < 5; i++) send(`T${i % 2}`);
      world.node(SLAVE).kill();
      send('T0');
      world.node(SLAVE).start();
      world.runUntil(world.now + 60_000);
      return { hash: world.trace.hash, events: world.scheduler.eventsFired };
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(first.events).toBeGreaterThan(1_000);
  });

  test('an unknown request code is answered REQUEST_CODE_NOT_SUPPORTED', () => {
    const { call } = cluster();
    expect(codeOf(call(MASTER, request(99_999)))).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  test('a clean shutdown unregisters and leaves no abort file; a kill leaves it', () => {
    const { world, call } = cluster('ASYNC_MASTER');
    world.runUntil(1_000);
    world.node(SLAVE).kill();
    expect(world.node(SLAVE).disk.exists('store/abort')).toBe(true);
    world.node(MASTER).shutdown();
    world.runUntil(world.now + 5_000);
    expect(world.node(MASTER).state).toBe('stopped');
    expect(world.node(MASTER).disk.exists('store/abort')).toBe(false);
    const route = call(NAMESRV, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }));
    expect(codeOf(route)).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  test('a bad broker.conf names the key and the broker never starts', () => {
    expect(() => brokerMain('flushDiskType = SYNC')).toThrow(ConfigError);
    expect(() => brokerMain('flushDiskType = SYNC')).toThrow(/flushDiskType/);
    expect(() => brokerMain('listenPort = -1\nbogusKey = 1')).toThrow(
      /listenPort[\s\S]*bogusKey|bogusKey[\s\S]*listenPort/,
    );
  });
});
