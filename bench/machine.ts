// What the machine itself gives processes that run side by side, for a compute-only load: integer
// arithmetic with nothing allocated. Its case prints operations per second (best of three after a
// warm-up); sweep-scaling runs it alone and once per core at once, beside the simulator doing the
// same, so the two ratios show what the cores give and what the simulator's own load gets of it.
// (An allocation-heavy loop was tried as a second ceiling: on this VM it read 0.8 to 2.8 from one
// run to the next, too noisy to mean anything, so it is not measured.)
import { rate } from './measure.ts';

const SPIN_ITERATIONS = 400_000_000;

function spin(): number {
  let x = 0;
  for (let i = 0; i < SPIN_ITERATIONS; i++) x = (x + Math.imul(i, 7)) | 0;
  if (x === 1) console.error('unreachable: keeps the loop from being removed');
  return SPIN_ITERATIONS;
}

/** Integer operations per second with nothing allocated. */
export const computeOnly = (): number => rate(spin, 3);
