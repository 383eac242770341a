// Fails, by design (npm run test:naive): a consumer crash redelivers payments, and the naive
// handler credits them again. The failure prints the seed, what broke and the line that replays it.
import { test } from 'vitest';
import { checkHandler } from 'rmqsim/vitest';
import { naiveCredit } from '../src/handlers.ts';

test('each payment is credited once through consumer crashes', () => {
  checkHandler('consumer-crash-redelivery', naiveCredit, { seeds: 3 });
});
