// ASYNC_MASTER with one slave: the slave is cut off from the master, then the master's disk is lost
// and the master stays down; consumers read the slave, which lacks everything acknowledged after the
// cut. The loss (about 700 messages) shows at seeds 1-5.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'async-master-disk-loss',
  title: 'ASYNC_MASTER: losing the master disk loses unreplicated messages',
  lesson: {
    teaches: 'ASYNC_MASTER acknowledges before replication, so losing the master loses the replication lag.',
    expect:
      'The slave is cut off from the master at 20 s and the master loses its disk at 25 s, never to return. The master goes on answering SEND_OK while its slave receives nothing, so the ~700 messages acknowledged between 20 s and 25 s exist only on the master and are lost (lost is violated). The consumer (one thread, 100 ms a message, one queue) is slow: flow control had stopped its pulls at 1,000 cached messages, so it had not pulled them either. It works through its cache, waits until the NameServer has dropped the silent master (135 s), and from about 160 s reads from the slave the ~1,100 older messages it had not pulled.',
    why: 'An ASYNC_MASTER answers SEND_OK as soon as the message is in its own CommitLog; HAService streams it to the slave afterwards and nothing waits for the slave, so producers do not notice a slave falling behind (a partition here; a slow link or a restarting slave in practice). 4.x has no automatic failover: with the master disk gone, consumers can only read what the slave has, plus what they had already pulled (at most pullThresholdForQueue, 1,000 messages per queue). A powered-off master sends no FIN, so clients keep its address until the NameServer expires it (120 s without a registration) and their next route poll.',
  },
  seed: 1,
  topology: {
    brokers: [{ brokerName: 'broker-a', brokerRole: 'ASYNC_MASTER', slaves: 1 }],
    consumerGroups: [{ consumeThreads: 1, serviceTimeMs: 100 }],
  },
  // One queue, so the slow consumer's backlog reaches the 1,000-message pull threshold at about 11 s.
  workload: { queues: 1, messages: 3_500, intervalMs: 5 },
  faults: {
    schedule: [
      { at: 20_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
      { at: 25_000, fault: 'disk-loss', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 60_000, drainMs: 240_000, keepDown: ['broker-a-master'] },
  guarantees: ['unexpected', 'cq-consistent'],
  demonstrates: ['lost'],
} satisfies ScenarioInput;
