import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import type { Env } from '../env.ts';
import { SCHEDULE_TOPIC } from '../message/message.ts';
import { PermName } from '../protocol/perm-name.ts';
import { topicConfigSerializeWrapperSchema } from '../protocol/topic-config.ts';
import { TopicConfigManager } from './topic-config-manager.ts';

const BROKER = { autoCreateTopicEnable: true, defaultTopicQueueNums: 8, brokerClusterName: 'DefaultCluster' };

function manager(env: Env, broker: Partial<typeof BROKER> = {}) {
  const created: string[] = [];
  const topics = new TopicConfigManager({
    env,
    broker: { ...BROKER, ...broker },
    storePathRootDir: 'store',
    onTopicCreated: (topic) => created.push(topic),
  });
  return { topics, created };
}

describe('TopicConfigManager', () => {
  test('starts with the topics 4.9 creates', () => {
    const { env } = probeMachine({ seed: 1 });
    const { topics } = manager(env());
    expect([...topics.topicConfigTable.keys()].sort()).toEqual(
      [
        'BenchmarkTest',
        'DefaultCluster_REPLY_TOPIC',
        'OFFSET_MOVED_EVENT',
        SCHEDULE_TOPIC,
        'SELF_TEST_TOPIC',
        'TBW102',
      ].sort(),
    );
    expect(topics.selectTopicConfig('TBW102')).toEqual({
      readQueueNums: 8,
      writeQueueNums: 8,
      perm: 7,
      topicSysFlag: 0,
    });
    expect(topics.selectTopicConfig(SCHEDULE_TOPIC)).toMatchObject({ writeQueueNums: 18, perm: 6 });
    expect(
      manager(env(), { autoCreateTopicEnable: false }).topics.selectTopicConfig('TBW102'),
    ).toBeUndefined();
  });

  test('created topics and the DataVersion survive a restart through topics.json', () => {
    const { world, env } = probeMachine({ seed: 1 });
    const { topics, created } = manager(env());
    topics.createTopicInSendMessageMethod('A', 'TBW102', 'p', 4, 0);
    topics.createTopicInSendMessageBackMethod('%RETRY%G', 1, PermName.PERM_READ | PermName.PERM_WRITE, 0);
    expect(topics.createTopicInSendMessageMethod('A', 'TBW102', 'p', 2, 0)).toMatchObject({
      writeQueueNums: 4,
    });
    expect(created).toEqual(['A', '%RETRY%G']);
    expect(topics.dataVersion.counter).toBe(2);
    world.runUntil(world.now + 100);
    const text = new TextDecoder().decode(env().disk.read('store/config/topics.json', 0, 1 << 20));
    expect(topicConfigSerializeWrapperSchema.parse(JSON.parse(text)).topicConfigTable).toHaveProperty('A');
    const again = manager(env()).topics;
    expect(again.load()).toBe(true);
    expect(again.selectTopicConfig('A')).toEqual(topics.selectTopicConfig('A'));
    expect(again.dataVersion).toEqual(topics.dataVersion);
  });

  test('with auto-create off, a TBW102 loaded from topics.json loses INHERIT and creates nothing', () => {
    const { world, env } = probeMachine({ seed: 1 });
    manager(env()).topics.persist();
    world.runUntil(world.now + 100);
    const { topics } = manager(env(), { autoCreateTopicEnable: false });
    topics.load();
    expect(topics.selectTopicConfig('TBW102')?.perm).toBe(7);
    expect(topics.createTopicInSendMessageMethod('A', 'TBW102', 'p', 4, 0)).toBeUndefined();
    expect(topics.selectTopicConfig('TBW102')?.perm).toBe(6);
    expect(topics.createTopicInSendMessageMethod('A', 'NoSuchDefault', 'p', 4, 0)).toBeUndefined();
  });

  test("the kept text follows every change, versioned or not, and a slave's copy of its master's", () => {
    const { world, env } = probeMachine({ seed: 1 });
    const { topics } = manager(env());
    const parsed = () => topicConfigSerializeWrapperSchema.parse(JSON.parse(topics.encode()));
    expect(Object.keys(parsed().topicConfigTable)).not.toContain('A');
    topics.createTopicInSendMessageMethod('A', 'TBW102', 'p', 4, 0);
    expect(parsed().topicConfigTable['A']).toMatchObject({ writeQueueNums: 4 });
    topics.deleteTopicConfig('A');
    expect(Object.keys(parsed().topicConfigTable)).not.toContain('A');
    world.runUntil(world.now + 100);
    const off = manager(env(), { autoCreateTopicEnable: false }).topics;
    off.load();
    expect(JSON.parse(off.encode()).topicConfigTable['TBW102'].perm).toBe(7);
    off.createTopicInSendMessageMethod('B', 'TBW102', 'p', 4, 0); // TBW102 loses INHERIT, unversioned
    expect(JSON.parse(off.encode()).topicConfigTable['TBW102'].perm).toBe(6);
    const master = { counter: 9, timestamp: 1 };
    expect(topics.replaceTable(master, { M: topics.selectTopicConfig('TBW102')! })).toBe(true);
    expect(parsed()).toMatchObject({ topicConfigTable: { M: { perm: 7 } }, dataVersion: master });
    expect(Object.keys(parsed().topicConfigTable)).toEqual(['M']);
  });

  test('each registration wrapper is a new copy that later changes leave alone, as an encoded body', () => {
    const { env } = probeMachine({ seed: 1 });
    const { topics } = manager(env());
    topics.updateTopicConfig('__proto__', topics.selectTopicConfig('TBW102')!);
    const before = topics.topicConfigWrapper();
    const text = JSON.stringify(before);
    topics.updateTopicConfig('TBW102', { ...topics.selectTopicConfig('TBW102')!, perm: 2 });
    expect(JSON.stringify(before)).toBe(text);
    expect(topics.topicConfigWrapper()).not.toBe(before);
    expect(Object.getPrototypeOf(before.topicConfigTable)).toBe(Object.prototype);
    expect(before).toEqual(structuredClone(before));
  });

  test('the registration wrapper carries the broker permission when it lacks read or write', () => {
    const { env } = probeMachine({ seed: 1 });
    const { topics } = manager(env());
    expect(topics.topicConfigWrapper(6).topicConfigTable['TBW102']!.perm).toBe(7);
    const readOnly = topics.topicConfigWrapper(PermName.PERM_READ);
    expect(Object.values(readOnly.topicConfigTable).every((c) => c.perm === PermName.PERM_READ)).toBe(true);
    expect(readOnly.dataVersion).toEqual(topics.dataVersion);
  });
});
