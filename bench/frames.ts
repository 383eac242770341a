// What carrying RemotingCommands as frames (the network's `frames` option: encode, bytes, decode)
// costs the simulation: the chaos scenario's seeds run with objects and with frames, alternated in
// the same process after a warm-up, as wall time and bytes allocated, each beside the other.
import { runScenario } from '../scenarios/runner.ts';
import type { ScenarioInput } from '../scenarios/scenario-schema.ts';
import { allocatedBytes } from './allocation.ts';
import { chaosScenario } from './chaos-scenario.ts';
import { print } from './measure.ts';

const SEEDS = 7;
const WARMUP_SEEDS = 6;

function withFrames(frames: boolean): ScenarioInput {
  return { ...chaosScenario, network: { frames } };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

export async function benchFrames(): Promise<void> {
  const objects = withFrames(false);
  const frames = withFrames(true);
  for (let seed = 1_000; seed < 1_000 + WARMUP_SEEDS; seed++) {
    runScenario(objects, { seed });
    runScenario(frames, { seed });
  }
  const times = { objects: [] as number[], frames: [] as number[] };
  for (let seed = 1; seed <= SEEDS; seed++) {
    for (const [name, scenario] of [
      ['objects', objects],
      ['frames', frames],
    ] as const) {
      const start = performance.now();
      const result = runScenario(scenario, { seed });
      times[name].push(performance.now() - start);
      if (name === 'frames' && result.traceHash !== runScenario(objects, { seed }).traceHash)
        throw new Error(`seed ${seed}: frames changed the trace hash`);
    }
  }
  const allocObjects = await allocatedBytes(() => runScenario(objects, { seed: 1 }));
  const allocFrames = await allocatedBytes(() => runScenario(frames, { seed: 1 }));
  const objectsMs = median(times.objects);
  const framesMs = median(times.frames);
  print({
    bench: 'frames-chaos-seed',
    seeds: SEEDS,
    objectsMedianMs: Math.round(objectsMs),
    framesMedianMs: Math.round(framesMs),
    timeRatio: Number((framesMs / objectsMs).toFixed(3)),
    objectsAllocatedMB: Number((allocObjects / 1e6).toFixed(1)),
    framesAllocatedMB: Number((allocFrames / 1e6).toFixed(1)),
    allocationRatio: Number((allocFrames / allocObjects).toFixed(3)),
  });
}
