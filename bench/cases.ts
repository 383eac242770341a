// Benchmark cases run one per process by isolated.ts: `node --import tsx bench/cases.ts <name>`
// prints the case's rate (units per second) on its last line.
import { bareHeap, schedulerLoop, schedulerDelays } from './scheduler.ts';
import { rate } from './measure.ts';

const cases: Record<string, () => number> = {
  'bare-heap': () => {
    const d = schedulerDelays();
    return rate(() => bareHeap(d));
  },
  scheduler: () => {
    const d = schedulerDelays();
    return rate(() => schedulerLoop(d));
  },
};

const name = process.argv[2] ?? '';
const run = cases[name];
if (run === undefined) throw new Error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
console.log(run());
