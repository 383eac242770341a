// mqadmin updateTopic: the broker creates the topic with the asked queue numbers and registers at
// once, so the NameServer routes it; a bad topic name is refused and creates nothing.
import { describe, expect, test } from 'vitest';
import { namesrvMain } from '../namesrv/namesrv-controller.ts';
import { request, type ExtFields, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { onResult, type NetResult } from '../env.ts';
import { probeProcess, type Probe } from '../../sim/probe-process.ts';
import { World } from '../../sim/world.ts';
import { brokerMain, type BrokerController } from './broker-controller.ts';

const NAMESRV = '10.0.0.9:9876';
const BROKER = '10.0.0.1:10911';
const ADMIN = '10.0.0.99:9999';

function cluster() {
  const world = new World({ seed: 1 });
  let broker: BrokerController | undefined;
  world.addNode(NAMESRV, namesrvMain());
  const main = brokerMain(`brokerName = broker-a\nnamesrvAddr = ${NAMESRV}\nmappedFileSizeCommitLog = 65536`);
  world.addNode(BROKER, (env) => (broker = main(env) as BrokerController));
  const probes = new Map<string, Probe>();
  world.addNode(
    ADMIN,
    probeProcess(probes, () => world.now),
  );
  world.runUntil(1_000);
  const ask = (to: string, code: number, header: ExtFields): RemotingCommand => {
    let answer: NetResult | undefined;
    probes.get(ADMIN)!.env.net.request(
      to,
      request(code, header),
      3_000,
      onResult((r) => (answer = r)),
    );
    world.runUntil(world.now + 100);
    expect(answer?.ok).toBe(true);
    return (answer as { body: RemotingCommand }).body;
  };
  return { ask, broker: () => broker! };
}

describe('UPDATE_AND_CREATE_TOPIC', () => {
  test('creates the topic with its queues and the NameServer routes it at once', () => {
    const { ask, broker } = cluster();
    const created = ask(BROKER, RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'Orders',
      readQueueNums: 4,
      writeQueueNums: 4,
    });
    expect(created.code).toBe(ResponseCode.SUCCESS);
    expect(broker().topics.selectTopicConfig('Orders')).toMatchObject({
      readQueueNums: 4,
      writeQueueNums: 4,
    });
    const route = ask(NAMESRV, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' });
    expect(route.code).toBe(ResponseCode.SUCCESS);
    expect(route.body).toMatchObject({
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4 }],
    });
  });

  test('a topic with illegal characters is refused and not created', () => {
    const { ask, broker } = cluster();
    const refused = ask(BROKER, RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'Or ders',
      readQueueNums: 4,
      writeQueueNums: 4,
    });
    expect(refused.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(refused.remark).toMatch(/illegal characters/);
    expect(broker().topics.selectTopicConfig('Or ders')).toBeUndefined();
    const route = ask(NAMESRV, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Or ders' });
    expect(route.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });
});
