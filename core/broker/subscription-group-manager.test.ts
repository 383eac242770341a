import { describe, expect, test } from 'vitest';
import { probeMachine } from '../../sim/probe-process.ts';
import type { Env } from '../env.ts';
import { SubscriptionGroupManager } from './subscription-group-manager.ts';

const groups = (env: Env, autoCreateSubscriptionGroup = true) =>
  new SubscriptionGroupManager({ env, autoCreateSubscriptionGroup, storePathRootDir: 'store' });

describe('SubscriptionGroupManager', () => {
  test('auto-creates a group with retryMaxTimes 16 and 1 retry queue, persisted and reloaded', () => {
    const { world, env } = probeMachine({ seed: 1 });
    const manager = groups(env());
    expect(manager.subscriptionGroupTable.has('TOOLS_CONSUMER')).toBe(true);
    const config = manager.findSubscriptionGroupConfig('G')!;
    expect(config).toMatchObject({
      groupName: 'G',
      retryMaxTimes: 16,
      retryQueueNums: 1,
      consumeEnable: true,
    });
    expect(manager.dataVersion.counter).toBe(1);
    expect(manager.findSubscriptionGroupConfig('G')).toBe(config);
    world.runUntil(world.now + 100);
    const again = groups(env(), false);
    expect(again.load()).toBe(true);
    expect(again.findSubscriptionGroupConfig('G')).toEqual(config);
    expect(again.dataVersion).toEqual(manager.dataVersion);
  });

  test('with auto-create off only system groups (CID_RMQ_SYS_*) are created', () => {
    const { env } = probeMachine({ seed: 1 });
    const manager = groups(env(), false);
    expect(manager.findSubscriptionGroupConfig('G')).toBeUndefined();
    expect(manager.findSubscriptionGroupConfig('CID_RMQ_SYS_TRANS')).toMatchObject({ retryMaxTimes: 16 });
    manager.updateSubscriptionGroupConfig({
      ...manager.findSubscriptionGroupConfig('CID_RMQ_SYS_TRANS')!,
      groupName: 'G',
      retryMaxTimes: 3,
    });
    expect(manager.findSubscriptionGroupConfig('G')?.retryMaxTimes).toBe(3);
  });
});
