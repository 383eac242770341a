// The standard chaos scenario of the benchmarks: 2 NameServers, 2 broker groups (a master and a
// slave each), 2 producers, 2 consumer groups of 2 consumers, 2,000 messages, 5 swarm faults over
// the sending window, 10 minutes of virtual time (5 of faults and workload, then 5 of drain).
import type { ScenarioInput } from '../scenarios/scenario-schema.ts';

export const chaosScenario = {
  name: 'bench-chaos',
  title: 'Benchmark: the standard chaos scenario',
  lesson: {
    teaches: 'How fast one seed of a faulted, replicated cluster simulates.',
    expect: 'Every seed runs to the end of its 10 virtual minutes.',
    why: 'A benchmark, not a lesson: the checks run as in any sweep.',
  },
  topology: {
    namesrvs: 2,
    brokers: [
      { brokerName: 'broker-a', slaves: 1 },
      { brokerName: 'broker-b', slaves: 1 },
    ],
    producers: [{ group: 'producerGroup1' }, { group: 'producerGroup2' }],
    consumerGroups: [
      { group: 'consumerGroup1', consumers: 2 },
      { group: 'consumerGroup2', consumers: 2 },
    ],
  },
  workload: { messages: 2_000, intervalMs: 20 },
  faults: {
    generate: {
      faults: 5,
      kinds: { kill: 1, 'power-off': 1, pause: 1, partition: 1, isolate: 1, reset: 1, 'clock-jump': 1 },
      targets: ['namesrv', 'master', 'slave', 'producer', 'consumer'],
      fromMs: 5_000,
      toMs: 60_000,
      recoverAfterMs: [1_000, 20_000],
    },
  },
  run: { durationMs: 300_000, drainMs: 300_000 },
} satisfies ScenarioInput;
