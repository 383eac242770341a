// A property that fails on purpose, for replay.test.ts: vitest.config.ts leaves this file out
// unless RMQSIM_REPLAY_FIXTURE=1 (so never in `npm test`); the test runs it in a subprocess, takes
// the replay line it prints and runs that line to see the same failure. Its names hold regex and
// shell characters on purpose.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe } from 'vitest';

describe('replay fixture (a property that fails)', () => {
  describe("nested: [x] * 'quoted' $HOME", () => {
    ptest.prop([fc.array(fc.integer())])('sums stay below 1000 (they do not)', (xs) => {
      return xs.reduce((a, b) => a + Math.abs(b), 0) < 1000;
    });
  });
});
