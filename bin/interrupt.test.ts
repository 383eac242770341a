// Ctrl-C on a long sweep or matrix: what was done and the command that resumes are printed, the
// workers stop, nothing is written, and the process ends at once with 130. A sweep of a billion
// seeds starts at once (seeds are produced as they are run) and resumes where it stopped.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { interruptWhen, tmp } from './cli-test-helpers.ts';

const FAST_LINES = { RMQSIM_PROGRESS_MS: '100' };

test('sweep: Ctrl-C prints the seeds held and the --from that resumes; a billion seeds cost nothing up front', async () => {
  const out = join(tmp(), 'o');
  // One worker answers the seeds in order, so the first unfinished seed is the one after the last answer.
  const args = ['sweep', 'quick-start', '--seeds', '1000000000', '--workers', '1', '--out', out];
  const run = await interruptWhen(args, /sweep: [3-9]\/1000000000 seeds/, FAST_LINES);
  expect(run.code).toBe(130);
  expect(run.endedAfterMs).toBeLessThan(5_000);
  const done =
    /interrupted: (\d+) of 1000000000 seeds answered; every seed below (\d+) held; nothing written\./.exec(
      run.err,
    );
  expect(done, run.err).not.toBeNull();
  const [answered, below] = [Number(done![1]), Number(done![2])];
  expect(answered).toBeGreaterThanOrEqual(3);
  expect(below).toBe(answered + 1);
  expect(run.err).toContain(
    `resume: npx rmqsim sweep quick-start --from ${below} --seeds ${1_000_000_001 - below}\n`,
  );
  expect(run.out).toBe('');
  expect(existsSync(out)).toBe(false);
});

test('claims: Ctrl-C prints how far every cell got and the command that resumes; nothing is written', async () => {
  const out = join(tmp(), 'o');
  const run = await interruptWhen(
    ['claims', '--seeds', '4', '--out', out],
    /claims: [1-9]\d*\/\d+ cell seeds/,
    FAST_LINES,
  );
  expect(run.code).toBe(130);
  expect(run.endedAfterMs).toBeLessThan(5_000);
  expect(run.err).toMatch(/interrupted: [1-9]\d* cell seeds judged; nothing written\.\n/);
  expect(run.err).toContain(`resume: npx rmqsim claims --from 1 --seeds 4 --out ${out}\n`);
  expect(existsSync(out)).toBe(false);
});
