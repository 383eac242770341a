// A process that does nothing by itself: it records what reaches it and hands its Env to the
// test that started it, so a test can drive sends, timers and disk writes as a process would.
import type { Env, ProcessMain } from '../core/env.ts';
import { World, type WorldConfigInput } from './world.ts';

export interface Delivery {
  readonly from: string;
  readonly body: unknown;
  /** World time of delivery. */
  readonly t: number;
}

export interface Probe {
  env: Env;
  readonly deliveries: Delivery[];
  readonly disconnects: string[];
}

/** Serves every request with `{type: 'ack', of: body}` and logs one-way messages. */
export function probeProcess(probes: Map<string, Probe>, worldTime: () => number): ProcessMain {
  return (env) => {
    const probe: Probe = { env, deliveries: [], disconnects: [] };
    probes.set(env.address, probe);
    env.net.serve((from, body, reply) => {
      probe.deliveries.push({ from, body, t: worldTime() });
      reply?.answer({ type: 'ack', of: body });
    });
    env.net.onDisconnect((peer) => probe.disconnects.push(peer));
    return {};
  };
}

/** A world with one probe node at `address`, for tests that drive one process's Env directly. */
export function probeMachine(config: WorldConfigInput, address = 'n') {
  const world = new World(config);
  const probes = new Map<string, Probe>();
  const node = world.addNode(
    address,
    probeProcess(probes, () => world.now),
  );
  const probe = () => probes.get(address)!;
  return { world, node, probe, env: () => probe().env, disk: () => probe().env.disk };
}
