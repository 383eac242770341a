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
import { diskConfigShape, type DiskConfigInput } from '../sim/disk.ts';

export const PROPERTIES = [
  'lost',
  'unexpected',
  'duplicated',
  'queue-order',
  'queue-exclusive',
  'key-order',
  'cq-consistent',
  'retry-schedule',
  'dlq',
  'backtrack',
  'liveness',
  'effects-once',
  'durable',
  'flushed-at-answer',
  'replicated-at-answer',
  'available',
] as const;
export type Property = (typeof PROPERTIES)[number];

const name = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_%|-]+$/, 'letters, digits, _ - % | only');
/** RocketMQ's TopicValidator allows 127 characters for a topic (255 for a group). */
const topicName = name.max(127);

/** Upper bounds of the run's times: a day of virtual time each (days of RocketMQ's life take minutes). */
const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;
const ms = (max = DAY_MS) =>
  z
    .number()
    .nonnegative()
    .max(max, `at most ${max} ms (${max === DAY_MS ? 'a day' : 'an hour'})`);
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
  sendMsgTimeout: ms(HOUR_MS).int().positive().default(3_000),
  retryTimesWhenSendFailed: z.number().int().min(0).max(100).default(2),
  /** MQFaultStrategy's latency fault tolerance: a broker that failed or answered slowly is set aside. */
  sendLatencyFaultEnable: z.boolean().default(false),
});

/** What the consumer's listener does with each message (an application's handler). */
const handlerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('success') }),
  /** Messages whose index is a multiple of `every` fail their first `times` deliveries (or always). */
  z.strictObject({
    kind: z.literal('fail'),
    every: z.number().int().positive().max(1_000_000).default(1),
    times: z.union([z.number().int().positive().max(1_000), z.literal('always')]).default('always'),
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
  /**
   * ClientConfig.instanceName of its consumers. Absent: "DEFAULT", which RocketMQ replaces by the
   * process id, new at each start, so a restarted BROADCASTING consumer never finds its offsets file.
   */
  instanceName: name.optional(),
  /** Simulated time the handler takes per call, in ms: fixed, or drawn per call from [min, max]. */
  serviceTimeMs: z
    .union([ms(HOUR_MS), z.tuple([ms(HOUR_MS).int(), ms(HOUR_MS).int()])])
    .refine((t) => typeof t === 'number' || t[0] <= t[1], 'a range [min, max] with min <= max')
    .default(1),
  maxReconsumeTimes: z.number().int().min(0).max(1_000).default(16),
  /**
   * Minutes a message may stay in a concurrent group's handler before the consumer sends it back
   * and consumes it again (DefaultMQPushConsumer.consumeTimeout; RocketMQ's default is 15).
   */
  consumeTimeout: z.number().int().min(1).max(1_440).default(15),
  /**
   * Calls that hang (a slow downstream call, a lock wait): a message whose index is a multiple of
   * `every` takes `ms` instead of serviceTimeMs on its first `times` deliveries.
   */
  slowCalls: z
    .strictObject({
      every: z.number().int().positive().max(1_000_000),
      times: z.number().int().positive().max(1_000).default(1),
      ms: ms(HOUR_MS).int(),
    })
    .optional(),
  handler: handlerSchema.default({ kind: 'success' }),
});

const workloadSchema = z.strictObject({
  topic: topicName.default('myTopic'),
  tags: z.array(name).min(1).max(100).default(['TagA']),
  messages: z.number().int().min(0).max(1_000_000).default(100),
  /** Each producer sends its share one after another, this long after the previous send returned. */
  intervalMs: ms(HOUR_MS).default(20),
  /** When the first send starts: before run.durationMs. */
  startAtMs: ms().default(3_000),
  /** 0: plain sends; N: ordered sends, message i with sharding key k<i mod N> (SelectMessageQueueByHash). */
  shardingKeys: z.number().int().min(0).max(1_000_000).default(0),
  /**
   * The topic's queues per master, created by the operator (mqadmin updateTopic) as the cluster
   * starts; 0: not created, the first send creates it from TBW102 (autoCreateTopicEnable) and
   * consumers learn of it at their next route poll, up to 30 s later.
   */
  queues: z.number().int().min(0).max(64).default(4),
  /** Operator resets (mqadmin resetOffsetByTime): at `atMs`, reset the group to the time of `toMs`. */
  resets: z
    .array(z.strictObject({ atMs: ms(), toMs: ms(), group: name }))
    .max(100)
    .default([]),
});

export const MAX_BROKER_GROUPS = 256;
export const MAX_PRODUCERS = 1_000;
export const MAX_CONSUMER_GROUPS = 100;

export const FAULT_TARGETS = ['namesrv', 'master', 'slave', 'producer', 'consumer'] as const;

/** The parts of the randomized fault and timing space a scenario may draw from (space.ts). */
export const SPACE_PARTS = [
  'disk',
  'files',
  'flush',
  'ha',
  'polling',
  'retention',
  'processes',
  'clock',
  'corruption',
  'producers',
  'handlers',
  'brokers',
  'consumers',
] as const;
export type SpacePart = (typeof SPACE_PARTS)[number];
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
  kinds: z.partialRecord(z.enum(SWARM_KINDS), z.number().positive().max(1_000_000)).default({ kill: 1 }),
  targets: z
    .array(z.union([z.enum(FAULT_TARGETS), name]))
    .min(1)
    .max(100)
    .default(['master']),
  /** Faults are drawn in [fromMs, toMs), which must end by run.durationMs. */
  fromMs: ms().default(5_000),
  toMs: ms().positive().default(60_000),
  recoverAfterMs: z
    .tuple([ms(), ms()])
    .refine(([lo, hi]) => lo <= hi, 'a range [min, max] with min <= max')
    .default([1_000, 20_000]),
  /** Whether each fault is undone after recoverAfterMs (a disk loss whose master stays down is not). */
  recover: z.boolean().default(true),
  /** Also let each seed switch off a random subset of the kinds (swarm testing). */
  swarm: z.boolean().default(false),
  /** A clock jump is drawn in [-clockJumpMs, clockJumpMs]. */
  clockJumpMs: ms(HOUR_MS).int().default(60_000),
  /**
   * Bit rot found at recovery: as each kill or power loss strikes, one bit flips in the last file
   * under this directory of the node's disk (store/commitlog/: the CommitLog file being written).
   */
  corruptOnCrash: z.string().min(1).endsWith('/').optional(),
});

/**
 * Some of a disk's settings, without their defaults (a node's name overrides only what it says
 * over its role's); checked together when the disk is made, and here as far as they go.
 */
const diskOverrideSchema = (
  z.strictObject(
    Object.fromEntries(
      Object.entries(diskConfigShape.shape).map(([key, field]) => [
        key,
        (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
      ]),
    ),
  ) as unknown as z.ZodType<Partial<DiskConfigInput>>
).refine(
  (d) =>
    (d.pageSize ?? 4096) % (d.sectorSize ?? 512) === 0 &&
    (d.flushLatencyMaxMs === undefined || d.flushLatencyMaxMs >= (d.flushLatencyMs ?? 0)),
  'sectorSize must divide pageSize, and flushLatencyMaxMs be at least flushLatencyMs',
);

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
        /** Each node gets an address of its own (topology.ts), so these bounds are the run's cost. */
        brokers: z.array(brokerGroupSchema).min(1).max(MAX_BROKER_GROUPS).prefault([{}]),
        producers: z.array(producerSchema).min(1).max(MAX_PRODUCERS).prefault([{}]),
        consumerGroups: z.array(consumerGroupSchema).max(MAX_CONSUMER_GROUPS).prefault([{}]),
        /** When producers and consumers start (the cluster starts at 0): before run.durationMs. */
        clientsStartAtMs: ms().default(1_000),
        /** Per node name: a clock offset and drift (clock skew). */
        clocks: z.record(name, clockConfigSchema.partial()).default({}),
      })
      .prefault({}),
    network: networkConfigSchema.prefault({}),
    /**
     * The machines' disks (sim/disk.ts): flush latency and bandwidth, torn pages on power loss,
     * capacity. Keyed by role (namesrv, master, slave, producer, consumer) or node name; a node
     * takes its role's settings, then its name's, over the defaults (a flush costs no time).
     */
    disk: z.record(z.union([z.enum(FAULT_TARGETS), name]), diskOverrideSchema).default({}),
    workload: workloadSchema.prefault({}),
    faults: z
      .union([
        z.strictObject({ schedule: z.array(faultSchema).max(10_000) }),
        z.strictObject({ generate: swarmSchema }),
      ])
      .default({ schedule: [] }),
    run: z
      .strictObject({
        /** Faults and the workload happen before this; then every fault is healed. */
        durationMs: ms().positive().default(90_000),
        /** After the final heal: time for retries, rebalances and the final drain. */
        drainMs: ms().default(180_000),
        /**
         * The drain goes on past drainMs while a consumer group still lags (messages stored for it
         * that it has not consumed), up to this long in all (default: 15 min, or drainMs if longer).
         */
        drainMaxMs: ms().optional(),
        /**
         * liveness: every acknowledged message is consumed this long after the last fault healed.
         * A broker takes 120 s to expire a client whose connection died unseen (its FIN lost in a
         * partition), and the group 20 s more to rebalance its queues: hence 150 s.
         */
        livenessWithinMs: ms().positive().default(150_000),
        /** Nodes the final heal leaves as they are (a master whose disk is gone stays down). */
        keepDown: z.array(name).max(1_000).default([]),
        /** The event budget: a run that would fire more stops with an error naming this field. */
        maxEvents: z.number().int().positive().max(100_000_000).default(5_000_000),
        /**
         * The memory budget, in MB of what a run holds that grows with it: the trace records it
         * keeps and the bytes of its simulated disks (scenarios/budget.ts). Past it the run stops
         * with an error naming this field.
         */
        maxMemoryMb: z.number().int().min(64).max(8_192).default(1_024),
      })
      .prefault({}),
    /**
     * Which sends `lost` and `liveness` hold to account: every stored status (SEND_OK, FLUSH_DISK_TIMEOUT,
     * FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE), or SEND_OK only, the status SYNC_FLUSH and
     * SYNC_MASTER make their promise for (the others are treated as outcome unknown).
     */
    acknowledged: z.enum(['stored', 'SEND_OK']).default('stored'),
    /**
     * The parts of the randomized fault and timing space each seed draws from (space.ts): broker.conf
     * knobs, disks, clients and faults, drawn before the run from a stream of their own.
     */
    space: z.array(z.enum(SPACE_PARTS)).max(SPACE_PARTS.length).default([]),
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
    clientsStartAtMs: number;
  };
  workload: { shardingKeys: number; startAtMs: number; resets: { group: string; atMs: number }[] };
  faults: { schedule: { at: number }[] } | { generate: { fromMs: number; toMs: number } };
  run: { durationMs: number; drainMs: number; drainMaxMs?: number | undefined };
};

type Issue = (path: (string | number)[], message: string) => void;

/**
 * What one field cannot say alone: unique names, resets of known groups, ordered sends are sync,
 * and nothing is planned for a time the run never reaches.
 */
function checkConsistency(s: Parsed, ctx: z.RefinementCtx): void {
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  checkTimes(s, issue);
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

/** Faults, client starts and the workload happen before run.durationMs; resets before the drain ends. */
function checkTimes(s: Parsed, issue: Issue): void {
  const { durationMs, drainMs, drainMaxMs } = s.run;
  const end = `run.durationMs (${durationMs} ms), when every fault is healed`;
  const before = (path: (string | number)[], at: number, what: string) => {
    if (at >= durationMs) issue(path, `${what} at ${at} ms never happens: it must come before ${end}`);
  };
  before(['topology', 'clientsStartAtMs'], s.topology.clientsStartAtMs, 'the clients start');
  before(['workload', 'startAtMs'], s.workload.startAtMs, 'the workload starts');
  if ('schedule' in s.faults) {
    s.faults.schedule.forEach((f, i) => before(['faults', 'schedule', i, 'at'], f.at, 'this fault'));
  } else {
    const { fromMs, toMs } = s.faults.generate;
    if (toMs > durationMs)
      issue(['faults', 'generate', 'toMs'], `faults drawn up to ${toMs} ms: toMs must be at most ${end}`);
    if (fromMs >= toMs)
      issue(['faults', 'generate', 'fromMs'], `fromMs (${fromMs}) must be below toMs (${toMs})`);
  }
  s.workload.resets.forEach((r, i) => {
    if (r.atMs >= durationMs + drainMs)
      issue(
        ['workload', 'resets', i, 'atMs'],
        `a reset at ${r.atMs} ms never happens: the run ends at ${durationMs + drainMs} ms`,
      );
  });
  if (drainMaxMs !== undefined && drainMaxMs < drainMs)
    issue(['run', 'drainMaxMs'], `drainMaxMs (${drainMaxMs}) must be at least drainMs (${drainMs})`);
}

/** The longest the drain may last while a group lags (run.drainMaxMs). */
export const DEFAULT_DRAIN_MAX_MS = 15 * 60_000;
export function drainCapMs(run: { drainMs: number; drainMaxMs?: number | undefined }): number {
  return run.drainMaxMs ?? Math.max(run.drainMs, DEFAULT_DRAIN_MAX_MS);
}

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type BrokerGroup = Scenario['topology']['brokers'][number];
export type ConsumerGroup = Scenario['topology']['consumerGroups'][number];
export type Handler = ConsumerGroup['handler'];
export type SwarmSpec = z.output<typeof swarmSchema>;
export type DiskOverride = z.output<typeof diskOverrideSchema>;

/** Validates a scenario; a ConfigError names each field at fault (z.prettifyError). */
export function parseScenario(input: unknown, what = 'scenario'): Scenario {
  return parseOrThrow(scenarioSchema, input, what);
}
