// Whole-simulation benchmarks: end-to-end message throughput of a fault-free cluster, wall time
// per seed of the standard chaos scenario (and its time compression), seeds per minute on one
// worker and on every core (beside what the machine gives side-by-side processes: machine.ts),
// and heap bytes per message in flight and per stored message. Each case runs in its own process
// (isolated.ts); all of them in the same `npm run bench`. Bytes allocated per message (allocation.ts)
// are printed with the memory figures: they barely move with the machine's load.
import { availableParallelism } from 'node:os';
import { createPool } from '../lib/pool.ts';
import { runScenario } from '../scenarios/runner.ts';
import type { ScenarioInput } from '../scenarios/scenario-schema.ts';
import { WHOLE } from '../scenarios/seed-range.ts';
import { sweep } from '../scenarios/sweep.ts';
import { allocatedBytes } from './allocation.ts';
import { chaosScenario } from './chaos-scenario.ts';
import { runIsolated, runIsolatedCopies, runIsolatedJson } from './isolated.ts';
import { print } from './measure.ts';

const LESSON = { teaches: 'benchmark', expect: 'benchmark', why: 'benchmark' };

/** One broker (4 queues), one producer, one consumer group, no faults: `messages` sent back to back. */
export function throughputScenario(messages: number): ScenarioInput {
  return {
    name: 'bench-throughput',
    title: 'Benchmark: end-to-end throughput',
    lesson: LESSON,
    topology: { consumerGroups: [{ consumers: 1, serviceTimeMs: 0 }] },
    workload: { messages, intervalMs: 0, queues: 4 },
    run: { durationMs: 3_000 + messages * 2, drainMs: 10_000 },
  };
}

const THROUGHPUT_MESSAGES = 20_000;

/** Messages end to end per wall second: every message sent, stored, dispatched, consumed once. */
export function simThroughput(): { messagesPerSecond: number; wallMs: number; events: number } {
  const scenario = throughputScenario(THROUGHPUT_MESSAGES);
  runScenario(throughputScenario(2_000)); // warm-up (JIT)
  let best = Infinity;
  let events = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const result = runScenario(scenario, { seed: 1 });
    best = Math.min(best, performance.now() - start);
    const { consumed, sent } = result.stats;
    if (consumed !== THROUGHPUT_MESSAGES || sent !== THROUGHPUT_MESSAGES)
      throw new Error(`throughput run consumed ${consumed} of ${sent}: not end to end`);
    events = result.events;
  }
  return { messagesPerSecond: THROUGHPUT_MESSAGES / (best / 1000), wallMs: best, events };
}

const CHAOS_SEEDS = 9;

/**
 * Seeds a process runs before it is timed. A fresh process runs its first seeds up to 3 times
 * slower than its tenth (the JIT is still compiling, the heap still growing); a sweep pays that
 * once a worker, so the figures are the steady state's, and the first seed's time is printed too.
 * Without it, a short sweep on more workers, each running fewer seeds, pays more of it and seems
 * to scale less.
 */
const WARMUP_SEEDS = 8;

/** Runs the warm-up seeds; returns the wall ms of the first, the one a fresh process pays. */
function warmUp(): number {
  const start = performance.now();
  runScenario(chaosScenario, { seed: 1_000 });
  const firstMs = performance.now() - start;
  for (let seed = 1_001; seed < 1_000 + WARMUP_SEEDS; seed++) runScenario(chaosScenario, { seed });
  return firstMs;
}

/** Median wall ms per seed of the chaos scenario (seeds 1..9, after the warm-up). */
export function chaosSeed(): {
  medianMs: number;
  minMs: number;
  maxMs: number;
  virtualMs: number;
  firstSeedMs: number;
} {
  const firstSeedMs = warmUp();
  const times: number[] = [];
  let virtualMs = 0;
  for (let seed = 1; seed <= CHAOS_SEEDS; seed++) {
    const start = performance.now();
    const result = runScenario(chaosScenario, { seed });
    times.push(performance.now() - start);
    virtualMs = result.virtualTimeMs;
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[CHAOS_SEEDS >> 1]!,
    minMs: times[0]!,
    maxMs: times.at(-1)!,
    virtualMs,
    firstSeedMs,
  };
}

const SWEEP_SEEDS_PER_CORE = 8;

/**
 * Chaos seeds a minute in one plain process (after the warm-up, SWEEP_SEEDS_PER_CORE): run in one
 * process and in one per core at once, it measures what the machine itself allows.
 */
export function chaosSeedsPerMinute(): number {
  warmUp();
  const start = performance.now();
  for (let seed = 1; seed <= SWEEP_SEEDS_PER_CORE; seed++) runScenario(chaosScenario, { seed });
  return SWEEP_SEEDS_PER_CORE / ((performance.now() - start) / 60_000);
}

/** Seeds per minute of the chaos scenario on a pool of `workers` (WARMUP_SEEDS a worker first, about). */
export async function sweepRate(workers: number, seeds: number): Promise<number> {
  const pool = createPool(workers);
  const options = (seeds: number, from: number) => ({ range: { seeds, from, shard: WHOLE }, workers });
  try {
    await sweep(chaosScenario, 'bench-chaos', options(workers * WARMUP_SEEDS, 1_000), pool);
    const start = performance.now();
    const result = await sweep(chaosScenario, 'bench-chaos', options(seeds, 1), pool);
    return result.results.length / ((performance.now() - start) / 60_000);
  } finally {
    await pool.destroy();
  }
}

/** Heap in use after a full GC (the process runs with --expose-gc). */
function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('memory cases need node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes per stored message: a run's result (the brokers' stores, the trace and the history it
 * keeps) with `n` messages minus one with `base` messages, per message, no consumer.
 */
export function bytesPerStoredMessage(): number {
  const scenario = (messages: number): ScenarioInput => ({
    ...throughputScenario(messages),
    topology: { consumerGroups: [] },
  });
  const measure = (messages: number) => {
    const before = heapUsed();
    const result = runScenario(scenario(messages));
    const after = heapUsed();
    if (result.stats.stored !== messages) throw new Error(`stored ${result.stats.stored} of ${messages}`);
    return after - before;
  };
  measure(500);
  const small = measure(1_000);
  const large = measure(11_000);
  return (large - small) / 10_000;
}

/**
 * Heap bytes per message in flight: sent and stored, pulled by the consumer but not yet consumed
 * (its one consume thread spends a virtual minute on the first message). Measured from inside the
 * handler's first call, at `n` and at `base` messages in flight.
 */
export function bytesPerMessageInFlight(): number {
  const measure = (messages: number): number => {
    const before = heapUsed();
    let during: number | undefined;
    const scenario: ScenarioInput = {
      ...throughputScenario(messages),
      topology: { consumerGroups: [{ consumers: 1, consumeThreads: 1, serviceTimeMs: 60_000 }] },
      run: { durationMs: 3_000 + messages * 2 + 120_000, drainMs: 0 },
    };
    runScenario(scenario, {
      handler: () => {
        during ??= heapUsed();
        return 'CONSUME_SUCCESS';
      },
    });
    if (during === undefined) throw new Error('the handler never ran');
    return during - before;
  };
  measure(500);
  const small = measure(500);
  const large = measure(3_500);
  return (large - small) / 3_000;
}

const ALLOCATION_MESSAGES = 5_000;

/** Bytes allocated per message end to end in the throughput scenario, and per chaos seed. */
export async function allocationPerMessage(): Promise<{ perMessage: number; perChaosSeed: number }> {
  const messages = await allocatedBytes(() => {
    const { stats } = runScenario(throughputScenario(ALLOCATION_MESSAGES), { seed: 1 });
    if (stats.consumed !== ALLOCATION_MESSAGES) throw new Error(`consumed ${stats.consumed}`);
  });
  const chaos = await allocatedBytes(() => runScenario(chaosScenario, { seed: 1 }));
  return { perMessage: messages / ALLOCATION_MESSAGES, perChaosSeed: chaos };
}

/**
 * The best of two tries of each rate, alternated: a neighbour's load on this machine can halve
 * either one for a while.
 */
async function bestOfTwo(
  alone: () => Promise<number>,
  together: () => Promise<number>,
): Promise<{ alone: number; together: number }> {
  const best = { alone: 0, together: 0 };
  for (let i = 0; i < 2; i++) {
    best.alone = Math.max(best.alone, await alone());
    best.together = Math.max(best.together, await together());
  }
  return best;
}

/** A case's total rate with one process per core at once, over its rate alone. */
async function sideBySideRatio(name: string, cores: number): Promise<number> {
  const sum = (rates: number[]) => rates.reduce((a, b) => a + b);
  const { alone, together } = await bestOfTwo(
    async () => sum(await runIsolatedCopies<number>(name, 1)),
    async () => sum(await runIsolatedCopies<number>(name, cores)),
  );
  return together / alone;
}

export async function benchSim(): Promise<void> {
  const bare = runIsolated('bare-heap');
  const t = runIsolatedJson<ReturnType<typeof simThroughput>>('sim-throughput');
  print({
    bench: 'sim-throughput',
    messagesPerSecond: Math.round(t.messagesPerSecond),
    messages: THROUGHPUT_MESSAGES,
    wallMs: Math.round(t.wallMs),
    simEvents: t.events,
    simEventsPerSecond: Math.round(t.events / (t.wallMs / 1000)),
    bareHeapEventsPerSecond: Math.round(bare),
    ratioToBareHeap: Number((t.events / (t.wallMs / 1000) / bare).toFixed(4)),
    target: '>= 300000 messages per second',
    met: t.messagesPerSecond >= 300_000,
  });
  const c = runIsolatedJson<ReturnType<typeof chaosSeed>>('chaos-seed');
  const compression = c.virtualMs / c.medianMs;
  print({
    bench: 'chaos-seed',
    medianMsPerSeed: Math.round(c.medianMs),
    minMs: Math.round(c.minMs),
    maxMs: Math.round(c.maxMs),
    firstSeedOfAProcessMs: Math.round(c.firstSeedMs),
    seeds: CHAOS_SEEDS,
    afterWarmUpSeeds: WARMUP_SEEDS,
    virtualMs: c.virtualMs,
    compression: Math.round(compression),
    bareHeapEventsPerSecond: Math.round(bare),
    target: '<= 150 ms per seed, compression >= 1000x',
    met: c.medianMs <= 150 && compression >= 1_000,
  });
  const cores = availableParallelism();
  const seeds = SWEEP_SEEDS_PER_CORE * cores;
  const { alone: one, together: all } = await bestOfTwo(
    () => sweepRate(1, seeds),
    () => sweepRate(cores, seeds),
  );
  const machine = await sideBySideRatio('chaos-seeds-per-minute', cores);
  print({
    bench: 'sweep-scaling',
    cores,
    seeds,
    seedsPerMinute1: Number(one.toFixed(1)),
    seedsPerMinuteAll: Number(all.toFixed(1)),
    ratio: Number((all / one).toFixed(3)),
    // The baseline: plain processes, one per core, each running seeds with no pool at all.
    independentProcessesRatio: Number(machine.toFixed(3)),
    poolShareOfMachine: Number((all / one / machine).toFixed(3)),
    // What the cores give a load that allocates nothing, side by side the same way (machine.ts).
    computeOnlyRatio: Number((await sideBySideRatio('compute-only', cores)).toFixed(3)),
    target: cores >= 2 ? `>= ${(0.9 * cores).toFixed(1)}x on ${cores} cores` : 'n/a on 1 core',
    met: cores >= 2 ? all / one >= 0.9 * cores : null,
  });
  const stored = runIsolated('memory-stored', ['--expose-gc']);
  const inFlight = runIsolated('memory-in-flight', ['--expose-gc']);
  const allocated = runIsolatedJson<Awaited<ReturnType<typeof allocationPerMessage>>>('allocation');
  print({
    bench: 'memory',
    bytesPerStoredMessage: Math.round(stored),
    bytesPerMessageInFlight: Math.round(inFlight),
    // Garbage included (bench/allocation.ts): what the collector has to deal with.
    allocatedBytesPerMessage: Math.round(allocated.perMessage),
    allocatedMBPerChaosSeed: Number((allocated.perChaosSeed / 1e6).toFixed(1)),
    note: 'bytesPer*: heap after a full GC, the run trace and history included; allocated*: every byte allocated, garbage included; the message body is 11-15 bytes',
  });
}
