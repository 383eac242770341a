// SubscriptionGroupManager: the broker's consumer-group table (RocketMQ 4.9's
// SubscriptionGroupManager), kept in <storePathRootDir>/config/subscriptionGroup.json with a
// DataVersion. A group's config says how many times its messages are retried (retryMaxTimes 16)
// and in how many retry queues (1). Looking up an unknown group creates it with the defaults when
// autoCreateSubscriptionGroup is on (the default) or the group is a system group (CID_RMQ_SYS_*);
// otherwise the lookup answers undefined and the caller answers SUBSCRIPTION_GROUP_NOT_EXIST.
// At construction the table holds the groups 4.9 creates (TOOLS_CONSUMER, FILTERSRV_CONSUMER,
// SELF_TEST_C_GROUP and the ONS ones); load() adds (and overrides with) what the file holds.
// A slave's table is its master's, copied by SlaveSynchronize (slave-synchronize.ts).
// Simplifications: no disableConsume; the fields a simulated consumer does not use
// (consumeFromMinEnable, whichBrokerWhenConsumeSlowly, ...) are kept only so the file reads like
// RocketMQ's.
import { z } from 'zod';
import type { Env } from '../env.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import { dataVersionSchema } from '../protocol/topic-config.ts';
import { configPath, VersionedTableConfigManager } from './config-manager.ts';
import { json } from './json-bytes.ts';
import { parseFastjson } from '../protocol/fastjson.ts';
import { plainParse } from '../protocol/plain-reader.ts';

export const subscriptionGroupConfigSchema = z.object({
  groupName: z.string(),
  consumeEnable: z.boolean().default(true),
  consumeFromMinEnable: z.boolean().default(true),
  consumeBroadcastEnable: z.boolean().default(true),
  retryQueueNums: z.number().int().default(1),
  retryMaxTimes: z.number().int().default(16),
  brokerId: z.number().int().default(MASTER_ID),
  whichBrokerWhenConsumeSlowly: z.number().int().default(1),
  notifyConsumerIdsChangedEnable: z.boolean().default(true),
});
export type SubscriptionGroupConfig = Readonly<z.output<typeof subscriptionGroupConfigSchema>>;

/** The defaults filled in with no zod bookkeeping: every broker makes its built-in groups at start. */
const readGroupConfig = plainParse(subscriptionGroupConfigSchema);

/** subscriptionGroup.json, and the GET_ALL_SUBSCRIPTIONGROUP_CONFIG body (SubscriptionGroupWrapper). */
export const subscriptionGroupWrapperSchema = z.object({
  subscriptionGroupTable: z.record(z.string(), subscriptionGroupConfigSchema),
  dataVersion: dataVersionSchema,
});

/** MixAll.CID_RMQ_SYS_PREFIX: a group always auto-created (MixAll.isSysConsumerGroup). */
export const CID_RMQ_SYS_PREFIX = 'CID_RMQ_SYS_';

/** The groups SubscriptionGroupManager.init creates. */
const BUILT_IN_GROUPS = [
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
];

/** A group's config with RocketMQ's defaults. */
export function newSubscriptionGroupConfig(
  groupName: string,
  init: Partial<SubscriptionGroupConfig> = {},
): SubscriptionGroupConfig {
  return readGroupConfig({ ...init, groupName });
}

export interface SubscriptionGroupManagerOptions {
  readonly env: Env;
  readonly autoCreateSubscriptionGroup: boolean;
  readonly storePathRootDir: string;
}

export class SubscriptionGroupManager extends VersionedTableConfigManager<SubscriptionGroupConfig> {
  private readonly options: SubscriptionGroupManagerOptions;

  constructor(options: SubscriptionGroupManagerOptions) {
    super(options.env);
    this.options = options;
    for (const group of BUILT_IN_GROUPS) this.put(group, newSubscriptionGroupConfig(group));
  }

  /** The groups, to read (every change goes through this manager). */
  get subscriptionGroupTable(): ReadonlyMap<string, SubscriptionGroupConfig> {
    return this.table;
  }

  configFilePath(): string {
    return configPath(this.options.storePathRootDir, 'subscriptionGroup.json');
  }

  /** The group's config, created with the defaults if it may be; undefined if it may not. */
  findSubscriptionGroupConfig(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing !== undefined) return existing;
    if (!this.options.autoCreateSubscriptionGroup && !group.startsWith(CID_RMQ_SYS_PREFIX)) return undefined;
    const config = newSubscriptionGroupConfig(group);
    this.env.trace('broker.group-created', { group });
    this.update(group, config);
    return config;
  }

  /** An admin's create or update (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP). */
  updateSubscriptionGroupConfig(config: SubscriptionGroupConfig): void {
    this.update(config.groupName, config);
  }

  deleteSubscriptionGroupConfig(group: string): void {
    if (this.table.has(group)) this.update(group, undefined);
  }

  /**
   * JSON.stringify({ subscriptionGroupTable, dataVersion }, null, '\t'), the table as an object.
   * Written with no object made: masters answer it to slaves every 10 s.
   */
  protected write(): void {
    json.reset();
    json.raw('{\n\t"subscriptionGroupTable": ');
    json.entries(this.table, 1, false);
    json.raw(',\n\t"dataVersion": ');
    json.value(this.dataVersion, 1);
    json.raw('\n}');
  }

  decode(text: string): void {
    const file = subscriptionGroupWrapperSchema.parse(parseFastjson(text));
    this.loadEntries(file.subscriptionGroupTable, file.dataVersion);
  }
}
