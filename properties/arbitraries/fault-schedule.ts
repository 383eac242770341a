// Fault schedules over a set of nodes, in time order: every fault kind of the nemesis, with
// times inside [0, horizonMs). Shrinks toward fewer and earlier faults.
import fc from 'fast-check';
import type { FaultInput } from '../../sim/nemesis.ts';

export interface FaultScheduleOptions {
  nodes: readonly string[];
  horizonMs: number;
  maxFaults: number;
}

export function faultScheduleArb({
  nodes,
  horizonMs,
  maxFaults,
}: FaultScheduleOptions): fc.Arbitrary<FaultInput[]> {
  const at = fc.integer({ min: 0, max: horizonMs - 1 });
  const node = fc.constantFrom(...nodes);
  const group = fc.subarray([...nodes], { minLength: 1 });
  const onNode = (fault: 'kill' | 'power-off' | 'restart' | 'pause' | 'resume' | 'disk-loss' | 'isolate') =>
    fc.record({ at, fault: fc.constant(fault), node });
  const fault: fc.Arbitrary<FaultInput> = fc.oneof(
    onNode('kill'),
    onNode('power-off'),
    onNode('restart'),
    onNode('pause'),
    onNode('resume'),
    onNode('disk-loss'),
    onNode('isolate'),
    fc.record({ at, fault: fc.constant('partition' as const), from: group, to: group, oneWay: fc.boolean() }),
    fc.record({ at, fault: fc.constant('heal' as const) }),
    fc.record({ at, fault: fc.constant('reset' as const), a: node, b: node }),
    fc.record({
      at,
      fault: fc.constant('clock-jump' as const),
      node,
      deltaMs: fc.integer({ min: -60_000, max: 60_000 }),
    }),
    fc.record({ at, fault: fc.constant('corrupt' as const), node }),
  );
  return fc.array(fault, { maxLength: maxFaults }).map((faults) => [...faults].sort((x, y) => x.at - y.at));
}
