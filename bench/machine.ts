// What the machine itself gives processes that run side by side, for two kinds of load: a
// compute-only loop (integer arithmetic, nothing allocated) and an allocation-heavy loop whose
// objects live long enough to be copied by the young-generation GC and promoted, as a simulator's
// messages, records and trace do. Each case prints its units per second (best of three after a
// warm-up); sweep-scaling runs each alone and once per core at once, and the two ratios bound
// what a sweep can reach here. Not measured: cache sizes, memory bandwidth or SMT topology
// themselves, only their effect.
import { rate } from './measure.ts';

const SPIN_ITERATIONS = 400_000_000;
const ALLOCATIONS = 1_000_000;
/** Objects kept alive at once: more than a young generation holds, so survivors get promoted. */
const LIVE = 100_000;

function spin(): number {
  let x = 0;
  for (let i = 0; i < SPIN_ITERATIONS; i++) x = (x + Math.imul(i, 7)) | 0;
  if (x === 1) console.error('unreachable: keeps the loop from being removed');
  return SPIN_ITERATIONS;
}

function churn(): number {
  let live: { n: number; pair: number[] }[] = [];
  for (let i = 0; i < ALLOCATIONS; i++) {
    live.push({ n: i, pair: [i, i + 1] });
    if (live.length === LIVE) live = [];
  }
  return ALLOCATIONS;
}

/** Integer operations per second with nothing allocated. */
export const computeOnly = (): number => rate(spin, 3);

/** Small objects per second, each kept until LIVE more have been made. */
export const allocationHeavy = (): number => rate(churn, 3);
