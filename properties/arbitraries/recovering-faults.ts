// Fault schedules in a scenario's node names where every fault ends: a kill or power loss is
// followed by a restart, a pause by a resume, an isolation by a heal, after `downMs`. Times fall
// in [fromMs, toMs). Shrinks toward fewer faults, earlier and shorter.
import fc from 'fast-check';
import type { FaultInput } from '../../sim/nemesis.ts';

export type RecoveringFault = 'kill' | 'power-off' | 'shutdown' | 'pause' | 'isolate';

export interface RecoveringFaultsOptions {
  targets: readonly string[];
  kinds: readonly RecoveringFault[];
  fromMs: number;
  toMs: number;
  maxFaults: number;
  maxDownMs: number;
}

const RECOVERY = { kill: 'restart', 'power-off': 'restart', shutdown: 'restart', pause: 'resume' } as const;

function withRecovery(kind: RecoveringFault, node: string, at: number, downMs: number): FaultInput[] {
  const end = at + downMs;
  if (kind === 'isolate')
    return [
      { at, fault: 'isolate', node },
      { at: end, fault: 'heal' },
    ];
  return [
    { at, fault: kind, node },
    { at: end, fault: RECOVERY[kind], node },
  ];
}

export function recoveringFaultsArb(options: RecoveringFaultsOptions): fc.Arbitrary<FaultInput[]> {
  const fault = fc.record({
    kind: fc.constantFrom(...options.kinds),
    node: fc.constantFrom(...options.targets),
    at: fc.integer({ min: options.fromMs, max: options.toMs - 1 }),
    downMs: fc.integer({ min: 100, max: options.maxDownMs }),
  });
  return fc
    .array(fault, { maxLength: options.maxFaults })
    .map((faults) =>
      faults.flatMap((f) => withRecovery(f.kind, f.node, f.at, f.downMs)).sort((a, b) => a.at - b.at),
    );
}
