// A process that does nothing by itself: it records what reaches it and hands its Env to the
// test that started it, so a test can drive sends, timers and disk writes as a process would.
import type { Env, ProcessMain } from '../core/env.ts';

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
      reply?.({ type: 'ack', of: body });
    });
    env.net.onDisconnect((peer) => probe.disconnects.push(peer));
    return {};
  };
}
