// Passes: the idempotent handler credits each payment once, however often it is delivered.
import { test } from 'vitest';
import { checkHandler } from 'rmqsim/vitest';
import { idempotentCredit } from '../src/handlers.ts';

test('each payment is credited once through consumer crashes', () => {
  checkHandler('consumer-crash-redelivery', idempotentCredit, { seeds: 3 });
});
