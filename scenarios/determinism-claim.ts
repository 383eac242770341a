// The simulator's own claim, checked before any RocketMQ claim can mean anything: one seed and
// one fault schedule give one run. Each seed builds an echo world, draws a fault schedule from
// the seed's nemesis stream, runs it twice and compares the trace hashes.
import { echoClient, echoServer, type EchoOutcome } from '../sim/echo.ts';
import type { FaultInput } from '../sim/nemesis.ts';
import { rngStream } from '../sim/rng.ts';
import { World } from '../sim/world.ts';

export interface DeterminismVerdict {
  claim: 'deterministic';
  verdict: 'holds' | 'refuted';
  seeds: number;
  counterexample?: { seed: number; hashes: [string, string]; replay: string };
}

const NODES = ['server', 'c1', 'c2'];

function drawSchedule(seed: number): FaultInput[] {
  const rng = rngStream(seed, 'claim-schedule');
  const faults: FaultInput[] = [];
  for (let i = 0; i < 6; i++) {
    const at = rng.int(1_000);
    const node = rng.pick(NODES);
    const kind = rng.pick(['kill', 'power-off', 'restart', 'pause', 'resume', 'isolate', 'heal'] as const);
    faults.push(kind === 'heal' ? { at, fault: kind } : { at, fault: kind, node });
  }
  return faults.sort((a, b) => a.at - b.at);
}

export function runEchoWorld(seed: number): string {
  const world = new World({ seed, network: { latency: { dist: 'exponential', minMs: 0.5, meanMs: 5 } } });
  const log: EchoOutcome[] = [];
  world.addNode('server', echoServer);
  for (const client of ['c1', 'c2']) {
    world.addNode(client, echoClient({ server: 'server', count: 40, intervalMs: 10, timeoutMs: 60, log }));
  }
  world.scheduleFaults(drawSchedule(seed));
  world.runUntil(3_000);
  return world.trace.hash;
}

export function checkDeterminism(seeds: number, from = 0): DeterminismVerdict {
  for (let seed = from; seed < from + seeds; seed++) {
    const hashes: [string, string] = [runEchoWorld(seed), runEchoWorld(seed)];
    if (hashes[0] !== hashes[1]) {
      const replay = `npx tsx bin/rmqsim.ts claims --seeds 1 --from ${seed}`;
      return {
        claim: 'deterministic',
        verdict: 'refuted',
        seeds: seed - from + 1,
        counterexample: { seed, hashes, replay },
      };
    }
  }
  return { claim: 'deterministic', verdict: 'holds', seeds };
}
