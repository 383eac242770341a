// A broker.conf: the settings of one broker, under RocketMQ 4.9's names and with its defaults.
// RocketMQ's BrokerStartup reads the file as java.util.Properties and applies every key to
// BrokerConfig, NettyServerConfig, NettyClientConfig and MessageStoreConfig alike
// (MixAll.properties2Object: the value is trimmed, then read as the setter's type). Here a file
// is split in two: `store`, the keys DefaultMessageStore takes (message-store-config.ts, with
// its two rmqsim keys physicalMemoryBytes and reputDelayMs), and `broker`, everything else,
// including the MessageStoreConfig keys that belong to services outside that store (HA, delay
// offsets, deleteWhen).
// Where this is stricter than RocketMQ, which ignores what it cannot apply: an unknown key, a
// RocketMQ key that rmqsim does not model, a value of the wrong type (Boolean.parseBoolean reads
// any word but "true" as false; here only true or false, any case) or out of range, a master
// whose brokerId is not 0 (BrokerStartup sets it to 0), are errors that name the key and line.
// Integers must be exact in a JS number (Java int and long bounds are not checked).
import { z } from 'zod';
import { ConfigError } from '../config-error.ts';
import { parseNamesrvAddr } from '../namesrv/broker-registration.ts';
import { PermName } from '../protocol/perm-name.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import { messageStoreConfigSchema, type MessageStoreConfig } from '../store/message-store-config.ts';
import { parseProperties, renderProperty } from './java-properties.ts';

const WHAT = 'broker.conf';
const positiveInt = z.number().int().positive();
const port = z.number().int().min(1).max(65_535);

const validNamesrvAddr = (text: string) =>
  parseNamesrvAddr(text).length > 0 &&
  parseNamesrvAddr(text).every(
    (addr) => /^[^\s:;]+:\d{1,5}$/.test(addr) && Number(addr.split(':')[1]) <= 65_535,
  );

export const brokerConfigSchema = z.strictObject({
  brokerClusterName: z.string().min(1).default('DefaultCluster'),
  /** Absent: RocketMQ takes the machine's host name; the broker process takes its node's host. */
  brokerName: z.string().min(1).optional(),
  /** 0 for the master; a slave's is positive. */
  brokerId: z.number().int().nonnegative().default(MASTER_ID),
  /** NameServers, `host:port` separated by ';'. Absent: the broker registers nowhere. */
  namesrvAddr: z.string().refine(validNamesrvAddr, 'expected host:port[;host:port...]').optional(),
  /** The address clients use. Absent: RocketMQ takes the machine's IP; the broker, its node's. */
  brokerIP1: z.string().min(1).optional(),
  /** The address slaves replicate from (the HA address). Absent: like brokerIP1. */
  brokerIP2: z.string().min(1).optional(),
  /** NettyServerConfig's key; BrokerStartup sets 10911 before reading the file. */
  listenPort: port.default(10_911),
  brokerPermission: z
    .number()
    .int()
    .min(0)
    .max(15)
    .default(PermName.PERM_READ | PermName.PERM_WRITE),
  /** TBW102's queues; a topic a producer creates gets min(this, the producer's 4). */
  defaultTopicQueueNums: positiveInt.default(8),
  autoCreateTopicEnable: z.boolean().default(true),
  autoCreateSubscriptionGroup: z.boolean().default(true),
  /** BrokerController clamps it to [10 s, 60 s]. */
  registerNameServerPeriod: positiveInt.default(30_000),
  registerBrokerTimeoutMills: positiveInt.default(6_000),
  // (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
  /** consumerOffset.json is written 10 s after start, then this often. */
  flushConsumerOffsetInterval: positiveInt.default(5_000),
  longPollingEnable: z.boolean().default(true),
  /** How long a pull is held when long polling is off. */
  shortPollingTimeMills: positiveInt.default(1_000),
  notifyConsumerIdsChangedEnable: z.boolean().default(true),
  slaveReadEnable: z.boolean().default(false),
  rejectTransactionMessage: z.boolean().default(false),
  /** A half message younger than this is not checked back. */
  transactionTimeOut: positiveInt.default(6_000),
  transactionCheckMax: positiveInt.default(15),
  transactionCheckInterval: positiveInt.default(60_000),
  // MessageStoreConfig keys for services outside DefaultMessageStore.
  // (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
  /** delayOffset.json is written this often. */
  flushDelayOffsetInterval: positiveInt.default(10_000),
  /** Hours (two digits, ';'-separated) when expired files are deleted; the store's retention ignores it. */
  deleteWhen: z
    .string()
    .regex(/^\d{1,2}(;\d{1,2})*$/, 'expected hours such as 04 or 04;16')
    .default('04'),
  haSendHeartbeatInterval: positiveInt.default(5_000),
  haHousekeepingInterval: positiveInt.default(20_000),
  haTransferBatchSize: positiveInt.default(32 * 1024),
  /** A slave's master HA address. Absent: learned from the NameServer's answer to registration. */
  haMasterAddress: z.string().min(1).optional(),
  /** A SYNC_MASTER's slave further behind than this many bytes is not available. */
  haSlaveFallbehindMax: positiveInt.default(256 * 1024 * 1024),
  /** How long a SYNC_MASTER put waits for the slave (4.9.x; older 4.x waited syncFlushTimeout). */
  slaveTimeout: positiveInt.default(3_000),
});

export type BrokerConfig = z.output<typeof brokerConfigSchema>;

/** One broker's settings, split between the broker and its DefaultMessageStore. */
export interface BrokerConf {
  readonly broker: BrokerConfig;
  readonly store: MessageStoreConfig;
}

/** RocketMQ 4.9 keys that rmqsim does not model, by why: a file with one is refused, not half applied. */
const NOT_MODELLED_BY_REASON: Record<string, string> = {
  'thread pools, their queues and locks: a simulated broker runs one handler at a time': `
    sendMessageThreadPoolNums pullMessageThreadPoolNums processReplyMessageThreadPoolNums
    queryMessageThreadPoolNums adminBrokerThreadPoolNums clientManageThreadPoolNums
    consumerManageThreadPoolNums heartbeatThreadPoolNums endTransactionThreadPoolNums
    sendThreadPoolQueueCapacity pullThreadPoolQueueCapacity replyThreadPoolQueueCapacity
    queryThreadPoolQueueCapacity clientManagerThreadPoolQueueCapacity
    consumerManagerThreadPoolQueueCapacity heartbeatThreadPoolQueueCapacity
    endTransactionPoolQueueCapacity brokerFastFailureEnable waitTimeMillsInSendQueue
    waitTimeMillsInPullQueue waitTimeMillsInHeartbeatQueue waitTimeMillsInTransactionQueue
    useReentrantLockWhenPutMessage debugLockEnable osPageCacheBusyTimeOutMills
  `,
  'network tuning: the simulated network has no sockets': `
    serverWorkerThreads serverCallbackExecutorThreads serverSelectorThreads serverOnewaySemaphoreValue
    serverAsyncSemaphoreValue serverChannelMaxIdleTimeSeconds serverSocketSndBufSize
    serverSocketRcvBufSize serverPooledByteBufAllocatorEnable useEpollNativeSelector clientWorkerThreads
    clientCallbackExecutorThreads clientOnewaySemaphoreValue clientAsyncSemaphoreValue
    connectTimeoutMillis channelNotActiveInterval clientChannelMaxIdleTimeSeconds clientSocketSndBufSize
    clientSocketRcvBufSize clientPooledByteBufAllocatorEnable clientCloseSocketIfTimeout useTLS
    transferMsgByHeap
  `,
  'the store keeps its files under storePathRootDir': `
    storePathCommitLog storePathDLedgerCommitLog readOnlyCommitLogStorePaths
  `,
  'no transient store pool, file warm-up or timed flush wait': `
    transientStorePoolEnable transientStorePoolSize fastFailIfNoBufferInStorePool commitIntervalCommitLog
    commitCommitLogLeastPages commitCommitLogThoroughInterval flushCommitLogTimed warmMapedFileEnable
    flushLeastPagesWhenWarmMapedFile
  `,
  'no DLedger': `
    enableDLegerCommitLog dLegerGroup dLegerPeers dLegerSelfId preferredLeaderId enableBatchPush
  `,
  'no ConsumeQueue extension, SQL92 filter or filter server': `
    enableConsumeQueueExt mappedFileSizeConsumeQueueExt bitMapLengthConsumeQueueExt enableCalcFilterBitMap
    expectConsumerNumUseFilter maxErrorRateOfBloomFilter filterDataCleanTimeSpan filterSupportRetry
    enablePropertyFilter filterServerNums
  `,
  'retention deletes CommitLog files by age only': `
    deleteCommitLogFilesInterval deleteConsumeQueueFilesInterval destroyMapedFileIntervalForcibly
    redeleteHangedFileInterval diskMaxUsedSpaceRatio cleanFileForciblyEnable diskFallRecorded
  `,
  'delayed messages are delivered one at a time (enableScheduleAsyncDeliver=false)': `
    enableScheduleAsyncDeliver scheduleAsyncDeliverMaxPendingLimit
    scheduleAsyncDeliverMaxResendNum2Blocked
  `,
  'registration is always forced and never compressed': 'forceRegister compressedRegister',
  'no topics named after the cluster or the broker': 'clusterTopicEnable brokerTopicEnable',
  'BrokerStartup overwrites it with listenPort + 1': 'haListenPort',
  'not modelled': `
    rocketmqHome messageStorePlugIn msgTraceTopicName traceTopicEnable traceOn enableScheduleMessageStats
    commercialEnable commercialTimerCount commercialTransCount commercialBigCount commercialBaseCount
    regionId aclEnable highSpeedMode maxDelayTime startAcceptSendRequestTimeStamp autoDeleteUnusedStats
    storeReplyMessageEnable fetchNamesrvAddrByAddressServer disableConsumeIfConsumerReadSlowly
    consumerFallbehindThreshold flushConsumerOffsetHistoryInterval putMsgIndexHightWater maxMsgsNumBatch
    defaultQueryMaxNum duplicationEnable enableLmq enableMultiDispatch maxLmqConsumeQueueNum
  `,
};
const NOT_MODELLED = new Map(
  Object.entries(NOT_MODELLED_BY_REASON).flatMap(([reason, keys]) =>
    keys
      .trim()
      .split(/\s+/)
      .map((key) => [key, reason] as const),
  ),
);

const brokerShape: Record<string, z.ZodType> = brokerConfigSchema.shape;
const storeShape: Record<string, z.ZodType> = messageStoreConfigSchema.shape;
const allKeys = [...Object.keys(brokerShape), ...Object.keys(storeShape)];

type Issue = { key: string; message: string };

/** A key's problem as the ConfigError names it: `key: problem (line n)`. */
function toZodError(issues: Issue[], lines: ReadonlyMap<string, number>): z.ZodError {
  return new z.ZodError(
    issues.map(({ key, message }) => {
      const line = lines.get(key);
      const at = line === undefined ? '' : ` (line ${line})`;
      return { code: 'custom' as const, path: [key], message: `${key}: ${message}${at}`, input: undefined };
    }),
  );
}

/** Why a key is not taken, or undefined if it is one of ours. */
function keyProblem(key: string): string | undefined {
  if (key in brokerShape || key in storeShape) return undefined;
  const reason = NOT_MODELLED.get(key);
  if (reason !== undefined) return `a RocketMQ setting that rmqsim does not model (${reason})`;
  const near = allKeys.find((known) => known.toLowerCase() === key.toLowerCase());
  return near === undefined ? 'unknown key' : `unknown key (did you mean ${near}?)`;
}

/** Checks typed settings (a scenario's) and splits them; throws a ConfigError naming each key at fault. */
export function brokerConfFrom(values: Readonly<Record<string, unknown>>): BrokerConf {
  return resolve(values, new Map(), []);
}

/** brokerConfFrom, adding to `issues` found earlier (a file's unreadable values), with lines. */
function resolve(
  values: Readonly<Record<string, unknown>>,
  lines: ReadonlyMap<string, number>,
  issues: Issue[],
): BrokerConf {
  const broker: Record<string, unknown> = {};
  const store: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const problem = keyProblem(key);
    if (problem !== undefined) issues.push({ key, message: problem });
    else (key in brokerShape ? broker : store)[key] = value;
  }
  const brokerResult = brokerConfigSchema.safeParse(broker);
  const storeResult = messageStoreConfigSchema.safeParse(store);
  for (const result of [brokerResult, storeResult]) {
    for (const issue of result.error?.issues ?? []) {
      issues.push({ key: String(issue.path[0] ?? ''), message: issue.message });
    }
  }
  // Checked only on otherwise valid settings, so that a bad brokerRole does not also blame brokerId.
  if (issues.length === 0) issues.push(...roleProblems(brokerResult.data!, storeResult.data!));
  if (issues.length > 0) throw new ConfigError(WHAT, toZodError(issues, lines));
  return { broker: brokerResult.data!, store: storeResult.data! };
}

/** BrokerStartup's check of brokerId against brokerRole. */
function roleProblems(broker: BrokerConfig, store: MessageStoreConfig): Issue[] {
  if (store.brokerRole === 'SLAVE' && broker.brokerId <= MASTER_ID) {
    return [{ key: 'brokerId', message: "a SLAVE's brokerId must be > 0" }];
  }
  if (store.brokerRole !== 'SLAVE' && broker.brokerId !== MASTER_ID) {
    return [{ key: 'brokerId', message: `a ${store.brokerRole}'s brokerId is 0 (BrokerStartup sets it so)` }];
  }
  return [];
}

/** Strips what Java's String.trim strips: every character up to U+0020. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/** The field's own type, under .default() and .optional(). */
function baseType(field: z.ZodType): z.ZodType {
  let type = field;
  while (type instanceof z.ZodDefault || type instanceof z.ZodOptional) type = type.unwrap() as z.ZodType;
  return type;
}

/** MixAll.properties2Object for one value: the trimmed text read as the field's type. */
function fromText(field: z.ZodType, raw: string): { value: unknown } | { problem: string } {
  const text = javaTrim(raw);
  const got = `got ${text === '' ? 'an empty value' : text}`;
  const type = baseType(field);
  if (type instanceof z.ZodBoolean) {
    const word = text.toLowerCase();
    return word === 'true' || word === 'false'
      ? { value: word === 'true' }
      : { problem: `expected true or false, ${got}` };
  }
  if (type instanceof z.ZodEnum) {
    const options = type.options.map(String);
    return options.includes(text)
      ? { value: text }
      : { problem: `expected one of ${options.join('|')}, ${got}` };
  }
  if (!(type instanceof z.ZodNumber)) return { value: text };
  const pattern = type.isInt ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const value = Number(text);
  if (!pattern.test(text)) return { problem: `expected ${type.isInt ? 'an integer' : 'a number'}, ${got}` };
  return Number.isSafeInteger(value) || !type.isInt ? { value } : { problem: `integer out of range, ${got}` };
}

/** Reads a broker.conf; throws a ConfigError naming each key at fault and its line. */
export function parseBrokerConf(text: string): BrokerConf {
  let entries;
  try {
    entries = parseProperties(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(WHAT, new z.ZodError([{ code: 'custom', path: [], message, input: undefined }]));
  }
  const lines = new Map(entries.map((entry) => [entry.key, entry.line]));
  const values: Record<string, unknown> = {};
  const issues: Issue[] = [];
  for (const { key, value } of entries) {
    const field = brokerShape[key] ?? storeShape[key];
    if (field === undefined) {
      values[key] = value;
      continue;
    }
    const read = fromText(field, value);
    if ('problem' in read) issues.push({ key, message: read.problem });
    else values[key] = read.value;
  }
  return resolve(values, lines, issues);
}

const DEFAULTS = brokerConfFrom({});

/** A broker.conf that parseBrokerConf reads back as `conf`: the settings that differ from the defaults. */
export function renderBrokerConf(conf: BrokerConf): string {
  const lines = ['# broker.conf written by rmqsim: the settings that differ from the defaults'];
  for (const part of ['broker', 'store'] as const) {
    const defaults: Record<string, unknown> = DEFAULTS[part];
    for (const [key, value] of Object.entries(conf[part])) {
      if (value !== undefined && value !== defaults[key]) lines.push(renderProperty(key, String(value)));
    }
  }
  return `${lines.join('\n')}\n`;
}
