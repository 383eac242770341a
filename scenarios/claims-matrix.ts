// The guarantees matrix, as data: each claim of the seed article ("messages are not lost, not
// duplicated, not disordered; the ConsumeQueue can be rebuilt from the CommitLog; 16 retries then
// the DLQ; backtracking by time") crossed with the configurations and faults that matter. A cell
// is one scenario built from a base workload, a configuration and a fault template; `promised`
// says whether RocketMQ's documentation promises the claim there (a refuted promised cell is a
// finding; a refuted unpromised cell is the lesson).
import type { Property, ScenarioInput } from './scenario-schema.ts';

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
  | 'clock-skew';

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
      schedule: [
        { at: 36_000, fault: 'power-off', node: 'broker-a-master' },
        { at: 39_000, fault: 'restart', node: 'broker-a-master' },
      ],
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
  if (fault === 'index-roll-power-loss') {
    const conf = { mappedFileSizeCommitLog: 16_384, maxIndexNum: 200 };
    faulted.topology = { ...base.topology, brokers: [{ brokerName: 'broker-a', ...broker(c), conf }] };
  }
  return {
    id,
    claim,
    properties: [...CLAIM_PROPERTIES[claim], ...answerProperties(claim, c, promised)],
    config: c,
    fault,
    promised,
    heavy: claim === 'retry-then-dlq',
    scenario: { ...faulted, name: id },
  };
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
  ...AVAILABILITY_FAULTS.map((f) =>
    cell('available', { brokers: 2, sendMode: 'sync+async', producers: 2 }, f, true),
  ),
  cell('retry-then-dlq', {}, 'none', true),
  cell('retry-then-dlq', {}, 'process-kill', false),
  cell('backtrack', {}, 'none', true),
  cell('backtrack', {}, 'clock-skew', false),
  cell('backtrack', {}, 'consumer-crash', false),
];
