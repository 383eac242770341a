import { describe, expect, test } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { probeProcess, type Probe } from '../../sim/probe-process.ts';
import { World } from '../../sim/world.ts';
import { onResult, type NetResult, type ProcessMain } from '../env.ts';
import { PermName } from '../protocol/perm-name.ts';
import {
  isRemotingCommand,
  request,
  type ExtFields,
  type RemotingCommand,
} from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, type TopicConfigSerializeWrapper } from '../protocol/topic-config.ts';
import {
  BrokerRegistration,
  brokerRegistrationConfigSchema,
  parseNamesrvAddr,
  type BrokerRegistrationConfigInput,
  type RegisterOutcome,
} from './broker-registration.ts';
import { NamesrvController, namesrvConfigSchema, namesrvMain } from './namesrv-controller.ts';

const RW = PermName.PERM_READ | PermName.PERM_WRITE;
const TOPICS: TopicConfigSerializeWrapper = {
  topicConfigTable: {
    TopicTest: { readQueueNums: 4, writeQueueNums: 4, perm: RW, topicSysFlag: 0 },
    [AUTO_CREATE_TOPIC_KEY_TOPIC]: { readQueueNums: 8, writeQueueNums: 8, perm: RW | 1, topicSysFlag: 0 },
  },
  dataVersion: { timestamp: 1, counter: 1 },
};

interface Outcome {
  readonly namesrv: string;
  readonly outcome: RegisterOutcome;
  readonly t: number;
}

/** A broker that does nothing but register; `brokers` gets each incarnation's registration. */
function brokerMain(
  config: BrokerRegistrationConfigInput,
  brokers: Map<string, BrokerRegistration>,
  outcomes: Outcome[],
  worldTime: () => number,
  topicConfig: () => TopicConfigSerializeWrapper,
): ProcessMain {
  return (env) => {
    const registration = new BrokerRegistration(env, config, {
      topicConfig,
      onResult: (namesrv, outcome) => outcomes.push({ namesrv, outcome, t: worldTime() }),
    });
    brokers.set(env.address, registration);
    registration.start();
    return registration;
  };
}

/** Two NameServers, master broker-a registering with both, and a probe client; 1 ms links. */
function cluster(extraBrokers: BrokerRegistrationConfigInput[] = [], topicConfig = () => TOPICS) {
  const world = new World({ seed: 7, keepTrace: true, network: { latency: { dist: 'constant', ms: 1 } } });
  const brokers = new Map<string, BrokerRegistration>();
  const outcomes: Outcome[] = [];
  const probes = new Map<string, Probe>();
  world.addNode('ns1', namesrvMain());
  world.addNode('ns2', namesrvMain());
  for (const config of [{ namesrvAddr: 'ns1;ns2', brokerName: 'broker-a' }, ...extraBrokers]) {
    const address = config.brokerId ? `${config.brokerName}-s${config.brokerId}` : config.brokerName;
    world.addNode(
      address,
      brokerMain(config, brokers, outcomes, () => world.now, topicConfig),
    );
  }
  world.addNode(
    'client',
    probeProcess(probes, () => world.now),
  );
  /** Sends one request from the client and runs the world until it is answered. */
  const ask = (namesrv: string, code: number, extFields?: ExtFields, body?: unknown): RemotingCommand => {
    const results: NetResult[] = [];
    probes.get('client')!.env.net.request(
      namesrv,
      request(code, extFields, body),
      1_000,
      onResult((r) => results.push(r)),
    );
    world.runUntil(world.now + 10);
    const result = results[0];
    if (result === undefined || !result.ok || !isRemotingCommand(result.body)) throw new Error('no answer');
    return result.body;
  };
  const route = (namesrv: string, topic = 'TopicTest') =>
    ask(namesrv, RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
  const routeCodes = () => [route('ns1').code, route('ns2').code];
  const events = (event: string) => world.trace.records.filter((r) => r.event === event);
  return { world, brokers, outcomes, ask, route, routeCodes, events };
}

const { SUCCESS, TOPIC_NOT_EXIST } = ResponseCode;

describe('NameServer in a simulated world', () => {
  test('each NameServer traces its boot line', () => {
    const { events } = cluster();
    expect(events('boot')).toEqual([
      {
        t: 0,
        node: 'ns1',
        event: 'boot',
        fields: { line: 'The Name Server boot success. serializeType=JSON' },
      },
      {
        t: 0,
        node: 'ns2',
        event: 'boot',
        fields: { line: 'The Name Server boot success. serializeType=JSON' },
      },
    ]);
  });

  test('the broker registers with both NameServers at start; both give the same route', () => {
    const { world, route, outcomes } = cluster();
    world.runUntil(100);
    const answer = route('ns1');
    expect(answer.code).toBe(SUCCESS);
    expect(answer.body).toEqual({
      queueDatas: [
        { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: RW, topicSysFlag: 0 },
      ],
      brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: 'broker-a' } }],
    });
    expect(route('ns2').body).toEqual(answer.body);
    expect(outcomes).toEqual([
      { namesrv: 'ns1', outcome: { ok: true }, t: 2 },
      { namesrv: 'ns2', outcome: { ok: true }, t: 2 },
    ]);
  });

  test('the broker registers again after 10 s, then every 30 s', () => {
    const { world, outcomes } = cluster();
    world.runUntil(100_000);
    const times = outcomes.filter((o) => o.namesrv === 'ns1').map((o) => o.t);
    expect(times).toEqual([2, 10_002, 40_002, 70_002]);
  });

  test('a topic the broker adds (with a new DataVersion) reaches the routes at its next registration', () => {
    let topics = TOPICS;
    const { world, route } = cluster([], () => topics);
    world.runUntil(15_000);
    const NewTopic = { readQueueNums: 2, writeQueueNums: 2, perm: RW, topicSysFlag: 0 };
    topics = {
      topicConfigTable: { ...TOPICS.topicConfigTable, NewTopic },
      dataVersion: { timestamp: 2, counter: 2 },
    };
    expect(route('ns1', 'NewTopic').code).toBe(TOPIC_NOT_EXIST);
    world.runUntil(40_005);
    expect([route('ns1', 'NewTopic').code, route('ns2', 'NewTopic').code]).toEqual([SUCCESS, SUCCESS]);
  });

  test('an unknown topic is TOPIC_NOT_EXIST, with a remark naming it', () => {
    const { world, route } = cluster();
    world.runUntil(100);
    const answer = route('ns1', 'NoSuchTopic');
    expect(answer.code).toBe(TOPIC_NOT_EXIST);
    expect(answer.remark).toContain('NoSuchTopic');
  });

  test('a one-way partition from the broker to ns1: ns1 drops it after ~120 s, ns2 keeps it', () => {
    const { world, route, outcomes, events } = cluster();
    world.runUntil(15_000); // last registration reached ns1 at 10 001
    world.network.partition(['broker-a'], ['ns1'], true);
    world.runUntil(134_000);
    expect(route('ns1').code).toBe(SUCCESS);
    world.runUntil(136_000); // the scan at 135 000 is the first to see 120 s of silence
    expect(events('namesrv.broker-expired')).toEqual([
      { t: 135_000, node: 'ns1', event: 'namesrv.broker-expired', fields: { broker: 'broker-a' } },
    ]);
    // The two NameServers now disagree: one client sees the broker, another does not.
    expect(route('ns1').code).toBe(TOPIC_NOT_EXIST);
    expect(route('ns2').code).toBe(SUCCESS);
    expect(outcomes).toContainEqual({ namesrv: 'ns1', outcome: { ok: false, error: 'timeout' }, t: 46_000 });
    world.network.heal();
    const healedAt = world.now;
    expect(route('ns1').code).toBe(TOPIC_NOT_EXIST); // until the broker's next registration
    world.runUntil(healedAt + 30_000 + 10);
    expect(route('ns1').body).toEqual(route('ns2').body);
  });

  test('a killed broker is removed at once, through the closed connection', () => {
    const { world, routeCodes, events } = cluster();
    world.runUntil(50_000);
    world.node('broker-a').kill();
    world.runUntil(50_005);
    expect(routeCodes()).toEqual([TOPIC_NOT_EXIST, TOPIC_NOT_EXIST]);
    expect(events('namesrv.broker-channel-destroyed').map((r) => [r.t, r.node])).toEqual([
      [50_001, 'ns1'],
      [50_001, 'ns2'],
    ]);
  });

  test('a broker shut down cleanly unregisters: its requests arrive before its connection closes', () => {
    const { world, routeCodes, events } = cluster();
    world.runUntil(50_000);
    world.node('broker-a').shutdown();
    world.runUntil(50_005);
    expect(routeCodes()).toEqual([TOPIC_NOT_EXIST, TOPIC_NOT_EXIST]);
    expect(events('namesrv.broker-unregistered').map((r) => [r.t, r.node])).toEqual([
      [50_001, 'ns1'],
      [50_001, 'ns2'],
    ]);
  });

  test('a powered-off broker stays in the routes until the scan after 120 s of silence', () => {
    const { world, routeCodes } = cluster();
    world.runUntil(50_000); // last registration at 40 001
    world.node('broker-a').powerOff();
    world.runUntil(164_000);
    expect(routeCodes()).toEqual([SUCCESS, SUCCESS]);
    world.runUntil(166_000); // scan at 165 000
    expect(routeCodes()).toEqual([TOPIC_NOT_EXIST, TOPIC_NOT_EXIST]);
  });

  test('a restarted broker is back at once: it registers on start', () => {
    const { world, routeCodes } = cluster();
    world.runUntil(50_000);
    world.node('broker-a').kill();
    world.runUntil(60_000);
    world.node('broker-a').start();
    world.runUntil(60_005);
    expect(routeCodes()).toEqual([SUCCESS, SUCCESS]);
  });

  test('unregistering removes the broker from every NameServer at once', () => {
    const { world, brokers, routeCodes, events } = cluster();
    world.runUntil(50_000);
    brokers.get('broker-a')!.shutdown(); // the broker's half of a clean stop, while still connected
    world.runUntil(50_005);
    expect(routeCodes()).toEqual([TOPIC_NOT_EXIST, TOPIC_NOT_EXIST]);
    expect(events('namesrv.broker-unregistered')).toHaveLength(2);
    world.runUntil(200_000); // and it stopped registering
    expect(routeCodes()).toEqual([TOPIC_NOT_EXIST, TOPIC_NOT_EXIST]);
  });

  test('a slave learns its master and HA address from each NameServer', () => {
    const slave = { namesrvAddr: 'ns1;ns2', brokerName: 'broker-a', brokerId: 1 };
    const { world, outcomes, route } = cluster([slave]);
    world.runUntil(10_100);
    const master = { masterAddr: 'broker-a', haServerAddr: 'broker-a' };
    const fromNs = (ns: string) =>
      outcomes.filter((o) => o.namesrv === ns && o.outcome.ok && o.outcome.master);
    expect(fromNs('ns1').map((o) => o.outcome)).toContainEqual({ ok: true, master });
    expect(fromNs('ns2').map((o) => o.outcome)).toContainEqual({ ok: true, master });
    const brokerData = (route('ns1').body as { brokerDatas: unknown[] }).brokerDatas;
    expect(brokerData).toEqual([
      { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: 'broker-a', 1: 'broker-a-s1' } },
    ]);
  });

  test('cluster info, malformed requests and codes a NameServer does not serve', () => {
    const { world, ask } = cluster();
    world.runUntil(100);
    expect(ask('ns2', RequestCode.GET_BROKER_CLUSTER_INFO)).toEqual({
      code: SUCCESS,
      body: {
        brokerAddrTable: {
          'broker-a': { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: 'broker-a' } },
        },
        clusterAddrTable: { DefaultCluster: ['broker-a'] },
      },
    });
    const bad = ask('ns1', RequestCode.REGISTER_BROKER, { brokerName: 'x' });
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toContain('brokerAddr');
    expect(ask('ns1', RequestCode.SEND_MESSAGE).code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  test('the same run twice gives the same trace', () => {
    const run = () => {
      const { world } = cluster([{ namesrvAddr: 'ns2;ns1', brokerName: 'broker-a', brokerId: 1 }]);
      world.scheduleFaults([
        { at: 20_000, fault: 'partition', from: ['broker-a'], to: ['ns1'], oneWay: true },
        { at: 150_000, fault: 'heal' },
        { at: 170_000, fault: 'kill', node: 'broker-a-s1' },
      ]);
      world.runUntil(200_000);
      return [world.trace.hash, world.trace.length];
    };
    expect(run()).toEqual(run());
  });

  test('bad configurations fail before the world runs', () => {
    expect(() => namesrvMain({ scanNotActiveBrokerInterval: 0 })).toThrow(/scanNotActiveBrokerInterval/);
    const noNamesrv = brokerRegistrationConfigSchema.safeParse({ namesrvAddr: ' ; ', brokerName: 'b' });
    expect(noNamesrv.error?.message).toMatch(/at least one NameServer/);
    expect(parseNamesrvAddr('ns1:9876; ns2:9876;')).toEqual(['ns1:9876', 'ns2:9876']);
  });
});

describe('route table property', () => {
  const EXPIRED = 120_000;
  const { scanNotActiveBrokerInterval: SCAN } = namesrvConfigSchema.parse({});
  const LATENCY = 1;
  const BROKERS = ['b0', 'b1', 'b2'];
  const step = fc.record({
    broker: fc.constantFrom(...BROKERS),
    action: fc.constantFrom('register', 'disconnect', 'silence'),
    gapMs: fc.integer({ min: 10, max: 200_000 }),
  });

  ptest.prop([fc.array(step, { maxLength: 25 })])(
    'a broker is routed iff its last registration is recent (120 s, + one scan) and no disconnect followed',
    (steps) => {
      const world = new World({ seed: 1, network: { latency: { dist: 'constant', ms: LATENCY } } });
      let controller: NamesrvController | undefined;
      world.addNode('ns', (env) => (controller = new NamesrvController(env, namesrvConfigSchema.parse({}))));
      const probes = new Map<string, Probe>();
      for (const broker of BROKERS)
        world.addNode(
          broker,
          probeProcess(probes, () => world.now),
        );
      const lastRegistered = new Map<string, number>();
      const cut = new Set<string>();

      const check = () => {
        for (const broker of BROKERS) {
          const live = controller!.routeInfoManager.brokerLiveTable.has(broker);
          const routed = controller!.routeInfoManager.pickupTopicRouteData(`T-${broker}`) !== null;
          expect(routed).toBe(live);
          const last = lastRegistered.get(broker);
          const age = last === undefined ? Infinity : world.now - last;
          if (cut.has(broker) || age > EXPIRED + SCAN + LATENCY)
            expect(live, `${broker} at ${world.now}`).toBe(false);
          else if (age <= EXPIRED) expect(live, `${broker} at ${world.now}`).toBe(true);
        }
      };
      const apply = (broker: string, action: string) => {
        if (action === 'register') {
          const header = {
            clusterName: 'C',
            brokerName: `broker-${broker}`,
            brokerAddr: broker,
            brokerId: 0,
          };
          const body = {
            ...TOPICS,
            topicConfigTable: { [`T-${broker}`]: TOPICS.topicConfigTable.TopicTest! },
          };
          const command = request(RequestCode.REGISTER_BROKER, { ...header, haServerAddr: '' }, body);
          probes.get(broker)!.env.net.request(
            'ns',
            command,
            6_000,
            onResult(() => {}),
          );
          lastRegistered.set(broker, world.now);
          cut.delete(broker);
        } else if (action === 'disconnect') {
          world.network.reset(broker, 'ns');
          cut.add(broker);
        }
      };

      for (const { broker, action, gapMs } of steps) {
        world.runUntil(world.now + gapMs);
        check();
        apply(broker, action);
        world.runUntil(world.now + 5);
        check();
      }
      world.runUntil(world.now + EXPIRED + SCAN + 100);
      check();
    },
  );
});
