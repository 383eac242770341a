// SYNC_MASTER with one slave: the same faults as async-master-disk-loss (the slave cut off, then the
// master's disk lost for good). Every SEND_OK message had reached the slave, where the slow consumer
// reads what it had not pulled; lost holds at seeds 1-5.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'sync-master-disk-loss',
  title: 'SYNC_MASTER: losing the master disk loses nothing acknowledged SEND_OK',
  lesson: {
    teaches:
      'SYNC_MASTER answers SEND_OK only once the slave has the message, so the master disk can be lost.',
    expect:
      'The same faults and slow consumer as async-master-disk-loss: the slave is cut off at 20 s, the master loses its disk at 25 s and never returns. While the slave is unreachable the master cannot confirm replication, so sends time out (outcome unknown) instead of answering SEND_OK. Every one of the ~1,330 SEND_OK messages is consumed (lost holds): the consumer had pulled about 1,200 before the fault, and once the NameServer has dropped the silent master (135 s) it reads the other ~130 from the slave (from about 160 s) and commits its offsets there.',
    why: "A SYNC_MASTER's GroupTransferService holds the answer until HAService has pushed the message to the slave (push2SlaveMaxOffset past its end), so every SEND_OK message is on two machines. Only SEND_OK carries that promise, and only SEND_OK is held to account here (acknowledged: 'SEND_OK'): SLAVE_NOT_AVAILABLE (no slave in time) and FLUSH_SLAVE_TIMEOUT (no ack within slaveTimeout, 3 s) acknowledge a message stored on the master alone; in this run the producer's own 3 s timeout fires first. The slave keeps a copy of the topics and, every 10 s, of the consumer offsets (SlaveSynchronize), so a consumer whose master is gone can go on from it.",
  },
  seed: 1,
  topology: {
    brokers: [{ brokerName: 'broker-a', brokerRole: 'SYNC_MASTER', slaves: 1 }],
    consumerGroups: [{ consumeThreads: 1, serviceTimeMs: 100 }],
  },
  workload: { queues: 1, messages: 2_000, intervalMs: 5 },
  faults: {
    schedule: [
      { at: 20_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
      { at: 25_000, fault: 'disk-loss', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 150_000, keepDown: ['broker-a-master'] },
  acknowledged: 'SEND_OK',
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
