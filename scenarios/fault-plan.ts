// A scenario's faults as the world's nemesis takes them: node names become addresses, a swarm
// generator draws each seed's faults (and their recoveries) from the seed's own stream, and at
// the end of the run every fault is healed so the final drain can show what was lost.
// Swarm testing (Groce et al.): with `swarm: true` each seed also switches off a random subset
// of the fault kinds, so rare combinations are not drowned by the common ones.
import { FILL_PATH, type FaultInput } from '../sim/nemesis.ts';
import type { SimNode } from '../sim/node.ts';
import { rngStream, type SeededRng } from '../sim/rng.ts';
import { FAULT_TARGETS, type Scenario, type SwarmKind, type SwarmSpec } from './scenario-schema.ts';
import { addressOf, type NodeSpec } from './topology.ts';

const NAMED_FIELDS = ['node', 'a', 'b'] as const;

/** The scenario's schedule, or this seed's draw, with addresses in place of names. */
export function planFaults(scenario: Scenario, nodes: readonly NodeSpec[], seed: number): FaultInput[] {
  const address = (name: string, index: number) => addressOf(nodes, name, ['faults', index]);
  return seedSchedule(scenario, nodes, seed).map((fault, index) => {
    const resolved: Record<string, unknown> = { ...fault };
    for (const field of NAMED_FIELDS) {
      if (typeof resolved[field] === 'string') resolved[field] = address(resolved[field], index);
    }
    if (fault.fault === 'partition') {
      resolved.from = fault.from.map((n) => address(n, index));
      resolved.to = fault.to.map((n) => address(n, index));
    }
    return resolved as FaultInput;
  });
}

/** The scenario's fixed faults and the seed's drawn ones, in node names, sorted by time. */
export function seedSchedule(scenario: Scenario, nodes: readonly NodeSpec[], seed: number): FaultInput[] {
  const fixed = scenario.faults.schedule ?? [];
  if (!('generate' in scenario.faults)) return fixed;
  return [...drawFaults(scenario.faults.generate, nodes, seed), ...fixed].sort((x, y) => x.at - y.at);
}

/** Each drawn fault with its recovery, in node names, sorted by time. */
export function drawFaults(spec: SwarmSpec, nodes: readonly NodeSpec[], seed: number) {
  const rng = rngStream(seed, 'scenario-faults');
  const kinds = enabledKinds(spec, rng);
  const targets = spec.targets.flatMap((t) =>
    (FAULT_TARGETS as readonly string[]).includes(t)
      ? nodes.filter((n) => n.role === t).map((n) => n.name)
      : [t],
  );
  const faults: FaultInput[] = [];
  if (targets.length === 0 || kinds.length === 0) return faults;
  const total = kinds.reduce((sum, [, w]) => sum + w, 0);
  const [lo, hi] = spec.recoverAfterMs;
  for (let i = 0; i < spec.faults; i++) {
    const kind = weightedPick(kinds, total, rng);
    const node = rng.pick(targets);
    const at = spec.fromMs + rng.int(Math.max(1, Math.floor(spec.toMs - spec.fromMs)));
    const recoverAt = at + lo + rng.int(Math.max(1, Math.floor(hi - lo) + 1));
    const [fault, ...recovery] = withRecovery(kind, node, at, recoverAt, nodes, rng, spec.clockJumpMs);
    const crash = kind === 'kill' || kind === 'power-off';
    if (crash && spec.corruptOnCrash !== undefined) {
      faults.push({ at, fault: 'corrupt', node, path: spec.corruptOnCrash });
    }
    faults.push(fault!, ...(spec.recover ? recovery : []));
  }
  return faults.sort((x, y) => x.at - y.at);
}

function enabledKinds(spec: SwarmSpec, rng: SeededRng): [SwarmKind, number][] {
  const all = Object.entries(spec.kinds) as [SwarmKind, number][];
  if (!spec.swarm || all.length <= 1) return all;
  const kept = all.filter(() => rng.chance(0.5));
  return kept.length > 0 ? kept : [rng.pick(all)];
}

function weightedPick(kinds: [SwarmKind, number][], total: number, rng: SeededRng): SwarmKind {
  let x = rng.next() * total;
  for (const [kind, weight] of kinds) {
    if ((x -= weight) < 0) return kind;
  }
  return kinds[kinds.length - 1]![0];
}

function withRecovery(
  kind: SwarmKind,
  node: string,
  at: number,
  recoverAt: number,
  nodes: readonly NodeSpec[],
  rng: SeededRng,
  clockJumpMs: number,
): FaultInput[] {
  switch (kind) {
    case 'pause':
      return [
        { at, fault: 'pause', node },
        { at: recoverAt, fault: 'resume', node },
      ];
    case 'isolate':
      return [
        { at, fault: 'isolate', node },
        { at: recoverAt, fault: 'heal' },
      ];
    case 'partition': {
      const others = nodes.filter((n) => n.name !== node).map((n) => n.name);
      return [
        { at, fault: 'partition', from: [node], to: others },
        { at: recoverAt, fault: 'heal' },
      ];
    }
    case 'reset': {
      // A connection reset between the node and a peer it talks to: a broker for a client, else a client.
      const peers = nodes.filter(
        (n) => (nodes.find((m) => m.name === node)?.role === 'master') !== (n.role === 'master'),
      );
      return [{ at, fault: 'reset', a: node, b: rng.pick(peers).name }];
    }
    case 'clock-jump':
      return [{ at, fault: 'clock-jump', node, deltaMs: rng.int(2 * clockJumpMs + 1) - clockJumpMs }];
    default:
      return [
        { at, fault: kind, node },
        { at: recoverAt, fault: 'restart', node },
      ];
  }
}

/** What the end of the run heals: network faults, filled disks, paused and stopped nodes (restarted). */
export function finalHeal(
  at: number,
  nodes: readonly SimNode[],
  networkFaulted: boolean,
  keepDown: ReadonlySet<string>,
): FaultInput[] {
  const heal: FaultInput[] = networkFaulted ? [{ at, fault: 'heal' }] : [];
  for (const node of nodes) {
    if (keepDown.has(node.address)) continue;
    if (node.disk.exists(FILL_PATH)) heal.push({ at, fault: 'free-disk', node: node.address });
    if (node.state === 'paused') heal.push({ at, fault: 'resume', node: node.address });
    else if (node.state !== 'running' || node.isStopping) {
      // A clean shutdown still under way ends within its deadline; restart it after that.
      heal.push({ at: node.isStopping ? at + 31_000 : at, fault: 'restart', node: node.address });
    }
  }
  return heal;
}
