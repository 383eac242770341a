// The randomized fault and timing space (FoundationDB's BUGGIFY, TigerBeetle's options_swarm): a
// scenario that opts in (`space`: the parts it draws from) has each seed draw, before its world
// is built, the broker.conf knobs, disks, clients and faults of those parts, from a stream of its
// own ("space"), so scenarios that do not opt in draw nothing and keep their traces. Every value is
// one RocketMQ 4.9 accepts; the first option of each choice is the scenario's own (the default).
// A part only widens what the scenario promises about: a cell picks the parts whose faults its
// promise covers (a process-kill cell may also shut down cleanly, never lose power).
// Each choice goes through a Chooser, and drawing is a pure function of the scenario and the
// choices, done before the world exists: an exhaustive explorer enumerates a small space by
// walking the choices (enumerateSpace) instead of drawing them.
import { rngStream } from '../sim/rng.ts';
import type { Scenario, SpacePart } from './scenario-schema.ts';

/** Picks one of a choice's options. */
export interface Chooser {
  choose<T>(name: string, options: readonly T[]): T;
}

/**
 * Each seed's draw, from a stream of its own per scenario: the matrix's cells at one seed draw
 * apart, not the same point of the space each.
 */
export function seededChooser(seed: number, scenario: string): Chooser {
  const rng = rngStream(seed, `space:${scenario}`);
  return { choose: (_name, options) => rng.pick(options) };
}

type ConfValue = string | number | boolean;

/** broker.conf knobs per part: the options of each (the first is the scenario's default). */
const BROKER_KNOBS: Partial<Record<SpacePart, Record<string, readonly ConfValue[]>>> = {
  // Small files roll within a run (a CommitLog record is about 200 B, a ConsumeQueue entry 20 B).
  files: {
    mappedFileSizeCommitLog: [1_048_576, 65_536, 16_384],
    mappedFileSizeConsumeQueue: [60_000, 6_000, 600],
  },
  flush: {
    flushIntervalCommitLog: [500, 200, 1_000],
    flushCommitLogLeastPages: [4, 0, 16],
    flushCommitLogThoroughInterval: [10_000, 1_000, 30_000],
    flushIntervalConsumeQueue: [1_000, 200],
    flushConsumeQueueLeastPages: [2, 0],
    flushConsumeQueueThoroughInterval: [60_000, 1_000],
    syncFlushTimeout: [5_000, 1_000, 40],
  },
  // A housekeeping interval no longer than the heartbeat drops every connection before its first
  // report (4.9 does the same): replication stops, so the space keeps it above 5 s.
  ha: {
    haSendHeartbeatInterval: [5_000, 1_000],
    haHousekeepingInterval: [20_000, 10_000],
    haSlaveFallbehindMax: [256 * 1024 * 1024, 8_192],
    slaveTimeout: [3_000, 1_000],
  },
  // With accessMessageInMemoryMaxRatio 0 every message counts as on disk, so a master with
  // slaveReadEnable sends any consumer that is behind to its slave.
  polling: {
    longPollingEnable: [true, false],
    slaveReadEnable: [false, true],
    accessMessageInMemoryMaxRatio: [40, 0],
  },
  // Hours: 3 h expire the first files of a run of hours, not the retry levels still pending.
  retention: { fileReservedTime: [72, 3] },
};

/** The brokers' disks: a flush's latency (and its tail), bandwidth, torn pages on power loss. */
const DISK = {
  flushLatencyMs: [0, 1, 5, 25],
  tailFactor: [1, 3],
  // 'unbounded': a flush costs only its latency (the disk's default; Infinity does not survive JSON).
  flushBytesPerMs: ['unbounded', 100_000, 10_000],
  tornWriteProbability: [0, 1],
} as const;

/**
 * A full disk. 4.9 refuses puts once its disk check (every 10 s) finds more than 90% of the disk
 * used (SERVICE_NOT_AVAILABLE; a send-back answers SYSTEM_ERROR, a due delayed message waits), and
 * a put whose CommitLog file cannot be created fails (CREATE_MAPEDFILE_FAILED). Another process
 * fills the first master's 64 GiB disk for 12 or 20 s, leaving 3 GiB free (95% used: the check
 * marks it full)
 * or nothing (until the check, a put that needs a new CommitLog file fails and a ConsumeQueue entry
 * whose file cannot be created waits), then frees it. At most 20 s: 4.9 gives a ConsumeQueue
 * entry 30 tries 1 s apart, then skips it and refuses puts until a restart. Forcible cleaning is
 * off (cleanFileForciblyEnable=false): on, 4.9 deletes the oldest CommitLog files past 85% used,
 * consumed or not, which no claim about lost or retried messages survives.
 */
const FULL_DISK = {
  freeBytes: ['as-is', 3 * 2 ** 30, 0],
  atMs: [8_000, 20_000, 35_000],
  forMs: [12_000, 20_000],
} as const;
const FULL_DISK_CAPACITY = 2 ** 36;

/** What the scenario's seed drew, by choice name (for reports), and the scenario as drawn. */
export interface Drawn {
  scenario: Scenario;
  choices: Record<string, unknown>;
}

/** The scenario with its space drawn (`space` emptied): the same run, now fixed data. */
export function drawSpace(scenario: Scenario, chooser: Chooser): Drawn {
  const choices: Record<string, unknown> = {};
  const choose = <T>(name: string, options: readonly T[]): T => {
    const value = chooser.choose(name, options);
    choices[name] = value;
    return value;
  };
  const parts = new Set(scenario.space);
  let drawn: Scenario = { ...scenario, space: [] };
  if (parts.size === 0) return { scenario: drawn, choices };
  drawn = withBrokerKnobs(drawn, parts, choose, choices);
  if (parts.has('disk')) drawn = withDisks(drawn, choose);
  if (parts.has('brokers')) drawn = withBrokers(drawn, choose);
  if (parts.has('producers')) drawn = withProducers(drawn, choose);
  if (parts.has('handlers')) drawn = withHandlers(drawn, choose);
  drawn = withFaults(drawn, parts, choose);
  // Drawn last, so the draws before them are what they were before the parts existed.
  if (parts.has('consumers')) drawn = withConsumers(drawn, choose);
  if (parts.has('full-disk')) drawn = withFullDisk(drawn, choose);
  return { scenario: drawn, choices };
}

type Choose = <T>(name: string, options: readonly T[]) => T;

function withBrokerKnobs(
  scenario: Scenario,
  parts: Set<SpacePart>,
  choose: Choose,
  choices: Record<string, unknown>,
): Scenario {
  const conf: Record<string, ConfValue> = {};
  for (const part of parts) {
    for (const [key, options] of Object.entries(BROKER_KNOBS[part] ?? {})) conf[key] = choose(key, options);
  }
  if (Object.keys(conf).length === 0) return scenario;
  // Retention deletes only files that are full: with 1 MiB files a run of hours fills none.
  if (conf.fileReservedTime !== undefined && conf.fileReservedTime !== 72)
    conf.mappedFileSizeCommitLog = 16_384;
  // What the scenario sets itself stays (the space widens around it), and is not reported as drawn.
  const brokers = scenario.topology.brokers.map((b) => ({ ...b, conf: { ...conf, ...b.conf } }));
  for (const key of Object.keys(conf)) {
    if (scenario.topology.brokers.every((b) => key in b.conf)) delete choices[key];
  }
  return { ...scenario, topology: { ...scenario.topology, brokers } };
}

function withDisks(scenario: Scenario, choose: Choose): Scenario {
  const flushLatencyMs = choose('disk.flushLatencyMs', DISK.flushLatencyMs);
  const tail = choose('disk.tailFactor', DISK.tailFactor);
  const bandwidth = choose('disk.flushBytesPerMs', DISK.flushBytesPerMs);
  const disk = {
    flushLatencyMs,
    flushLatencyMaxMs: flushLatencyMs * tail,
    ...(bandwidth === 'unbounded' ? {} : { flushBytesPerMs: bandwidth }),
    tornWriteProbability: choose('disk.tornWriteProbability', DISK.tornWriteProbability),
  };
  const own = scenario.disk;
  return {
    ...scenario,
    disk: { ...own, master: { ...disk, ...own.master }, slave: { ...disk, ...own.slave } },
  };
}

/** A second broker group like the first: sends retried on another broker, queues across groups. */
function withBrokers(scenario: Scenario, choose: Choose): Scenario {
  const groups = choose('brokers.groups', [1, 2]);
  const [first] = scenario.topology.brokers;
  if (groups === 1 || scenario.topology.brokers.length !== 1 || first === undefined) return scenario;
  const brokers = [first, { ...first, brokerName: `${first.brokerName}-2` }];
  return { ...scenario, topology: { ...scenario.topology, brokers } };
}

/** Several producers sharing the workload, sync and async sends at once (ordered sends stay sync). */
function withProducers(scenario: Scenario, choose: Choose): Scenario {
  const count = choose('producers.count', [1, 2, 3]);
  const [first] = scenario.topology.producers;
  if (count === 1 || scenario.topology.producers.length !== 1 || first === undefined) return scenario;
  const ordered = scenario.workload.shardingKeys > 0;
  const other = ordered ? 'sync' : first.sendMode === 'sync' ? 'async' : 'sync';
  const producers = Array.from({ length: count }, (_, i) => ({
    ...first,
    sendMode: i % 2 === 0 ? first.sendMode : other,
  }));
  return { ...scenario, topology: { ...scenario.topology, producers } };
}

/** Handlers that fail a message's first delivery (retries and delayed messages pending), or hang. */
function withHandlers(scenario: Scenario, choose: Choose): Scenario {
  const kind = choose('handlers', ['as-is', 'fail-first', 'slow', 'fail-first+slow']);
  if (kind === 'as-is') return scenario;
  const slowMs = choose('handlers.slowMs', [5_000, 20_000]);
  const consumerGroups = scenario.topology.consumerGroups.map((g) => {
    if (g.handler.kind !== 'success') return g;
    const failing = kind.startsWith('fail-first');
    // An orderly queue waits behind a hung call: its drain would take minutes for little more.
    const slow = kind.endsWith('slow') && g.consumeMode === 'concurrently';
    return {
      ...g,
      handler: failing ? { kind: 'fail' as const, every: 7, times: 1 } : g.handler,
      slowCalls: slow ? { every: 10, times: 1, ms: slowMs } : g.slowCalls,
    };
  });
  return { ...scenario, topology: { ...scenario.topology, consumerGroups } };
}

/** Another process fills the first master's disk for a while, then frees it (FULL_DISK). */
function withFullDisk(scenario: Scenario, choose: Choose): Scenario {
  const freeBytes = choose('full-disk.freeBytes', FULL_DISK.freeBytes);
  if (freeBytes === 'as-is') return scenario;
  const at = choose('full-disk.atMs', FULL_DISK.atMs);
  const until = at + choose('full-disk.forMs', FULL_DISK.forMs);
  const [first, ...rest] = scenario.topology.brokers;
  if (first === undefined || until >= scenario.run.durationMs) return scenario;
  const node = `${first.brokerName}-master`;
  const own = scenario.disk;
  const disk = { ...own, [node]: { capacityBytes: FULL_DISK_CAPACITY, ...own[node] } };
  const conf = { cleanFileForciblyEnable: false, ...first.conf };
  const fill = [
    { at, fault: 'fill-disk' as const, node, freeBytes },
    { at: until, fault: 'free-disk' as const, node },
  ];
  const schedule = [...(scenario.faults.schedule ?? []), ...fill].sort((x, y) => x.at - y.at);
  return {
    ...scenario,
    disk,
    topology: { ...scenario.topology, brokers: [{ ...first, conf }, ...rest] },
    faults: { ...scenario.faults, schedule },
  };
}

/**
 * One more consumer in each clustering group: three consumers share four queues per master
 * unevenly (AllocateMessageQueueAveragely gives the first the remainder), so every consumer's
 * range must start where the previous one's ended.
 */
function withConsumers(scenario: Scenario, choose: Choose): Scenario {
  const extra = choose('consumers.extra', [0, 1]);
  if (extra === 0) return scenario;
  const consumerGroups = scenario.topology.consumerGroups.map((g) =>
    g.messageModel === 'CLUSTERING' ? { ...g, consumers: Math.min(8, g.consumers + extra) } : g,
  );
  return { ...scenario, topology: { ...scenario.topology, consumerGroups } };
}

/** Kinds a drawn fault may also take, no stronger than the scenario's own for what it promises. */
const MILDER: Partial<Record<string, readonly Record<string, number>[]>> = {
  kill: [{}, { shutdown: 1 }, { shutdown: 1, pause: 1 }],
  'power-off': [{}, { kill: 1 }, { shutdown: 1 }, { kill: 1, shutdown: 1 }],
};

function withFaults(scenario: Scenario, parts: Set<SpacePart>, choose: Choose): Scenario {
  if (!('generate' in scenario.faults)) return scenario;
  let spec = scenario.faults.generate;
  if (parts.has('processes')) {
    const own = Object.keys(spec.kinds);
    const strongest = own.includes('power-off') ? 'power-off' : own.includes('kill') ? 'kill' : undefined;
    const options = strongest === undefined ? undefined : MILDER[strongest];
    if (options !== undefined)
      spec = { ...spec, kinds: { ...choose('processes.also', options), ...spec.kinds } };
  }
  // Past 120 s, a consumer's jump makes its queues look unpulled (a rebalance drops them).
  if (parts.has('clock')) spec = { ...spec, clockJumpMs: choose('clock.jumpMs', [60_000, 300_000]) };
  if (parts.has('corruption')) spec = { ...spec, corruptOnCrash: 'store/commitlog/' };
  return { ...scenario, faults: { generate: spec } };
}

/**
 * Every point of a small space, each once: depth-first over the choices, replaying the prefix
 * chosen so far (a choice may depend on an earlier one, so the tree is found as it is walked).
 */
export function* enumerateSpace(scenario: Scenario): Generator<Drawn> {
  const path: { index: number; size: number }[] = [];
  for (;;) {
    let depth = 0;
    const chooser: Chooser = {
      choose: (_name, options) => {
        if (depth === path.length) path.push({ index: 0, size: options.length });
        return options[path[depth++]!.index]!;
      },
    };
    yield drawSpace(scenario, chooser);
    path.length = depth;
    while (path.length > 0 && path.at(-1)!.index === path.at(-1)!.size - 1) path.pop();
    if (path.length === 0) return;
    path.at(-1)!.index++;
  }
}
