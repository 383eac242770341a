// Two NameServers; broker-a's master is cut off from namesrv-2 for over two minutes. The
// NameServers never talk to each other, so they disagree about broker-a; clients keep the route
// they have, and only producer-1, restarted meanwhile, finds none when it picks namesrv-2 (it does
// at seeds 1, 3 and 5 of 1-5; at the others it picks namesrv-1 and nothing fails).
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'namesrv-divergence',
  title: 'Independent NameServers disagree about a broker',
  lesson: {
    teaches: 'NameServers do not replicate: each one only knows the brokers that reach it.',
    expect:
      "The master cannot reach namesrv-2 from 5 s to 170 s. namesrv-2 expires it at 125 s (120 s after its last registration, at its next 10 s scan); namesrv-1 keeps it. At seed 1 both producers and consumer-1 ask namesrv-2: from 151 s their route polls get TOPIC_NOT_EXIST, but a failed poll leaves a client's route as it was, so they go on sending and consuming. producer-1, restarted at 141 s, has no route yet and also picks namesrv-2: its sends fail for lack of a route (49 at seed 1) until the broker registers with namesrv-2 again at 190 s, 20 s after the heal. Nothing acknowledged is lost.",
    why: 'A broker registers with every NameServer every 30 s, and each NameServer on its own drops a broker it has not heard from for 120 s (BROKER_CHANNEL_EXPIRED_TIME, scanned every 10 s). A client picks one NameServer at random and keeps it until a request to it fails on the network; TOPIC_NOT_EXIST is an answer, not a failure, so the client never turns to namesrv-1. A client keeps its last route when an update fails, so only a client without one, a new or restarted process, is hurt.',
  },
  seed: 1,
  topology: {
    namesrvs: 2,
    producers: [{}, {}],
    consumerGroups: [{ consumers: 2 }],
  },
  // Each producer sends one message a second, from 3 s to about 203 s.
  workload: { messages: 400, intervalMs: 1_000 },
  faults: {
    schedule: [
      { at: 5_000, fault: 'partition', from: ['broker-a-master'], to: ['namesrv-2'] },
      { at: 140_000, fault: 'kill', node: 'producer-1' },
      { at: 141_000, fault: 'restart', node: 'producer-1' },
      { at: 170_000, fault: 'heal' },
    ],
  },
  run: { durationMs: 210_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
