// A run's budgets, so that no scenario runs for hours or fills the machine's memory: events
// (run.maxEvents), virtual time (run.durationMs, then the drain, at most run.drainMaxMs) and
// memory (run.maxMemoryMb). A spent budget ends the run with a ConfigError that names the field
// and what the run had done by then (the command line's exit code 2: the scenario asks for more
// than its budget), never with a verdict on a run that did not finish.
// The memory a run holds is estimated, not measured, so that where a run stops is a function of
// its seed like everything else: what grows with a run is the trace records it keeps (a run that
// writes trace.jsonl keeps them all; a sweep only those its history is built from) and the bytes of
// its simulated disks (each held twice: the page cache and the durable copy). RECORD_BYTES is what a
// kept record costs at the run's peak, when its history, checks and files are built from it
// (measured: `rmqsim run` peaks at 200 MB plus about 1 KB a record).
import { configIssue, type ConfigError } from '../core/config-error.ts';
import { HASH_SLOT_SIZE } from '../core/store/index-file-format.ts';
import type { StopReason } from '../sim/scheduler.ts';
import type { World } from '../sim/world.ts';
import type { Scenario } from './scenario-schema.ts';
import { brokerConfValues, type NodeSpec } from './topology.ts';

const RECORD_BYTES = 1_000;
const DISK_COPIES = 2;
/** How often (in events) the memory estimate is taken: often enough that a burst cannot overshoot. */
const CHECK_EVERY_EVENTS = 10_000;
const MB = 1_000_000;
/** How the error names what is at fault: the scenario, measured against its own budget. */
const WHAT = 'scenario for its budget';

export interface Limits {
  readonly maxEvents: number;
  readonly maxMemoryMb: number;
}

/**
 * What a run is sure to hold before it sends anything: each broker's IndexFile reaches past its
 * hash slots with its first entry (maxHashSlotNum × 4 bytes; RocketMQ's 5,000,000 slots make
 * 20 MB a broker). A scenario whose brokers would hold more than the memory budget so is refused
 * before the run, naming the broker group's conf key.
 */
export function checkBeforeRun(scenario: Scenario, nodes: readonly NodeSpec[], limits: Limits): void {
  let bytes = 0;
  for (const node of nodes) {
    if (node.brokerGroup === undefined) continue;
    const slots = Number(brokerConfValues(node, nodes).maxHashSlotNum);
    bytes += slots * HASH_SLOT_SIZE * DISK_COPIES;
    if (bytes / MB <= limits.maxMemoryMb) continue;
    const g = scenario.topology.brokers.indexOf(node.brokerGroup);
    throw configIssue(
      WHAT,
      ['topology', 'brokers', g, 'conf', 'maxHashSlotNum'],
      `${slots} hash slots a broker put the brokers' IndexFiles alone over the memory budget of ${limits.maxMemoryMb} MB (run.maxMemoryMb); use fewer slots (the scenarios' default is 1000)`,
      slots,
    );
  }
}

/** The memory a run holds now, in MB (the header says what is counted). */
export function memoryEstimateMb(world: World): number {
  let bytes = world.trace.records.length * RECORD_BYTES;
  for (const address of world.addresses) bytes += world.node(address).disk.usedBytes * DISK_COPIES;
  return bytes / MB;
}

/**
 * Runs the world to `until` (as World.runUntil) while the memory estimate stays within the
 * budget; over it, the run is halted and 'memory-budget' returned.
 */
export function runWithin(world: World, until: number, limits: Limits): StopReason | 'memory-budget' {
  let overBudget = false;
  const stop = world.scheduler.runUntil(until, {
    events: CHECK_EVERY_EVENTS,
    between: () => {
      if (memoryEstimateMb(world) <= limits.maxMemoryMb) return;
      overBudget = true;
      world.scheduler.halt();
    },
  });
  // A short call (the drain's steps of a second) may fire fewer events than a slice: look once more.
  if (stop === 'until' && memoryEstimateMb(world) > limits.maxMemoryMb) return 'memory-budget';
  return overBudget ? 'memory-budget' : stop;
}

/** What a run had done when a budget stopped it, for the error's message. */
export interface Progress {
  readonly virtualTimeMs: number;
  readonly events: number;
  readonly sent: number;
  readonly messages: number;
}

/** The error a spent budget ends the run with, naming the field to change. */
export function budgetError(
  stop: 'event-budget' | 'memory-budget',
  limits: Limits,
  done: Progress,
): ConfigError {
  const when =
    `the run was stopped at ${(done.virtualTimeMs / 1000).toFixed(1)} s of virtual time, after ${done.events} events ` +
    `and ${done.sent} of ${done.messages} messages sent`;
  if (stop === 'event-budget') {
    return configIssue(
      WHAT,
      ['run', 'maxEvents'],
      `${when}: it would fire more than its event budget of ${limits.maxEvents} events; shorten the run or the workload (workload.messages), or raise run.maxEvents (at most 100000000)`,
      limits.maxEvents,
    );
  }
  return configIssue(
    WHAT,
    ['run', 'maxMemoryMb'],
    `${when}: it would hold more than its memory budget of ${limits.maxMemoryMb} MB (trace records and simulated disks); lower workload.messages or shorten the run, or raise run.maxMemoryMb (at most 8192)`,
    limits.maxMemoryMb,
  );
}
