// Two consumer handlers of a payments topic: each message is a payment (its KEYS names it) that
// the handler credits to an account. The credit is the handler's side effect, so it goes through
// app.effect, which rmqsim's effects-once property counts.
import type { AppHandler } from 'rmqsim';

/** Credits on every delivery: a redelivered payment (RocketMQ is at-least-once) is credited twice. */
export const naiveCredit: AppHandler = (msg, app) => {
  app.effect(msg); // balance += payment
  return 'CONSUME_SUCCESS';
};

/** Remembers the payments it credited, in the application's database, which outlives a crash. */
export const idempotentCredit: AppHandler = (msg, app) => {
  const payment = msg.getKeys()!;
  if (app.db.has(payment)) return 'CONSUME_SUCCESS'; // credited already: a redelivery
  app.db.add(payment);
  app.effect(msg); // balance += payment
  return 'CONSUME_SUCCESS';
};
