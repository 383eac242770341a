// Scenarios of one broker group (a master, with or without a slave), one producer and one
// consumer group of one to three consumers, with a generated workload and fault schedule: the
// input of the scenario properties. Options fix what a property's promise depends on (the flush
// type, ordered sends and an orderly consumer, the handler) and which faults may hit which nodes.
import fc from 'fast-check';
import type { ScenarioInput } from '../../scenarios/scenario-schema.ts';
import type { FaultInput } from '../../sim/nemesis.ts';
import { recoveringFaultsArb, type RecoveringFault } from './recovering-faults.ts';

export interface ClusterScenarioOptions {
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  ordered?: boolean;
  handler?: 'success' | 'idempotent';
  /** Every n-th message fails always: retried on the delay levels, then dead-lettered. */
  failing?: boolean;
  /** The operator resets the group to a time mid-run. */
  backtrack?: boolean;
  masterFaults?: readonly RecoveringFault[];
  consumerFaults?: readonly RecoveringFault[];
}

const LESSON = { teaches: 'generated', expect: 'generated', why: 'generated' };

export function clusterScenarioArb(options: ClusterScenarioOptions): fc.Arbitrary<ScenarioInput> {
  const shape = fc.record({
    slaves: fc.constantFrom(0, 1),
    brokerRole: fc.constantFrom('ASYNC_MASTER' as const, 'SYNC_MASTER' as const),
    consumers: fc.integer({ min: 1, max: 3 }),
    messages: fc.integer({ min: 10, max: 150 }),
    intervalMs: fc.integer({ min: 20, max: 200 }),
    maxServiceMs: fc.integer({ min: 1, max: 150 }),
    failEvery: fc.integer({ min: 2, max: 10 }),
    maxReconsumeTimes: fc.integer({ min: 0, max: 4 }),
    resetAtMs: fc.integer({ min: 50_000, max: 58_000 }),
    /** Where in the sending window the reset points (percent), so some messages come after it. */
    resetToPercent: fc.integer({ min: 0, max: 90 }),
  });
  return shape.chain((s) => {
    const consumers = Array.from({ length: s.consumers }, (_, i) => `consumer-${i + 1}`);
    const on = (targets: string[], kinds: readonly RecoveringFault[] = []) =>
      kinds.length === 0
        ? fc.constant([])
        : recoveringFaultsArb({ targets, kinds, maxFaults: 2, ...faultWindow(options) });
    return fc
      .tuple(on(['broker-a-master'], options.masterFaults), on(consumers, options.consumerFaults))
      .map(([master, consumer]) =>
        scenarioOf(
          options,
          s,
          [...master, ...consumer].sort((a, b) => a.at - b.at),
        ),
      );
  });
}

/**
 * When faults happen. Before an operator's reset every fault has ended and the group has
 * rebalanced since: a reset that races a rebalance is not promised (the consumer taking a queue
 * over reads the old committed offset, since a 4.9 broker leaves offsets to the clients).
 */
function faultWindow(options: ClusterScenarioOptions) {
  return options.backtrack
    ? { fromMs: 4_000, toMs: 15_000, maxDownMs: 10_000 }
    : { fromMs: 4_000, toMs: 30_000, maxDownMs: 20_000 };
}

interface Shape {
  slaves: number;
  brokerRole: 'ASYNC_MASTER' | 'SYNC_MASTER';
  consumers: number;
  messages: number;
  intervalMs: number;
  maxServiceMs: number;
  failEvery: number;
  maxReconsumeTimes: number;
  resetAtMs: number;
  resetToPercent: number;
}

/** A time inside the sending window (the workload starts at 3 s), so the reset rewinds something. */
const resetTo = (s: Shape) => 3_000 + Math.floor((s.messages * s.intervalMs * s.resetToPercent) / 100);

function scenarioOf(options: ClusterScenarioOptions, s: Shape, schedule: FaultInput[]): ScenarioInput {
  return {
    name: 'generated',
    title: 'a generated cluster scenario',
    lesson: LESSON,
    topology: {
      brokers: [
        {
          flushDiskType: options.flushDiskType,
          brokerRole: s.slaves > 0 ? s.brokerRole : 'ASYNC_MASTER',
          slaves: s.slaves,
        },
      ],
      consumerGroups: [
        {
          consumers: s.consumers,
          consumeMode: options.ordered ? 'orderly' : 'concurrently',
          consumeThreads: 4,
          serviceTimeMs: [1, s.maxServiceMs],
          handler: options.failing
            ? { kind: 'fail', every: s.failEvery, times: 'always' }
            : { kind: options.handler ?? 'success' },
          maxReconsumeTimes: s.maxReconsumeTimes,
        },
      ],
    },
    workload: {
      messages: s.messages,
      intervalMs: s.intervalMs,
      shardingKeys: options.ordered ? 4 : 0,
      resets: options.backtrack ? [{ atMs: s.resetAtMs, toMs: resetTo(s), group: 'myConsumerGroup' }] : [],
    },
    faults: { schedule },
    acknowledged: 'SEND_OK',
    // Up to 4 retries wait 10 s + 30 s + 1 min + 2 min, plus route polls and rebalances.
    run: { durationMs: 60_000, drainMs: options.failing ? 360_000 : 180_000 },
  };
}
