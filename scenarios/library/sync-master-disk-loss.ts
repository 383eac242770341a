// SYNC_MASTER with one slave: the master's disk is lost and the master stays down; every
// acknowledged message had reached the slave, where consumers read it.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'sync-master-disk-loss',
  title: 'SYNC_MASTER: losing the master disk loses nothing acknowledged',
  lesson: {
    teaches: 'SYNC_MASTER acknowledges only once the slave has the message, so the master disk can be lost.',
    expect:
      'The same disk loss as async-master-disk-loss (34 s, master never returns): every SEND_OK message is consumed (lost holds); sends after the fault fail or end unknown. The consumer had pulled nearly everything from the master before the fault and finishes it from its cache.',
    why: 'A SYNC_MASTER waits until HAService has pushed the message to the slave (push2SlaveMaxOffset >= the message end, within slaveTimeout 3 s) before SEND_OK, so every acknowledged message exists on two machines. Note that only SEND_OK is replicated: SLAVE_NOT_AVAILABLE (no slave connected) and FLUSH_SLAVE_TIMEOUT are acknowledgements of a message stored on the master alone.',
  },
  seed: 4,
  topology: { brokers: [{ brokerName: 'broker-a', brokerRole: 'SYNC_MASTER', slaves: 1 }] },
  // Sends start once the slave has connected (before that a SYNC_MASTER answers SLAVE_NOT_AVAILABLE).
  workload: { messages: 1_000, intervalMs: 10, startAtMs: 25_000 },
  faults: { schedule: [{ at: 34_000, fault: 'disk-loss', node: 'broker-a-master' }] },
  run: { durationMs: 60_000, drainMs: 120_000, keepDown: ['broker-a-master'] },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
