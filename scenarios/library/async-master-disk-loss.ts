// ASYNC_MASTER with one slave: the master's disk is lost and the master stays down; consumers read
// the slave, which lacks whatever had not been replicated.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'async-master-disk-loss',
  title: 'ASYNC_MASTER: losing the master disk loses unreplicated messages',
  lesson: {
    teaches: 'ASYNC_MASTER acknowledges before replication, so losing the master loses the replication lag.',
    expect:
      "The master loses its disk at 34 s, mid-workload, and never returns: at seed 7 one message, acknowledged SEND_OK in the last instant before the fault, is neither on the slave nor in the consumer's cache, and is lost; the window is that narrow because the master pushes to the slave at least every 100 ms and the consumer had already pulled almost everything.",
    why: 'An ASYNC_MASTER answers SEND_OK as soon as the message is in its own CommitLog; HAService pushes it to the slave afterwards. Messages acknowledged but not yet pushed exist only on the master, and with the disk gone (no automatic failover in 4.x) consumers can only read what the slave has.',
  },
  seed: 7,
  topology: { brokers: [{ brokerName: 'broker-a', brokerRole: 'ASYNC_MASTER', slaves: 1 }] },
  // Sends start once the slave has connected (HA starts about 11 s in) and run past the fault.
  workload: { messages: 1_000, intervalMs: 10, startAtMs: 25_000 },
  faults: { schedule: [{ at: 34_000, fault: 'disk-loss', node: 'broker-a-master' }] },
  run: { durationMs: 60_000, drainMs: 120_000, keepDown: ['broker-a-master'] },
  guarantees: ['unexpected', 'cq-consistent'],
  demonstrates: ['lost'],
} satisfies ScenarioInput;
