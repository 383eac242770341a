// Two NameServers; broker-a's master is cut off from namesrv-2 for over two minutes. The
// NameServers never talk to each other, so they disagree about broker-a.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'namesrv-divergence',
  title: 'Independent NameServers disagree about a broker',
  lesson: {
    teaches: 'NameServers do not replicate: each one only knows the brokers that reach it.',
    expect:
      'The master cannot reach namesrv-2 from 5 s to 170 s; namesrv-2 drops it after 120 s without a registration, and clients bound to namesrv-2 lose the route. Nothing acknowledged is lost.',
    why: 'A broker registers with every NameServer every 30 s, and each NameServer independently expires a broker silent for 120 s (scanned every 10 s). A client sticks to one NameServer, so clients of namesrv-2 see no route for myTopic while clients of namesrv-1 still do; the broker and its data are fine.',
  },
  seed: 1,
  topology: {
    namesrvs: 2,
    producers: [{}, {}],
    consumerGroups: [{ consumers: 2 }],
  },
  workload: { messages: 200, intervalMs: 1_000, startAtMs: 3_000 },
  faults: {
    schedule: [
      { at: 5_000, fault: 'partition', from: ['broker-a-master'], to: ['namesrv-2'] },
      { at: 170_000, fault: 'heal' },
    ],
  },
  run: { durationMs: 180_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
