// The guarantees matrix, as data: each claim of the seed article ("messages are not lost, not
// duplicated, not disordered; the ConsumeQueue can be rebuilt from the CommitLog; 16 retries then
// the DLQ; backtracking by time") crossed with the configurations and faults that matter. A cell
// is one scenario built from a base workload, a configuration and a fault template; `promised`
// says whether RocketMQ's documentation promises the claim there (a refuted promised cell is a
// finding; a refuted unpromised cell is the lesson). `space` says which parts of the randomized
// fault and timing space (space.ts) each seed of the cell draws from: only parts whose faults the
// cell's promise covers, so a seed that breaks it is a finding, not an unfair draw.
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
export type FaultName =
  | 'swarm'
  | 'none'
  | 'process-kill'
  | 'power-loss'
  | 'index-roll-power-loss'
  | 'master-disk-loss'
  | 'partition'
  | 'consumer-crash'
  | 'pause'
  | 'clock-skew'
  | 'bit-rot'
  | 'slave-cut-shutdown'
  | 'slow-disk-power-loss'
  | 'lazy-flush-power-loss'
  | 'broadcasting-power-loss';

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

const window = { fromMs: 5_000, toMs: 30_000 };

/** A node's power fails at `offAt` and comes back at `onAt`. */
function powerCycle(node: string, offAt: number, onAt: number) {
  return [
    { at: offAt, fault: 'power-off' as const, node },
    { at: onAt, fault: 'restart' as const, node },
  ];
}

/** What each fault does, as a swarm spec over the base workload's 35 s of sending. */
const FAULTS: Record<FaultName, Partial<ScenarioInput>> = {
  swarm: {
    faults: {
      generate: {
        faults: 6,
        kinds: { kill: 1, 'power-off': 1, pause: 1, partition: 1, isolate: 1, reset: 1, 'clock-jump': 1 },
        targets: ['namesrv', 'master', 'slave', 'producer', 'consumer'],
        ...window,
        swarm: true,
      },
    },
  },
  none: { faults: { schedule: [] } },
  'process-kill': {
    faults: {
      generate: {
        faults: 2,
        kinds: { kill: 1 },
        targets: ['master'],
        ...window,
        recoverAfterMs: [500, 15_000],
      },
    },
  },
  'bit-rot': {
    // A kill as in process-kill, and as it strikes one bit flips in the master's newest CommitLog
    // file (bit rot that recovery may or may not see: RocketMQ's CRC covers the body only).
    faults: {
      generate: {
        faults: 2,
        kinds: { kill: 1 },
        targets: ['master'],
        ...window,
        recoverAfterMs: [500, 15_000],
        corruptOnCrash: 'store/commitlog/',
      },
    },
  },
  'slave-cut-shutdown': {
    // The master is cut from its slave (SYNC_MASTER puts wait up to slaveTimeout), then shut down
    // cleanly while they wait, and started again (soon: meanwhile consumers ahead of the slave
    // retry their pulls there at once); then the slave loses its disk and starts empty, once the
    // master's 16 KiB CommitLog files (cell()) have rolled.
    faults: {
      schedule: [
        { at: 14_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
        { at: 15_000, fault: 'shutdown', node: 'broker-a-master' },
        { at: 20_000, fault: 'heal' },
        { at: 21_000, fault: 'restart', node: 'broker-a-master' },
        { at: 50_000, fault: 'disk-loss', node: 'broker-a-slave1' },
        { at: 51_000, fault: 'restart', node: 'broker-a-slave1' },
      ],
    },
  },
  'slow-disk-power-loss': {
    // The master's fsyncs take 100-300 ms against a syncFlushTimeout of 200 ms (cell()), and a
    // handler fails every 5th message once: puts, send-backs and due delayed messages time out
    // on the flush, and the power fails while the slave already has what the master never forced.
    // At 40 s the broker rewrites consumerOffset.json and delayOffset.json (every 5 s and 10 s
    // from its start): their .bak first, forced, then the file; the power fails 250 ms later,
    // and again at 52 s.
    faults: {
      schedule: [
        ...powerCycle('broker-a-master', 40_250, 43_000),
        ...powerCycle('broker-a-master', 52_000, 54_000),
      ],
    },
    disk: { master: { flushLatencyMs: 100, flushLatencyMaxMs: 300 } },
  },
  'lazy-flush-power-loss': {
    // The flush service forces the CommitLog only every 30 s or 64 KiB (cell()), a handler fails
    // every 5th message once: the power fails with the retries' delayed messages of the last
    // 30 s unforced, though the delay service had delivered some and saved its progress.
    faults: {
      schedule: [...powerCycle('broker-a-master', 55_000, 57_000)],
    },
  },
  'broadcasting-power-loss': {
    // A BROADCASTING consumer with its own instanceName (cell()) keeps its offsets.json across
    // restarts; it rewrites it every 5 s from 10 s after its start without fsync, so at 22 s the
    // file is a second old and unflushed when the power fails, and its disk tears the page (the
    // group's 16 queues make the file span sectors): the next start reads a broken file.
    faults: {
      schedule: [...powerCycle('consumer-1', 22_000, 26_000)],
    },
    disk: { consumer: { tornWriteProbability: 1 } },
  },
  'power-loss': {
    faults: {
      generate: {
        faults: 2,
        kinds: { 'power-off': 1 },
        targets: ['master'],
        ...window,
        recoverAfterMs: [500, 15_000],
      },
    },
  },
  'index-roll-power-loss': {
    // The master loses power at 36 s, as its 16 KiB CommitLog files and 200-entry IndexFiles
    // (cell()) roll every few seconds of the burst: the last IndexFile roll flushed the checkpoint,
    // claiming ConsumeQueue entries still in the page cache (see "What the harness has found").
    faults: {
      schedule: [...powerCycle('broker-a-master', 36_000, 39_000)],
    },
  },
  'master-disk-loss': {
    // Replication is cut first, then the master's disk is lost mid-burst (600 messages 10 ms apart
    // from 12 s, once the slave replicates): what it acknowledged since exists nowhere else, unless
    // a SYNC_MASTER refused SEND_OK for it. The consumers are paused meanwhile (a long GC), so
    // they have not pulled it into their memory either.
    faults: {
      schedule: [
        { at: 13_000, fault: 'pause', node: 'consumer-1' },
        { at: 13_000, fault: 'pause', node: 'consumer-2' },
        { at: 14_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
        { at: 16_000, fault: 'disk-loss', node: 'broker-a-master' },
        { at: 25_000, fault: 'resume', node: 'consumer-1' },
        { at: 25_000, fault: 'resume', node: 'consumer-2' },
      ],
    },
  },
  partition: {
    faults: {
      generate: {
        faults: 2,
        kinds: { partition: 1, isolate: 1 },
        targets: ['master', 'producer', 'consumer'],
        ...window,
        recoverAfterMs: [2_000, 40_000],
      },
    },
  },
  'consumer-crash': {
    faults: {
      generate: {
        faults: 2,
        kinds: { kill: 1 },
        targets: ['consumer'],
        ...window,
        recoverAfterMs: [500, 10_000],
      },
    },
  },
  pause: {
    faults: {
      generate: {
        faults: 2,
        kinds: { pause: 1 },
        targets: ['master', 'consumer'],
        ...window,
        recoverAfterMs: [1_000, 30_000],
      },
    },
  },
  'clock-skew': {
    faults: {
      generate: {
        faults: 3,
        kinds: { 'clock-jump': 1 },
        targets: ['master', 'producer', 'consumer'],
        ...window,
      },
    },
  },
};

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
    faulted.workload = { ...base.workload, messages: 600, intervalMs: 10 * c.producers, startAtMs: 12_000 };
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
  if (claim === 'deterministic') {
    // Same trace twice is the claim: a group that lags after what its seed drew need not be drained.
    faulted.run = { ...base.run, drainMaxMs: base.run!.drainMs };
  }
  if (fault === 'index-roll-power-loss') {
    const conf = { mappedFileSizeCommitLog: 16_384, maxIndexNum: 200 };
    faulted.topology = { ...base.topology, brokers: [{ brokerName: 'broker-a', ...broker(c), conf }] };
  }
  const space = spaceOf(claim, c, fault);
  return {
    id,
    claim,
    // A broadcasting consumer that cannot start again leaves a backlog that never drains.
    properties: [
      ...(fault === 'broadcasting-power-loss' ? (['lost', 'liveness'] as const) : CLAIM_PROPERTIES[claim]),
      ...answerProperties(claim, c, promised),
    ],
    config: c,
    fault,
    promised,
    heavy: claim === 'retry-then-dlq',
    space,
    scenario: { ...faulted, name: id, space: [...space] },
  };
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
  if (fault === 'index-roll-power-loss' || fault === 'broadcasting-power-loss') return [];
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
        // The master-disk-loss cells pause the consumers meanwhile: handlers change nothing there.
        ...(fault === 'master-disk-loss' ? [] : (['handlers'] as const)),
      ];
    }
    case 'not-disordered':
      return [...TIMING, ...crash, ...(c.consumeMode === 'orderly' ? (['handlers'] as const) : [])];
    case 'cq-rebuild':
      // Handlers that fail fill the delay levels (SCHEDULE_TOPIC) before the crash.
      return [...TIMING, ...POLLING, ...crash, 'handlers'];
    case 'retry-then-dlq':
      // Hours of virtual time: flush services ticking every 200 ms would cost more than they find.
      return ['files', ...crash, 'retention'];
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
  ...(['ASYNC_FLUSH', 'SYNC_FLUSH'] as const).flatMap((flushDiskType) =>
    (['process-kill', 'power-loss', 'index-roll-power-loss'] as const).map((f) =>
      cell('cq-rebuild', { flushDiskType }, f, true),
    ),
  ),
  // Delay levels' saved progress past what the CommitLog kept after a power loss.
  cell('cq-rebuild', {}, 'lazy-flush-power-loss', true),
  // RocketMQ's CRC covers a record's body: a flipped bit elsewhere passes recovery (not promised).
  cell('cq-rebuild', { flushDiskType: 'SYNC_FLUSH' }, 'bit-rot', false),
  ...AVAILABILITY_FAULTS.map((f) =>
    cell('available', { brokers: 2, sendMode: 'sync+async', producers: 2 }, f, true),
  ),
  cell('retry-then-dlq', {}, 'none', true),
  cell('retry-then-dlq', {}, 'process-kill', false),
  cell('backtrack', {}, 'none', true),
  cell('backtrack', {}, 'clock-skew', false),
  cell('backtrack', {}, 'consumer-crash', false),
];
