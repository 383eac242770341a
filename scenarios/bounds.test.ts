// Every time and size of a scenario has an upper bound, nothing is planned for a time the run
// never reaches, and every run has event and memory budgets: a scenario that asks too much is
// refused at once (or stopped by its budget), with a ConfigError naming the field, and through
// `rmqsim run file.json` with exit code 2 and nothing written. More than 255 producers or broker
// groups get addresses of their own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../core/config-error.ts';
import { parseHost } from '../core/message/host.ts';
import { runScenario } from './runner.ts';
import { parseScenario, type ScenarioInput } from './scenario-schema.ts';
import { layout } from './topology.ts';

const base = {
  name: 'bounds',
  title: 'bounds',
  lesson: { teaches: 't', expect: 'e', why: 'w' },
  workload: { messages: 2 },
  run: { durationMs: 20_000, drainMs: 20_000 },
} satisfies ScenarioInput;

const TEN_YEARS = 10 * 365 * 24 * 3_600_000;
const many = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));

/** The ConfigError a scenario is refused with, and how long refusing it took. */
function refusal(input: unknown): { message: string; ms: number } {
  const start = performance.now();
  try {
    runScenario(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { message: (error as Error).message, ms: performance.now() - start };
  }
  throw new Error('expected a ConfigError');
}

describe('a scenario that asks for too much is refused at once, naming the field', () => {
  test.each<[string, unknown, RegExp]>([
    [
      'run.durationMs of 10 years',
      { ...base, run: { durationMs: TEN_YEARS } },
      /at most 86400000 ms \(a day\)\s+→ at run\.durationMs/,
    ],
    [
      'run.drainMs of 10 years',
      { ...base, run: { drainMs: TEN_YEARS } },
      /at most 86400000 ms[\s\S]*at run\.drainMs/,
    ],
    [
      'run.drainMaxMs below drainMs',
      { ...base, run: { drainMs: 20_000, drainMaxMs: 10_000 } },
      /drainMaxMs \(10000\) must be at least drainMs[\s\S]*at run\.drainMaxMs/,
    ],
    [
      'run.livenessWithinMs of 1e12',
      { ...base, run: { livenessWithinMs: 1e12 } },
      /at run\.livenessWithinMs/,
    ],
    ['run.maxEvents of 1e12', { ...base, run: { maxEvents: 1e12 } }, /at run\.maxEvents/],
    ['run.maxMemoryMb of 1e9', { ...base, run: { maxMemoryMb: 1e9 } }, /at run\.maxMemoryMb/],
    [
      'clientsStartAtMs 1e300',
      { ...base, topology: { clientsStartAtMs: 1e300 } },
      /at topology\.clientsStartAtMs/,
    ],
    [
      'clients that start after the run',
      { ...base, topology: { clientsStartAtMs: 25_000 } },
      /the clients start at 25000 ms never happens: it must come before run\.durationMs \(20000 ms\)[\s\S]*at topology\.clientsStartAtMs/,
    ],
    [
      'a workload that starts after the run',
      { ...base, workload: { startAtMs: 20_000 } },
      /the workload starts at 20000 ms never happens[\s\S]*at workload\.startAtMs/,
    ],
    [
      'a fault 1e12 ms past the end',
      { ...base, faults: { schedule: [{ at: 1e12, fault: 'kill', node: 'broker-a-master' }] } },
      /this fault at 1000000000000 ms never happens[\s\S]*at faults\.schedule\[0\]\.at/,
    ],
    [
      'a fault at the final heal',
      {
        ...base,
        faults: {
          schedule: [
            { at: 1_000, fault: 'pause', node: 'consumer-1' },
            { at: 20_000, fault: 'resume', node: 'consumer-1' },
          ],
        },
      },
      /at faults\.schedule\[1\]\.at/,
    ],
    [
      'swarm faults drawn after the run',
      { ...base, faults: { generate: { toMs: 60_000 } } },
      /faults drawn up to 60000 ms: toMs must be at most run\.durationMs[\s\S]*at faults\.generate\.toMs/,
    ],
    [
      'an empty swarm window',
      { ...base, faults: { generate: { fromMs: 9_000, toMs: 9_000 } } },
      /fromMs \(9000\) must be below toMs \(9000\)[\s\S]*at faults\.generate\.fromMs/,
    ],
    [
      'a swarm recovery of 1e12',
      { ...base, faults: { generate: { toMs: 9_000, recoverAfterMs: [0, 1e12] } } },
      /at faults\.generate\.recoverAfterMs\[1\]/,
    ],
    [
      'a reset after the run',
      { ...base, workload: { resets: [{ atMs: 40_000, toMs: 0, group: 'myConsumerGroup' }] } },
      /a reset at 40000 ms never happens: the run ends at 40000 ms[\s\S]*at workload\.resets\[0\]\.atMs/,
    ],
    [
      'an interval of 1e9 ms',
      { ...base, workload: { intervalMs: 1e9 } },
      /at most 3600000 ms \(an hour\)\s+→ at workload\.intervalMs/,
    ],
    [
      'a handler of 1e9 ms',
      { ...base, topology: { consumerGroups: [{ serviceTimeMs: 1e9 }] } },
      /at topology\.consumerGroups\[0\]\.serviceTimeMs/,
    ],
    [
      'a handler time range upside down',
      { ...base, topology: { consumerGroups: [{ serviceTimeMs: [50, 5] }] } },
      /min <= max[\s\S]*at topology\.consumerGroups\[0\]\.serviceTimeMs/,
    ],
    [
      'a send timeout of 1e12 ms',
      { ...base, topology: { producers: [{ sendMsgTimeout: 1e12 }] } },
      /at topology\.producers\[0\]\.sendMsgTimeout/,
    ],
    [
      '1e9 send retries',
      { ...base, topology: { producers: [{ retryTimesWhenSendFailed: 1e9 }] } },
      /at topology\.producers\[0\]\.retryTimesWhenSendFailed/,
    ],
    [
      '1e9 reconsume times',
      { ...base, topology: { consumerGroups: [{ maxReconsumeTimes: 1e9 }] } },
      /at topology\.consumerGroups\[0\]\.maxReconsumeTimes/,
    ],
    [
      'a network latency of 1e9 ms',
      { ...base, network: { latency: { dist: 'constant', ms: 1e9 } } },
      /at network\.latency\.ms/,
    ],
    [
      'a clock 1e300 ms off',
      { ...base, topology: { clocks: { 'broker-a-master': { offsetMs: 1e300 } } } },
      /at topology\.clocks\["broker-a-master"\]\.offsetMs/,
    ],
    [
      'a clock jump of 1e15 ms',
      {
        ...base,
        faults: { schedule: [{ at: 5_000, fault: 'clock-jump', node: 'broker-a-master', deltaMs: 1e15 }] },
      },
      /at faults\.schedule\[0\]\.deltaMs/,
    ],
    ['a topic of 200 characters', { ...base, workload: { topic: 'T'.repeat(200) } }, /at workload\.topic/],
    [
      '257 broker groups',
      { ...base, topology: { brokers: many(257, (i) => ({ brokerName: `b${i}` })) } },
      /<=256 items\s+→ at topology\.brokers/,
    ],
    [
      '1001 producers',
      { ...base, topology: { producers: many(1001, () => ({})) } },
      /<=1000 items\s+→ at topology\.producers/,
    ],
    [
      '101 consumer groups',
      { ...base, topology: { consumerGroups: many(101, (i) => ({ group: `g${i}` })) } },
      /<=100 items\s+→ at topology\.consumerGroups/,
    ],
    [
      'a billion IndexFile slots',
      { ...base, topology: { brokers: [{ conf: { maxHashSlotNum: 1e9 } }] } },
      /1000000000 hash slots a broker put the brokers' IndexFiles alone over the memory budget of 1024 MB[\s\S]*at topology\.brokers\[0\]\.conf\.maxHashSlotNum/,
    ],
  ])('%s', (_, input, message) => {
    const { message: text, ms } = refusal(input);
    expect(text).toMatch(message);
    expect(ms).toBeLessThan(1_000);
  });
});

describe('budgets stop a run that would go on too long, naming the field', () => {
  test('the event budget', () => {
    const { message } = refusal({ ...base, run: { ...base.run, maxEvents: 100 } });
    expect(message).toMatch(
      /after 100 events and \d+ of 2 messages sent: it would fire more than its event budget of 100 events[\s\S]*at run\.maxEvents/,
    );
  });
});

describe('more than 255 producers, consumers and broker groups get addresses of their own', () => {
  test('every node of the largest topology has a valid address no other node has', () => {
    const scenario = parseScenario({
      ...base,
      topology: {
        brokers: many(256, (i) => ({ brokerName: `b${i}`, slaves: 2 })),
        producers: many(1_000, () => ({})),
        consumerGroups: many(100, (i) => ({ group: `g${i}`, consumers: 8 })),
      },
    });
    const nodes = layout(scenario);
    expect(nodes).toHaveLength(4 * 0 + 1 + 256 * 3 + 1_000 + 800 + 1);
    for (const node of nodes) expect(() => parseHost(node.address), node.name).not.toThrow();
    const hosts = nodes.map((n) => n.address.split(':')[0]);
    expect(new Set(hosts).size).toBe(hosts.length);
    // The first ones keep the addresses traces have always named.
    const at = (name: string) => nodes.find((n) => n.name === name)!.address;
    expect([at('b0-master'), at('producer-1'), at('consumer-1')]).toEqual([
      '10.0.1.1:10911',
      '10.0.100.1:5555',
      '10.0.200.1:7001',
    ]);
  });

  test('a run with 300 producers sends each of its messages from its own producer', () => {
    const result = runScenario({
      ...base,
      topology: { producers: many(300, () => ({})) },
      workload: { messages: 300, intervalMs: 1_000 },
    });
    expect(result.ok).toBe(true);
    expect(result.stats).toMatchObject({ sent: 300, acked: 300, consumed: 300, lost: 0 });
    const senders = new Set(result.history.filter((op) => op.f === 'send').map((op) => op.process));
    expect(senders.size).toBe(300);
  });
});

const spentMemory = { ...base, workload: { messages: 1_000_000, intervalMs: 0 }, run: { maxMemoryMb: 64 } };

describe('rmqsim run (and sweep) file.json', () => {
  test.each<[string, string, unknown, RegExp]>([
    ['run', 'run.durationMs of 10 years', { ...base, run: { durationMs: TEN_YEARS } }, /at run\.durationMs/],
    [
      'run',
      'a fault 1e12 ms past the end',
      { ...base, faults: { schedule: [{ at: 1e12, fault: 'kill', node: 'broker-a-master' }] } },
      /at faults\.schedule\[0\]\.at/,
    ],
    ['run', 'a spent memory budget', spentMemory, /memory budget of 64 MB[\s\S]*at run\.maxMemoryMb/],
    // The budget is spent in a worker process: its ConfigError crosses back as bad input.
    ['sweep', 'a spent memory budget', spentMemory, /memory budget of 64 MB[\s\S]*at run\.maxMemoryMb/],
  ])('%s, %s: exit 2, the field named, no stack trace, nothing written', (command, _, input, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'rmqsim-bounds-'));
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(input));
    const out = join(dir, 'out');
    const root = resolve(import.meta.dirname, '..');
    const args =
      command === 'run'
        ? ['run', file, '--out', out]
        : ['sweep', file, '--seeds', '1', '--workers', '1', '--out', out];
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bin/rmqsim.ts'), ...args], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      ({ status, stderr } = error as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
