// A scenario is data: the topology (NameServers, broker groups with their broker.conf settings,
// producers, consumer groups), the workload, the faults (a fixed schedule or a swarm generator),
// how long to run, and which properties the configuration guarantees. It is validated here, with
// defaults that are RocketMQ's (or the seed article's) and messages that name the field at fault.
// Nodes are named, not addressed: `namesrv-1`, `broker-a-master`, `broker-a-slave1`, `producer-1`,
// `consumer-1` (numbered across groups); the runner gives them addresses (topology.ts).
import { z } from 'zod';
import { parseOrThrow } from '../core/config-error.ts';
import { faultSchema } from '../sim/nemesis.ts';
import { networkConfigSchema } from '../sim/network.ts';
import { clockConfigSchema } from '../sim/clock.ts';

export const PROPERTIES = [
  'lost',
  'unexpected',
  'duplicated',
  'queue-order',
  'key-order',
  'cq-consistent',
  'retry-schedule',
  'dlq',
  'backtrack',
  'liveness',
  'effects-once',
  'durable',
] as const;
export type Property = (typeof PROPERTIES)[number];

const name = z.string().regex(/^[A-Za-z0-9_%|-]+$/, 'letters, digits, _ - % | only');
const confValue = z.union([z.string(), z.number(), z.boolean()]);

const brokerGroupSchema = z.strictObject({
  brokerName: name.default('broker-a'),
  flushDiskType: z.enum(['ASYNC_FLUSH', 'SYNC_FLUSH']).default('ASYNC_FLUSH'),
  brokerRole: z.enum(['ASYNC_MASTER', 'SYNC_MASTER']).default('ASYNC_MASTER'),
  slaves: z.number().int().min(0).max(2).default(0),
  /** Further broker.conf keys for every broker of the group (validated as broker.conf is). */
  conf: z.record(z.string(), confValue).default({}),
});

const producerSchema = z.strictObject({
  group: name.default('myProducerGroup'),
  sendMode: z.enum(['sync', 'async', 'oneway']).default('sync'),
  sendMsgTimeout: z.number().int().positive().default(3_000),
  retryTimesWhenSendFailed: z.number().int().min(0).default(2),
});

/** What the consumer's listener does with each message (an application's handler). */
const handlerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('success') }),
  /** Messages whose index is a multiple of `every` fail their first `times` deliveries (or always). */
  z.strictObject({
    kind: z.literal('fail'),
    every: z.number().int().positive().default(1),
    times: z.union([z.number().int().positive(), z.literal('always')]).default('always'),
  }),
  /** Applies each message's effect once, remembering applied keys in the application's database. */
  z.strictObject({ kind: z.literal('idempotent') }),
]);

const consumerGroupSchema = z.strictObject({
  group: name.default('myConsumerGroup'),
  consumers: z.number().int().min(1).max(8).default(1),
  consumeMode: z.enum(['concurrently', 'orderly']).default('concurrently'),
  messageModel: z.enum(['CLUSTERING', 'BROADCASTING']).default('CLUSTERING'),
  consumeFromWhere: z
    .enum(['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET'])
    .default('CONSUME_FROM_LAST_OFFSET'),
  consumeThreads: z.number().int().min(1).max(64).default(20),
  /** Simulated time the handler takes per call, in ms: fixed, or drawn per call from [min, max]. */
  serviceTimeMs: z
    .union([
      z.number().nonnegative(),
      z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
    ])
    .default(1),
  maxReconsumeTimes: z.number().int().min(0).default(16),
  handler: handlerSchema.default({ kind: 'success' }),
});

const workloadSchema = z.strictObject({
  topic: name.default('myTopic'),
  tags: z.array(name).min(1).default(['TagA']),
  messages: z.number().int().min(0).max(1_000_000).default(100),
  /** Each producer sends its share one after another, this long after the previous send returned. */
  intervalMs: z.number().nonnegative().default(20),
  startAtMs: z.number().nonnegative().default(3_000),
  /** 0: plain sends; N: ordered sends, message i with sharding key k<i mod N> (SelectMessageQueueByHash). */
  shardingKeys: z.number().int().min(0).default(0),
  /**
   * The topic's queues per master, created by the operator (mqadmin updateTopic) as the cluster
   * starts; 0: not created, the first send creates it from TBW102 (autoCreateTopicEnable) and
   * consumers learn of it at their next route poll, up to 30 s later.
   */
  queues: z.number().int().min(0).max(64).default(4),
  /** Operator resets (mqadmin resetOffsetByTime): at `atMs`, reset the group to the time of `toMs`. */
  resets: z
    .array(z.strictObject({ atMs: z.number().nonnegative(), toMs: z.number().nonnegative(), group: name }))
    .default([]),
});

export const FAULT_TARGETS = ['namesrv', 'master', 'slave', 'producer', 'consumer'] as const;
const SWARM_KINDS = [
  'reset',
  'kill',
  'power-off',
  'shutdown',
  'pause',
  'disk-loss',
  'isolate',
  'partition',
  'clock-jump',
] as const;
export type SwarmKind = (typeof SWARM_KINDS)[number];

/** Swarm testing: each seed draws its faults; each fault recovers after a drawn time. */
const swarmSchema = z.strictObject({
  faults: z.number().int().min(0).max(100).default(3),
  /** Weights of the fault kinds (only these are drawn). */
  kinds: z.partialRecord(z.enum(SWARM_KINDS), z.number().positive()).default({ kill: 1 }),
  targets: z
    .array(z.union([z.enum(FAULT_TARGETS), name]))
    .min(1)
    .default(['master']),
  fromMs: z.number().nonnegative().default(5_000),
  toMs: z.number().positive().default(60_000),
  recoverAfterMs: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).default([1_000, 20_000]),
  /** Whether each fault is undone after recoverAfterMs (a disk loss whose master stays down is not). */
  recover: z.boolean().default(true),
  /** Also let each seed switch off a random subset of the kinds (swarm testing). */
  swarm: z.boolean().default(false),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]*$/, 'letters, digits and . + _ - only'),
    title: z.string().min(1),
    lesson: z.strictObject({
      teaches: z.string().min(1),
      expect: z.string().min(1),
      why: z.string().min(1),
    }),
    seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(1),
    topology: z
      .strictObject({
        namesrvs: z.number().int().min(1).max(4).default(1),
        brokers: z.array(brokerGroupSchema).min(1).prefault([{}]),
        producers: z.array(producerSchema).min(1).prefault([{}]),
        consumerGroups: z.array(consumerGroupSchema).prefault([{}]),
        /** When producers and consumers start (the cluster starts at 0). */
        clientsStartAtMs: z.number().nonnegative().default(1_000),
        /** Per node name: a clock offset and drift (clock skew). */
        clocks: z.record(name, clockConfigSchema.partial()).default({}),
      })
      .prefault({}),
    network: networkConfigSchema.prefault({}),
    workload: workloadSchema.prefault({}),
    faults: z
      .union([z.strictObject({ schedule: z.array(faultSchema) }), z.strictObject({ generate: swarmSchema })])
      .default({ schedule: [] }),
    run: z
      .strictObject({
        /** Faults and the workload happen before this; then every fault is healed. */
        durationMs: z.number().positive().default(90_000),
        /** After the final heal: time for retries, rebalances and the final drain. */
        drainMs: z.number().nonnegative().default(180_000),
        /**
         * liveness: every acknowledged message is consumed this long after the last fault healed.
         * A broker takes 120 s to expire a client whose connection died unseen (its FIN lost in a
         * partition), and the group 20 s more to rebalance its queues: hence 150 s.
         */
        livenessWithinMs: z.number().positive().default(150_000),
        /** Nodes the final heal leaves as they are (a master whose disk is gone stays down). */
        keepDown: z.array(name).default([]),
        maxEvents: z.number().int().positive().default(20_000_000),
      })
      .prefault({}),
    /**
     * Which sends `lost` and `liveness` hold to account: every stored status (SEND_OK, FLUSH_DISK_TIMEOUT,
     * FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE), or SEND_OK only, the status SYNC_FLUSH and
     * SYNC_MASTER make their promise for (the others are treated as outcome unknown).
     */
    acknowledged: z.enum(['stored', 'SEND_OK']).default('stored'),
    /** The properties this configuration promises; the others are checked and reported only. */
    guarantees: z.array(z.enum(PROPERTIES)).default(['unexpected', 'cq-consistent']),
    /** The properties the lesson shows broken at the scenario's seed (a test holds it to that). */
    demonstrates: z.array(z.enum(PROPERTIES)).default([]),
  })
  .superRefine(checkConsistency);

type Parsed = {
  topology: {
    brokers: { brokerName: string }[];
    producers: { sendMode: string }[];
    consumerGroups: { group: string }[];
  };
  workload: { shardingKeys: number; resets: { group: string }[] };
};

/** What one field cannot say alone: unique names, resets of known groups, ordered sends are sync. */
function checkConsistency(s: Parsed, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const unique = (names: string[], path: string, field: string) =>
    names.forEach(
      (n, i) => names.indexOf(n) !== i && issue(['topology', path, i, field], `duplicate ${field} "${n}"`),
    );
  unique(
    s.topology.brokers.map((b) => b.brokerName),
    'brokers',
    'brokerName',
  );
  unique(
    s.topology.consumerGroups.map((g) => g.group),
    'consumerGroups',
    'group',
  );
  const groups = new Set(s.topology.consumerGroups.map((g) => g.group));
  s.workload.resets.forEach((r, i) => {
    if (!groups.has(r.group)) issue(['workload', 'resets', i, 'group'], `no consumer group "${r.group}"`);
  });
  if (s.workload.shardingKeys === 0) return;
  s.topology.producers.forEach((p, i) => {
    if (p.sendMode !== 'sync')
      issue(['topology', 'producers', i, 'sendMode'], 'ordered sends (shardingKeys > 0) are sync');
  });
}

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type BrokerGroup = Scenario['topology']['brokers'][number];
export type ConsumerGroup = Scenario['topology']['consumerGroups'][number];
export type Handler = ConsumerGroup['handler'];
export type SwarmSpec = z.output<typeof swarmSchema>;

/** Validates a scenario; a ConfigError names each field at fault (z.prettifyError). */
export function parseScenario(input: unknown, what = 'scenario'): Scenario {
  return parseOrThrow(scenarioSchema, input, what);
}
