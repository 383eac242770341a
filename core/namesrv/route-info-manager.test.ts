import { describe, expect, test } from 'vitest';
import type { RegisterBrokerRequestHeader } from '../protocol/namesrv-headers.ts';
import { PermName } from '../protocol/perm-name.ts';
import type { TopicConfig, TopicConfigSerializeWrapper } from '../protocol/topic-config.ts';
import { RouteInfoManager } from './route-info-manager.ts';

const RW = PermName.PERM_READ | PermName.PERM_WRITE;
const topic = (queues: number, perm = RW): TopicConfig => ({
  readQueueNums: queues,
  writeQueueNums: queues,
  perm,
  topicSysFlag: 0,
});
const wrapper = (table: Record<string, TopicConfig>, counter = 1): TopicConfigSerializeWrapper => ({
  topicConfigTable: table,
  dataVersion: { timestamp: 1_000, counter },
});

function manager() {
  const clock = { now: 0 };
  const routes = new RouteInfoManager({ now: () => clock.now });
  // One channel per broker address unless a test opens a new one (a reconnect).
  const channels = new Map<string, number>();
  const channel = (addr: string) => channels.get(addr) ?? channels.set(addr, channels.size + 1).get(addr)!;
  const reconnect = (addr: string) => channels.set(addr, 100 + channels.size).get(addr)!;
  const register = (
    broker: Partial<RegisterBrokerRequestHeader> & { brokerAddr: string },
    topics: TopicConfigSerializeWrapper = wrapper({ TopicTest: topic(4) }),
  ) =>
    routes.registerBroker(
      { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0, haServerAddr: 'ha-a', ...broker },
      topics,
      channel(broker.brokerAddr),
    );
  const advance = (ms: number) => {
    clock.now += ms;
    return routes.scanNotActiveBroker();
  };
  return { routes, register, advance, clock, channel, reconnect };
}

describe('RouteInfoManager', () => {
  test('a master registration fills all four tables and gives the topic a route', () => {
    const { routes, register, clock } = manager();
    clock.now = 42;
    expect(register({ brokerAddr: 'a0' })).toBeUndefined();
    expect(routes.pickupTopicRouteData('TopicTest')).toEqual({
      queueDatas: [
        { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: RW, topicSysFlag: 0 },
      ],
      brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: 'a0' } }],
    });
    expect(routes.clusterAddrTable.get('DefaultCluster')).toEqual(new Set(['broker-a']));
    expect(routes.brokerLiveTable.get('a0')).toEqual({
      lastUpdateTimestamp: 42,
      dataVersion: { timestamp: 1_000, counter: 1 },
      channel: 1,
      haServerAddr: 'ha-a',
    });
  });

  test('an unknown topic has no route', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' });
    expect(routes.pickupTopicRouteData('NoSuchTopic')).toBeNull();
  });

  test('routes list every group serving the topic, sorted by broker name', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'b0', brokerName: 'broker-b' }, wrapper({ TopicTest: topic(8) }));
    register({ brokerAddr: 'a0' });
    const route = routes.pickupTopicRouteData('TopicTest')!;
    expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([
      ['broker-a', 4],
      ['broker-b', 8],
    ]);
    expect(route.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a', 'broker-b']);
  });

  test('only masters write queue data: a slave adds its address, not its topics', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' });
    register({ brokerAddr: 'a1', brokerId: 1 }, wrapper({ TopicTest: topic(16), SlaveOnly: topic(2) }, 9));
    expect(routes.pickupTopicRouteData('TopicTest')!.queueDatas[0]!.writeQueueNums).toBe(4);
    expect(routes.pickupTopicRouteData('SlaveOnly')).toBeNull();
    expect(routes.pickupTopicRouteData('TopicTest')!.brokerDatas[0]!.brokerAddrs).toEqual({
      0: 'a0',
      1: 'a1',
    });
  });

  test('queue data changes only with a new DataVersion (or a first registration)', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' }, wrapper({ TopicTest: topic(4) }, 1));
    register({ brokerAddr: 'a0' }, wrapper({ TopicTest: topic(8), Added: topic(1) }, 1));
    expect(routes.pickupTopicRouteData('TopicTest')!.queueDatas[0]!.writeQueueNums).toBe(4);
    expect(routes.pickupTopicRouteData('Added')).toBeNull();
    register({ brokerAddr: 'a0' }, wrapper({ TopicTest: topic(8), Added: topic(1) }, 2));
    expect(routes.pickupTopicRouteData('TopicTest')!.queueDatas[0]!.writeQueueNums).toBe(8);
    expect(routes.pickupTopicRouteData('Added')).not.toBeNull();
  });

  test('a topic the broker dropped stays in the routes while the group lives', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' }, wrapper({ TopicTest: topic(4), Old: topic(1) }, 1));
    register({ brokerAddr: 'a0' }, wrapper({ TopicTest: topic(4) }, 2));
    expect(routes.pickupTopicRouteData('Old')).not.toBeNull();
  });

  test('a broker silent for more than 120 s is dropped by the scan, not one at exactly 120 s', () => {
    const { routes, register, advance } = manager();
    register({ brokerAddr: 'a0' });
    expect(advance(120_000)).toEqual([]);
    expect(routes.pickupTopicRouteData('TopicTest')).not.toBeNull();
    expect(advance(1)).toEqual(['a0']);
    expect(routes.pickupTopicRouteData('TopicTest')).toBeNull();
    expect(routes.brokerAddrTable.size + routes.clusterAddrTable.size + routes.topicQueueTable.size).toBe(0);
  });

  test('a broker registering every 30 s is never dropped, whatever the scan times', () => {
    const { routes, register, advance } = manager();
    for (let t = 0; t < 3_600_000; t += 10_000) {
      if (t % 30_000 === 0) register({ brokerAddr: 'a0' });
      expect(advance(10_000)).toEqual([]);
    }
    expect(routes.brokerLiveTable.has('a0')).toBe(true);
  });

  test('a broken channel removes its broker at once; the topic goes with its last group', () => {
    const { routes, register, channel } = manager();
    register({ brokerAddr: 'a0' });
    register({ brokerAddr: 'b0', brokerName: 'broker-b' }, wrapper({ TopicTest: topic(4), OnlyB: topic(1) }));
    expect(routes.onChannelDestroy(channel('b0'))).toBe('b0');
    expect(routes.pickupTopicRouteData('OnlyB')).toBeNull();
    expect(routes.topicQueueTable.has('OnlyB')).toBe(false);
    expect(routes.pickupTopicRouteData('TopicTest')!.brokerDatas.map((b) => b.brokerName)).toEqual([
      'broker-a',
    ]);
    expect(routes.onChannelDestroy(channel('a0'))).toBe('a0');
    expect(routes.topicQueueTable.size).toBe(0);
    expect(routes.getAllClusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
  });

  test('a channel that registered no broker changes nothing', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' });
    expect(routes.onChannelDestroy(999)).toBeUndefined();
    expect(routes.brokerLiveTable.has('a0')).toBe(true);
  });

  test('a late close of an old channel does not remove the registration made on a new one', () => {
    const { routes, register, channel, reconnect } = manager();
    register({ brokerAddr: 'a0' });
    const old = channel('a0');
    reconnect('a0');
    register({ brokerAddr: 'a0' });
    expect(routes.onChannelDestroy(old)).toBeUndefined();
    expect(routes.brokerLiveTable.has('a0')).toBe(true);
  });

  test('the master leaving keeps the group (and its queue data) while a slave remains', () => {
    const { routes, register, channel } = manager();
    register({ brokerAddr: 'a0' });
    register({ brokerAddr: 'a1', brokerId: 1 });
    routes.onChannelDestroy(channel('a0'));
    const route = routes.pickupTopicRouteData('TopicTest')!;
    expect(route.brokerDatas).toEqual([
      { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 1: 'a1' } },
    ]);
    expect(route.queueDatas).toHaveLength(1);
  });

  test('a slave learns the live master and its HA address; before the master it learns nothing', () => {
    const { register, advance } = manager();
    expect(register({ brokerAddr: 'a1', brokerId: 1, haServerAddr: 'ha-a1' })).toBeUndefined();
    register({ brokerAddr: 'a0', haServerAddr: 'ha-a0' });
    expect(register({ brokerAddr: 'a1', brokerId: 1 })).toEqual({ masterAddr: 'a0', haServerAddr: 'ha-a0' });
    advance(100_000);
    register({ brokerAddr: 'a1', brokerId: 1 });
    advance(30_000); // the master expired, the slave did not
    expect(register({ brokerAddr: 'a1', brokerId: 1 })).toBeUndefined();
  });

  test('a slave promoted to master keeps its address under id 0 only', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a1', brokerId: 1 });
    register({ brokerAddr: 'a1', brokerId: 0 });
    expect(routes.brokerAddrTable.get('broker-a')!.brokerAddrs).toEqual(new Map([[0, 'a1']]));
    expect(routes.pickupTopicRouteData('TopicTest')).not.toBeNull();
  });

  test('unregistering the last broker of a group removes the group, its cluster and its topics', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' });
    register({ brokerAddr: 'a1', brokerId: 1 });
    const leave = { clusterName: 'DefaultCluster', brokerName: 'broker-a' };
    routes.unregisterBroker({ ...leave, brokerAddr: 'a0', brokerId: 0 });
    expect(routes.getAllClusterInfo().clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
    routes.unregisterBroker({ ...leave, brokerAddr: 'a1', brokerId: 1 });
    expect(routes.getAllClusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
    expect(routes.brokerLiveTable.size + routes.topicQueueTable.size).toBe(0);
  });

  test('cluster info lists groups by cluster', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'b0', brokerName: 'broker-b' });
    register({ brokerAddr: 'a0' });
    register({ brokerAddr: 'c0', brokerName: 'broker-c', clusterName: 'Other' });
    const info = routes.getAllClusterInfo();
    expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a', 'broker-b'], Other: ['broker-c'] });
    expect(info.brokerAddrTable['broker-c']).toEqual({
      cluster: 'Other',
      brokerName: 'broker-c',
      brokerAddrs: { 0: 'c0' },
    });
  });

  test('answers are copies: a later registration does not change a route already handed out', () => {
    const { routes, register } = manager();
    register({ brokerAddr: 'a0' });
    const before = routes.pickupTopicRouteData('TopicTest')!;
    register({ brokerAddr: 'a1', brokerId: 1 });
    register({ brokerAddr: 'a0' }, wrapper({ TopicTest: topic(8) }, 2));
    expect(before.brokerDatas[0]!.brokerAddrs).toEqual({ 0: 'a0' });
    expect(before.queueDatas[0]!.writeQueueNums).toBe(4);
  });
});
