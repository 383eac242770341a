// Benchmark cases run one per process by isolated.ts: `node --import tsx bench/cases.ts <name>`
// prints the case's figure (a rate in units per second, or a JSON object) on its last line.
import { bareHeap, schedulerLoop, schedulerDelays } from './scheduler.ts';
import { computeOnly } from './machine.ts';
import { rate } from './measure.ts';
import {
  allocationPerMessage,
  backgroundSeed,
  bytesPerMessageInFlight,
  bytesPerStoredMessage,
  chaosSeed,
  chaosSeedsPerMinute,
  simThroughput,
} from './sim.ts';

const cases: Record<string, () => unknown> = {
  'bare-heap': () => {
    const d = schedulerDelays();
    return rate(() => bareHeap(d));
  },
  scheduler: () => {
    const d = schedulerDelays();
    return rate(() => schedulerLoop(d));
  },
  'sim-throughput': simThroughput,
  'chaos-seed': chaosSeed,
  'background-seed': backgroundSeed,
  'chaos-seeds-per-minute': chaosSeedsPerMinute,
  'compute-only': computeOnly,
  'memory-stored': bytesPerStoredMessage,
  'memory-in-flight': bytesPerMessageInFlight,
  allocation: allocationPerMessage,
};

const name = process.argv[2] ?? '';
const run = cases[name];
if (run === undefined) throw new Error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
console.log(JSON.stringify(await run()));
