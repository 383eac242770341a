// The guarantees matrix, as data: each claim of the seed article ("messages are not lost, not
// duplicated, not disordered; the ConsumeQueue can be rebuilt from the CommitLog; 16 retries then
// the DLQ; backtracking by time") crossed with the configurations and faults that matter. A cell
// is one scenario built from a base workload, a configuration and a fault template; `promised`
// says whether RocketMQ's documentation promises the claim there (a refuted promised cell is a
// finding; a refuted unpromised cell is the lesson). `space` says which parts of the randomized
// fault and timing space (space.ts) each seed of the cell draws from: only parts whose faults the
// cell's promise covers, so a seed that breaks it is a finding, not an unfair draw.
import { FAULTS, type FaultName } from './claim-faults.ts';
import type { Property, ScenarioInput, SpacePart } from './scenario-schema.ts';

export const CLAIM_NAMES = [
  'deterministic',
  'not-lost',
  'not-duplicated',
  'not-disordered',
  'cq-rebuild',
  'retry-then-dlq',
  'backtrack',
  'available',
] as const;
export type ClaimName = (typeof CLAIM_NAMES)[number];
export interface CellConfig {
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  brokerRole: 'ASYNC_MASTER' | 'SYNC_MASTER';
  slaves: number;
  /** 'sync+async': the producers alternate, sync first, so sync and async puts wait at once. */
  sendMode: 'sync' | 'async' | 'oneway' | 'sync+async';
  /** How many producers share the workload (each its share, one message after another); 1 if absent. */
  producers?: number;
  consumeMode: 'concurrently' | 'orderly';
  /** Broker groups (masters, each with `slaves` slaves); the claim's usual number if absent. */
  brokers?: number;
}
type Settings = Required<CellConfig>;

export interface ClaimCell {
  readonly id: string;
  readonly claim: ClaimName;
  /** The properties that decide the claim. */
  readonly properties: readonly Property[];
  readonly config: CellConfig;
  readonly fault: FaultName;
  readonly promised: boolean;
  /** Hours of virtual time per seed (the retry schedule): run with a quarter of the seeds. */
  readonly heavy: boolean;
  /** The parts of the randomized space its seeds draw from. */
  readonly space: readonly SpacePart[];
  readonly scenario: ScenarioInput;
}

const CLAIM_PROPERTIES: Record<ClaimName, readonly Property[]> = {
  deterministic: [],
  'not-lost': ['lost'],
  'not-duplicated': ['duplicated'],
  'not-disordered': ['key-order'],
  'cq-rebuild': ['cq-consistent'],
  'retry-then-dlq': ['retry-schedule', 'dlq'],
  backtrack: ['backtrack'],
  available: ['available'],
};

/**
 * The promises of the moment of the answer a configuration makes besides its claim's: a SEND_OK
 * from a SYNC_FLUSH master is flushed, one from a SYNC_MASTER acknowledged by a slave, when it
 * leaves (both decide "not lost": they are what makes it hold).
 */
function answerProperties(claim: ClaimName, c: Settings, promised: boolean): Property[] {
  if (claim !== 'not-lost' || !promised) return [];
  return [
    ...(c.flushDiskType === 'SYNC_FLUSH' ? (['flushed-at-answer'] as const) : []),
    ...(c.brokerRole === 'SYNC_MASTER' && c.slaves > 0 ? (['replicated-at-answer'] as const) : []),
  ];
}

const LESSON = {
  teaches: 'One cell of the guarantees matrix.',
  expect: 'The claim holds over every seed, or a counterexample is found.',
  why: 'See the matrix row: claim, configuration and fault.',
};

function cell(claim: ClaimName, config: Partial<CellConfig>, fault: FaultName, promised: boolean): ClaimCell {
  const c: Settings = {
    flushDiskType: 'ASYNC_FLUSH',
    brokerRole: 'ASYNC_MASTER',
    slaves: 0,
    sendMode: 'sync',
    producers: 1,
    consumeMode: 'concurrently',
    brokers: claim === 'not-disordered' ? 2 : 1,
    ...config,
  };
  const role = c.slaves > 0 ? `${c.brokerRole}+slave` : c.brokerRole;
  const groups = c.brokers === (claim === 'not-disordered' ? 2 : 1) ? '' : `x${c.brokers}`;
  const sends = c.producers > 1 ? `${c.sendMode}x${c.producers}` : c.sendMode;
  const id = `${claim}.${c.flushDiskType}.${role}${groups}.${sends}.${c.consumeMode}.${fault}`
    .toLowerCase()
    .replace(/_/g, '-');
  const base = baseScenario(claim, c);
  const faulted = { ...base, ...FAULTS[fault] };
  if (fault === 'master-disk-loss') {
    faulted.run = { ...base.run, keepDown: ['broker-a-master'] };
    // Each producer sends every 72 ms: with up to three (the cell's or the space's), the burst
    // lasts past the master's disk loss at 26 s (claim-faults.ts).
    faulted.workload = { ...base.workload, messages: 600, intervalMs: 72, startAtMs: 12_000 };
    // One CommitLog file holds the whole run: an empty slave gets the master's last file only.
    const conf = { mappedFileSizeCommitLog: 1_048_576 };
    faulted.topology = { ...base.topology, brokers: [{ brokerName: 'broker-a', ...broker(c), conf }] };
  }
  if (fault === 'slow-disk-power-loss' || fault === 'lazy-flush-power-loss') {
    const conf: Record<string, number> =
      fault === 'slow-disk-power-loss'
        ? { syncFlushTimeout: 200 }
        : { flushCommitLogLeastPages: 16, flushCommitLogThoroughInterval: 30_000 };
    const handler = { kind: 'fail' as const, every: 5, times: 1 };
    const consumerGroups = base.topology!.consumerGroups!.map((g) => ({ ...g, handler }));
    const brokers = [{ brokerName: 'broker-a', ...broker(c), conf }];
    faulted.topology = { ...base.topology, brokers, consumerGroups };
  }
  if (fault === 'broadcasting-power-loss') {
    const consumerGroups = base.topology!.consumerGroups!.map((g) => ({
      ...g,
      messageModel: 'BROADCASTING' as const,
      instanceName: 'app',
    }));
    faulted.topology = { ...base.topology, consumerGroups };
    faulted.workload = { ...base.workload, queues: 16 };
    // A consumer that cannot start again is seen in liveness, by the end of the usual drain.
    faulted.run = { ...base.run, drainMaxMs: base.run!.drainMs };
  }
  if (fault === 'slave-cut-shutdown') {
    const conf = { mappedFileSizeCommitLog: 16_384 };
    faulted.topology = { ...base.topology, brokers: [{ brokerName: 'broker-a', ...broker(c), conf }] };
  }
  if (fault === 'lock-lapse') {
    // Slow calls, so consumer-2's backlog outlasts its locks; cut off until the heal at 150 s.
    const serviceTimeMs: [number, number] = [1_500, 2_500];
    const consumerGroups = base.topology!.consumerGroups!.map((g) => ({ ...g, serviceTimeMs }));
    faulted.topology = { ...base.topology, consumerGroups };
    faulted.workload = { ...base.workload, messages: 360 };
    faulted.run = { ...base.run, durationMs: 150_000 };
  }
  if (fault === 'stale-route-restart') {
    const producers = base.topology!.producers!.map((p) => ({ ...p, sendLatencyFaultEnable: true }));
    faulted.topology = { ...base.topology, producers };
  }
  if (claim === 'deterministic') {
    // Same trace twice is the claim: a group that lags after what its seed drew need not be drained.
    faulted.run = { ...base.run, drainMaxMs: base.run!.drainMs };
  }
  if (fault === 'power-loss') {
    // 16 KiB CommitLog files roll every 8 s of sending, and the ConsumeQueues are forced (and the
    // checkpoint written) only every 10 s: a power loss finds the checkpoint up to a file or more
    // behind, so abnormal recovery must start from an earlier file and re-dispatch its tail.
    const conf = {
      mappedFileSizeCommitLog: 16_384,
      flushConsumeQueueThoroughInterval: 10_000,
      flushConsumeQueueLeastPages: 2,
    };
    const brokers = base.topology!.brokers!.map((b) => ({ ...b, conf }));
    faulted.topology = { ...base.topology, brokers };
  }
  if (fault === 'checkpoint-power-loss') {
    // A queue holds about 35 entries at 20 s: three files, no more (recovery reads a queue from its
    // third-last file on, taking the ones before as whole).
    const conf = {
      mappedFileSizeCommitLog: 16_384,
      mappedFileSizeConsumeQueue: 300,
      flushConsumeQueueThoroughInterval: 20_000,
    };
    faulted.topology = { ...base.topology, brokers: [{ brokerName: 'broker-a', ...broker(c), conf }] };
  }
  if (fault === 'index-roll-power-loss' || fault === 'index-roll-lazy-physic-power-loss') {
    const conf: Record<string, number> = { mappedFileSizeCommitLog: 16_384, maxIndexNum: 200 };
    if (fault === 'index-roll-lazy-physic-power-loss') conf.flushCommitLogThoroughInterval = 60_000;
    faulted.topology = { ...base.topology, brokers: [{ brokerName: 'broker-a', ...broker(c), conf }] };
  }
  const space = spaceOf(claim, c, fault);
  return {
    id,
    claim,
    // A broadcasting consumer that cannot start again leaves a backlog that never drains.
    properties: [
      ...(fault === 'broadcasting-power-loss' ? (['lost', 'liveness'] as const) : CLAIM_PROPERTIES[claim]),
      // Where nothing acknowledged may be lost, it must also be delivered: a stored message that no
      // consumer is given (a queue left out of the allocation) is not behind the group's position.
      ...(claim === 'not-lost' && promised ? (['liveness'] as const) : []),
      // Orderly consumption's locks: one consumer of the group consumes a queue at a time.
      ...(claim === 'not-disordered' && c.consumeMode === 'orderly' && promised
        ? (['queue-exclusive'] as const)
        : []),
      ...answerProperties(claim, c, promised),
      ...(claim === 'not-lost' && keepsSendBacks(fault) ? (['retried'] as const) : []),
    ],
    config: c,
    fault,
    promised,
    heavy: claim === 'retry-then-dlq',
    space,
    scenario: { ...faulted, name: id, space: [...space] },
  };
}

/**
 * Whether a fault keeps what a send-back stored: a message its handler failed is then delivered
 * again (retried). A power loss or a lost disk can take the retry copy, which the broker stored
 * without waiting for a flush or a slave (4.9's send-back does not wait), and a broadcasting
 * consumer drops what fails.
 */
function keepsSendBacks(fault: FaultName): boolean {
  return !['power-loss', 'master-disk-loss', 'index-roll-power-loss', 'slow-disk-power-loss', 'broadcasting-power-loss'].includes(fault);
}

/** Knobs and disks that change when things happen, never what a configuration promises. */
const TIMING: SpacePart[] = ['disk', 'files', 'flush'];
/**
 * Polling knobs cost time where pulls go on for long: short polling answers every empty pull in
 * 1 s (hours of retries, ordered cells' 16 queues), and reads from a slave whose master stays down
 * retry at once. They go where neither is so.
 */
const POLLING: SpacePart[] = ['polling'];

/**
 * The parts of the space a cell draws from: timing everywhere; clients where the claim allows them
 * (a handler that fails on purpose redelivers, which not-duplicated would count); faults no
 * stronger than the cell's own (a clean shutdown beside a kill, a kill beside a power loss), bit
 * rot where only the ConsumeQueue's agreement with the CommitLog is judged. The index-roll cells
 * keep their exact setup (a finding); the determinism cell draws what adds randomness inside a run.
 */
function spaceOf(claim: ClaimName, c: CellConfig, fault: FaultName): SpacePart[] {
  // Exact schedules: what they time (a roll, a flush under way) must stay where it is.
  const exact: FaultName[] = [
    'index-roll-power-loss',
    'index-roll-lazy-physic-power-loss',
    'checkpoint-power-loss',
  ];
  if (exact.includes(fault) || fault === 'broadcasting-power-loss') return [];
  const crash = ['process-kill', 'power-loss', 'bit-rot'].includes(fault) ? (['processes'] as const) : [];
  // These cells set their own disk or flush and handlers: the rest of the timing space stays open.
  if (fault === 'slow-disk-power-loss' || fault === 'lazy-flush-power-loss')
    return ['files', 'polling', 'producers'];
  switch (claim) {
    case 'deterministic':
      // The draws that add randomness of their own inside a run: per-flush latencies, bit flips.
      return ['disk', 'files', 'corruption', 'processes'];
    case 'not-lost': {
      const masterDown = fault === 'master-disk-loss' || fault === 'slave-cut-shutdown';
      return [
        ...TIMING,
        ...(masterDown ? [] : POLLING),
        ...crash,
        ...(c.slaves > 0 ? (['ha'] as const) : []),
        ...(c.slaves === 0 && (fault === 'process-kill' || fault === 'partition')
          ? (['brokers'] as const)
          : []),
        ...(fault === 'clock-skew' ? (['clock'] as const) : []),
        'producers',
        // The master-disk-loss cells pause the consumers meanwhile: handlers change nothing there,
        // and a third consumer, not paused, would pull what the cell keeps in the broker.
        ...(fault === 'master-disk-loss' ? [] : (['handlers', 'consumers'] as const)),
        // A full disk refuses puts (not acknowledged, not owed) and keeps what it stored.
        'full-disk',
      ];
    }
    case 'not-disordered':
      return [...TIMING, ...crash, ...(c.consumeMode === 'orderly' ? (['handlers'] as const) : [])];
    case 'cq-rebuild':
      // Handlers that fail fill the delay levels (SCHEDULE_TOPIC) before the crash.
      // The bit-rot cell keeps its draws: a full disk would move where its bits flip.
      return [...TIMING, ...POLLING, ...crash, 'handlers', ...(fault === 'bit-rot' ? [] : (['full-disk'] as const))];
    case 'retry-then-dlq':
      // Hours of virtual time: flush services ticking every 200 ms would cost more than they find.
      // A full disk makes send-backs and the delay levels' puts fail for a while.
      return ['files', ...crash, 'retention', 'full-disk'];
    case 'backtrack':
      return [...TIMING, ...POLLING, ...(fault === 'clock-skew' ? (['clock'] as const) : [])];
    case 'available':
      // The availability cells judge each send against the brokers' reachability: kept as built.
      return [];
    default:
      return [...TIMING, ...POLLING, ...crash];
  }
}

function baseScenario(claim: ClaimName, c: Settings): ScenarioInput {
  const ordered = claim === 'not-disordered';
  const dlq = claim === 'retry-then-dlq';
  const names = ['broker-a', 'broker-b', 'broker-c'];
  const mode = (p: number) => (c.sendMode === 'sync+async' ? (p % 2 === 0 ? 'sync' : 'async') : c.sendMode);
  return {
    name: 'cell',
    title: `${claim} under ${c.flushDiskType}, ${c.brokerRole}`,
    lesson: LESSON,
    topology: {
      brokers: names.slice(0, c.brokers).map((brokerName) => ({ brokerName, ...broker(c) })),
      producers: Array.from({ length: c.producers }, (_, p) => ({ sendMode: mode(p) })),
      consumerGroups: [
        {
          consumers: 2,
          consumeMode: c.consumeMode,
          consumeThreads: ordered ? 4 : 20,
          serviceTimeMs: ordered ? [1, 300] : 100,
          handler: dlq ? { kind: 'fail', every: 25, times: 'always' } : { kind: 'success' },
        },
      ],
    },
    workload: {
      messages: dlq ? 50 : ordered ? 875 : 350,
      // Ordered cells: a key's messages 120 ms apart, closer than the handler's spread of 1-300 ms.
      // Several producers share the pace: each sends its share, so the workload lasts as long.
      intervalMs: (ordered ? 40 : 100) * c.producers,
      shardingKeys: ordered ? 3 : 0,
      resets: claim === 'backtrack' ? [{ atMs: 60_000, toMs: 15_000, group: 'myConsumerGroup' }] : [],
    },
    // RocketMQ's promises (SYNC_FLUSH, SYNC_MASTER) are made for SEND_OK.
    acknowledged: 'SEND_OK',
    run: dlq ? { durationMs: 60_000, drainMs: 5 * 3_600_000 } : { durationMs: 60_000, drainMs: 120_000 },
    guarantees: [],
  };
}

function broker(c: CellConfig) {
  return { flushDiskType: c.flushDiskType, brokerRole: c.brokerRole, slaves: c.slaves };
}

const ALL_FAULTS: FaultName[] = [
  'none',
  'process-kill',
  'power-loss',
  'partition',
  'consumer-crash',
  'pause',
  'clock-skew',
];

/** Which faults can lose an acknowledged message under which configuration, per RocketMQ's docs. */
function lostPromised(c: Partial<CellConfig>, fault: FaultName): boolean {
  if (fault === 'power-loss') return c.flushDiskType === 'SYNC_FLUSH';
  if (fault === 'master-disk-loss') return c.brokerRole === 'SYNC_MASTER';
  return true;
}

const LOST_CONFIGS: Partial<CellConfig>[] = [
  {},
  { flushDiskType: 'SYNC_FLUSH' },
  { slaves: 1 },
  // Several producers, sync and async at once, so several puts wait for the slave at a time.
  { brokerRole: 'SYNC_MASTER', slaves: 1, sendMode: 'sync+async', producers: 3 },
  { flushDiskType: 'SYNC_FLUSH', brokerRole: 'SYNC_MASTER', slaves: 1, sendMode: 'sync+async', producers: 3 },
];

/**
 * Faults that leave one master of two unable to take sends for a while (the other can): a killed
 * one refuses at once (a retry is owed), a partitioned one times out (the budget is spent).
 */
const AVAILABILITY_FAULTS = ['process-kill', 'partition'] as const;

export const CLAIM_CELLS: readonly ClaimCell[] = [
  cell('deterministic', { slaves: 1 }, 'swarm', true),
  ...LOST_CONFIGS.flatMap((c) =>
    [...ALL_FAULTS, ...(c.slaves ? (['master-disk-loss'] as const) : [])].map((f) =>
      cell('not-lost', c, f, lostPromised(c, f)),
    ),
  ),
  cell('not-lost', { sendMode: 'async' }, 'power-loss', false),
  cell('not-lost', { flushDiskType: 'SYNC_FLUSH', sendMode: 'async' }, 'power-loss', true),
  cell('not-lost', { flushDiskType: 'SYNC_FLUSH' }, 'index-roll-power-loss', true),
  // A queue taken over while its broker cannot be asked for the group's offset.
  cell('not-lost', { brokers: 2 }, 'takeover-partition', true),
  // Broadcasting progress lives in a local file written without fsync (not promised).
  cell('not-lost', {}, 'broadcasting-power-loss', false),
  // Flushes slower than syncFlushTimeout: FLUSH_DISK_TIMEOUT is no SEND_OK, what was is durable.
  cell(
    'not-lost',
    { flushDiskType: 'SYNC_FLUSH', brokerRole: 'SYNC_MASTER', slaves: 1 },
    'slow-disk-power-loss',
    true,
  ),
  // A clean shutdown drops the puts waiting for the slave unanswered: their outcome is unknown.
  cell('not-lost', { brokerRole: 'SYNC_MASTER', slaves: 1, sendMode: 'async' }, 'slave-cut-shutdown', true),
  ...(['none', 'process-kill', 'consumer-crash', 'partition'] as const).map((f) =>
    cell('not-duplicated', {}, f, f === 'none'),
  ),
  ...(['concurrently', 'orderly'] as const).flatMap((consumeMode) =>
    (['none', 'consumer-crash', 'process-kill', 'pause'] as const).map((f) =>
      cell(
        'not-disordered',
        // Two producers send every key: each one's order is promised, not an order between them.
        { consumeMode, producers: 2 },
        f,
        consumeMode === 'orderly' && (f === 'none' || f === 'consumer-crash'),
      ),
    ),
  ),
  // An orderly consumer cut off past its locks' lives, with a backlog cached.
  cell('not-disordered', { consumeMode: 'orderly', producers: 2 }, 'lock-lapse', true),
  ...(['ASYNC_FLUSH', 'SYNC_FLUSH'] as const).flatMap((flushDiskType) =>
    (['process-kill', 'power-loss', 'index-roll-power-loss'] as const).map((f) =>
      cell('cq-rebuild', { flushDiskType }, f, true),
    ),
  ),
  // A power loss while the ConsumeQueues are forced before the checkpoint; one soon after an
  // IndexFile filled, when no full CommitLog flush has set the checkpoint's CommitLog time yet.
  cell('cq-rebuild', { flushDiskType: 'SYNC_FLUSH' }, 'checkpoint-power-loss', true),
  cell('cq-rebuild', {}, 'index-roll-lazy-physic-power-loss', true),
  // Delay levels' saved progress past what the CommitLog kept after a power loss.
  cell('cq-rebuild', {}, 'lazy-flush-power-loss', true),
  // RocketMQ's CRC covers a record's body: a flipped bit elsewhere passes recovery (not promised).
  cell('cq-rebuild', { flushDiskType: 'SYNC_FLUSH' }, 'bit-rot', false),
  ...AVAILABILITY_FAULTS.map((f) =>
    cell('available', { brokers: 2, sendMode: 'sync+async', producers: 2 }, f, true),
  ),
  // Producers with the latency fault tolerance on, started while their route names a dead master.
  cell('available', { brokers: 2, sendMode: 'sync+async', producers: 2 }, 'stale-route-restart', true),
  cell('retry-then-dlq', {}, 'none', true),
  cell('retry-then-dlq', {}, 'process-kill', false),
  cell('backtrack', {}, 'none', true),
  cell('backtrack', {}, 'clock-skew', false),
  cell('backtrack', {}, 'consumer-crash', false),
];
