// TopicConfigManager: the broker's topic table (RocketMQ 4.9's TopicConfigManager), kept in
// <storePathRootDir>/config/topics.json with a DataVersion that every change bumps, so that the
// NameServer rebuilds this broker's queue data only when the table changed.
// - At construction the table holds the topics 4.9 creates: SELF_TEST_TOPIC (1 queue), TBW102
//   (only with autoCreateTopicEnable: defaultTopicQueueNums queues, perm INHERIT|READ|WRITE),
//   BenchmarkTest (1024), OFFSET_MOVED_EVENT (1), SCHEDULE_TOPIC_XXXX (18) and
//   <cluster>_REPLY_TOPIC (1). load() then adds (and overrides with) what topics.json holds.
// - createTopicInSendMessageMethod: a producer's send to an unknown topic creates it from the
//   default topic (TBW102) if that topic is in the table and has the INHERIT bit, with
//   min(client's defaultTopicQueueNums, default topic's writeQueueNums) queues and the default
//   topic's perm without INHERIT. With autoCreateTopicEnable off, a TBW102 still in the table (a
//   topics.json written while it was on) first loses its INHERIT bit, so nothing is created.
// - createTopicInSendMessageBackMethod: retry, DLQ and other broker-made topics, with the given
//   queue count and perm.
// A creation bumps the DataVersion, persists the file and calls onTopicCreated, where the broker
// registers with the NameServers at once (registerBrokerAll(false, true, true) in RocketMQ).
// Simplifications: no topics named after the cluster or the broker (clusterTopicEnable and
// brokerTopicEnable are not modelled), no trace topic, no order flag (order topics come from the
// NameServer's KV config, not modelled: isOrderTopic is always false), no topicFilterType (always
// SINGLE_TAG; written to topics.json only so that the file looks like RocketMQ's), no lock.
import type { Env } from '../env.ts';
import { SCHEDULE_TOPIC } from '../message/message.ts';
import { PermName, isInherited, isReadable, isWriteable } from '../protocol/perm-name.ts';
import {
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  topicConfigSerializeWrapperSchema,
  type TopicConfig,
  type TopicConfigSerializeWrapper,
} from '../protocol/topic-config.ts';
import type { TopicConfigLookup } from './broker-context.ts';
import type { BrokerConfig } from './broker-config.ts';
import { configPath, VersionedTableConfigManager } from './config-manager.ts';
import { json } from './json-bytes.ts';
import { parseFastjson } from '../protocol/fastjson.ts';

/** TopicValidator's system topics. */
export const SystemTopic = {
  SELF_TEST: 'SELF_TEST_TOPIC',
  BENCHMARK: 'BenchmarkTest',
  OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
  TRANS_HALF: 'RMQ_SYS_TRANS_HALF_TOPIC',
  TRANS_OP_HALF: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  TRANS_CHECK_MAX_TIME: 'TRANS_CHECK_MAX_TIME_TOPIC',
} as const;

/** MixAll.REPLY_TOPIC_POSTFIX: `<cluster>_REPLY_TOPIC` carries request-reply answers. */
export const REPLY_TOPIC_POSTFIX = 'REPLY_TOPIC';
export const SCHEDULE_TOPIC_QUEUE_NUM = 18;

/** A new TopicConfig's defaults (TopicConfig's field initializers): 16 queues, read and write. */
export function newTopicConfig(init: Partial<TopicConfig> = {}): TopicConfig {
  return {
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: PermName.PERM_READ | PermName.PERM_WRITE,
    topicSysFlag: 0,
    ...init,
  };
}

export interface TopicConfigManagerOptions {
  readonly env: Env;
  readonly broker: Pick<
    BrokerConfig,
    'autoCreateTopicEnable' | 'defaultTopicQueueNums' | 'brokerClusterName'
  >;
  readonly storePathRootDir: string;
  /** A topic was created: the broker registers with every NameServer now. */
  readonly onTopicCreated?: (topic: string, config: TopicConfig) => void;
}

export class TopicConfigManager
  extends VersionedTableConfigManager<TopicConfig>
  implements TopicConfigLookup
{
  private readonly options: TopicConfigManagerOptions;

  constructor(options: TopicConfigManagerOptions) {
    super(options.env);
    this.options = options;
    const { broker } = options;
    const one = newTopicConfig({ readQueueNums: 1, writeQueueNums: 1 });
    this.put(SystemTopic.SELF_TEST, one);
    if (broker.autoCreateTopicEnable) {
      const queues = broker.defaultTopicQueueNums;
      const perm = PermName.PERM_INHERIT | PermName.PERM_READ | PermName.PERM_WRITE;
      this.put(
        AUTO_CREATE_TOPIC_KEY_TOPIC,
        newTopicConfig({ readQueueNums: queues, writeQueueNums: queues, perm }),
      );
    }
    this.put(SystemTopic.BENCHMARK, newTopicConfig({ readQueueNums: 1024, writeQueueNums: 1024 }));
    this.put(SystemTopic.OFFSET_MOVED_EVENT, one);
    const schedule = { readQueueNums: SCHEDULE_TOPIC_QUEUE_NUM, writeQueueNums: SCHEDULE_TOPIC_QUEUE_NUM };
    this.put(SCHEDULE_TOPIC, newTopicConfig(schedule));
    this.put(`${broker.brokerClusterName}_${REPLY_TOPIC_POSTFIX}`, one);
  }

  /** The topics, to read (every change goes through this manager). */
  get topicConfigTable(): ReadonlyMap<string, TopicConfig> {
    return this.table;
  }

  configFilePath(): string {
    return configPath(this.options.storePathRootDir, 'topics.json');
  }

  selectTopicConfig(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  /** Order topics are not modelled (they come from the NameServer's KV config in RocketMQ). */
  isOrderTopic(_topic: string): boolean {
    return false;
  }

  /** A producer's send to a topic the broker does not have; undefined if it may not be created. */
  createTopicInSendMessageMethod(
    topic: string,
    defaultTopic: string,
    remoteAddress: string,
    clientDefaultTopicQueueNums: number,
    topicSysFlag: number,
  ): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    let base = this.table.get(defaultTopic);
    if (base === undefined) {
      this.env.trace('broker.topic-create-refused', {
        topic,
        defaultTopic,
        remoteAddress,
        why: 'no default topic',
      });
      return undefined;
    }
    if (defaultTopic === AUTO_CREATE_TOPIC_KEY_TOPIC && !this.options.broker.autoCreateTopicEnable) {
      base = { ...base, perm: PermName.PERM_READ | PermName.PERM_WRITE };
      this.put(defaultTopic, base);
    }
    if (!isInherited(base.perm)) {
      this.env.trace('broker.topic-create-refused', {
        topic,
        defaultTopic,
        remoteAddress,
        why: 'no inherit perm',
      });
      return undefined;
    }
    const queues = Math.max(0, Math.min(clientDefaultTopicQueueNums, base.writeQueueNums));
    const config = newTopicConfig({
      readQueueNums: queues,
      writeQueueNums: queues,
      perm: base.perm & ~PermName.PERM_INHERIT,
      topicSysFlag,
    });
    return this.created(topic, config, { defaultTopic, remoteAddress });
  }

  /** A topic the broker makes itself (%RETRY%, %DLQ%, transaction topics); never refused. */
  createTopicInSendMessageBackMethod(
    topic: string,
    queueNums: number,
    perm: number,
    topicSysFlag: number,
  ): TopicConfig {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const config = newTopicConfig({
      readQueueNums: queueNums,
      writeQueueNums: queueNums,
      perm,
      topicSysFlag,
    });
    return this.created(topic, config, {});
  }

  /** An admin's create or update (UPDATE_AND_CREATE_TOPIC). */
  updateTopicConfig(topic: string, config: TopicConfig): void {
    this.update(topic, config);
  }

  deleteTopicConfig(topic: string): void {
    if (this.table.has(topic)) this.update(topic, undefined);
  }

  /**
   * What the broker registers with the NameServers: the table and its DataVersion. A broker whose
   * brokerPermission lacks read or write sends every topic with that permission instead
   * (BrokerController.registerBrokerAll), so that clients stop routing to it.
   */
  topicConfigWrapper(brokerPermission?: number): TopicConfigSerializeWrapper {
    const wipe =
      brokerPermission !== undefined && !(isReadable(brokerPermission) && isWriteable(brokerPermission));
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const [topic, config] of this.table) {
      // An assignment to `__proto__` would set the object's prototype, not add a topic.
      if (topic === '__proto__') continue;
      topicConfigTable[topic] = wipe ? { ...config, perm: brokerPermission } : { ...config };
    }
    return { topicConfigTable, dataVersion: { ...this.dataVersion } };
  }

  /**
   * topics.json: JSON.stringify({ topicConfigTable, dataVersion }, null, '\t') of the table.
   * Written with no table object: masters answer it to slaves every 10 s.
   */
  protected write(): void {
    json.reset();
    json.raw('{\n\t"topicConfigTable": ');
    json.entries(this.table, 1, true, (topicName, config) => ({
      topicName,
      ...config,
      topicFilterType: 'SINGLE_TAG',
      order: false,
    }));
    json.raw(',\n\t"dataVersion": ');
    json.value(this.dataVersion, 1);
    json.raw('\n}');
  }

  /** Adds the file's topics over the built-in ones and takes its DataVersion, as 4.9 does. */
  decode(text: string): void {
    const wrapper = topicConfigSerializeWrapperSchema.parse(parseFastjson(text));
    this.loadEntries(wrapper.topicConfigTable, wrapper.dataVersion);
  }

  private created(topic: string, config: TopicConfig, fields: Record<string, unknown>): TopicConfig {
    this.env.trace('broker.topic-created', { topic, ...config, ...fields });
    this.update(topic, config);
    this.options.onTopicCreated?.(topic, config);
    return config;
  }
}
