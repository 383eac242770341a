// Connection resets between the producer and the broker: a reset that lands after the broker
// stored a message but before the producer read the answer makes the producer retry the same
// message, which the broker stores a second time (seeds 1-5 all show it).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'producer-retry-duplicates',
  title: 'Producer retries after a connection reset duplicate messages',
  lesson: {
    teaches:
      'A sync send that fails after the broker stored the message is retried, so the message is stored and consumed twice.',
    expect:
      'Connection resets between producer-1 and the master: some sends are stored, lose their answer, and are retried with the same UNIQ_KEY, so the group consumes those keys twice (7 keys at seed 1, 3 to 7 at seeds 1-5: duplicated is violated); nothing acknowledged is lost.',
    why: 'DefaultMQProducer retries a sync send up to retryTimesWhenSendFailed (2) times on any remoting error; the broker has no idempotence, so a retry of a message already appended to the CommitLog is a second record (same UNIQ_KEY, new offsetMsgId). The broker cannot tell, and the consumer sees both: deduplicate in the handler on a business key.',
  },
  seed: 1,
  workload: { messages: 300, intervalMs: 10 },
  faults: {
    generate: {
      faults: 60,
      kinds: { reset: 1 },
      targets: ['producer-1'],
      fromMs: 3_000,
      toMs: 8_000,
    },
  },
  run: { durationMs: 30_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: ['duplicated'],
} satisfies ScenarioInput;
