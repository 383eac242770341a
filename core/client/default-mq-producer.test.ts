import { describe, expect, test } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { World, type WorldConfigInput } from '../../sim/world.ts';
import type { TraceRecord } from '../../sim/trace.ts';
import { brokerMain, type BrokerController } from '../broker/broker-controller.ts';
import { onResult, type Env, type ProcessMain } from '../env.ts';
import { javaHashCode } from '../message/java-hash.ts';
import type { MessageExt } from '../message/message.ts';
import { namesrvMain } from '../namesrv/namesrv-controller.ts';
import { DefaultMQProducer, type SendCallbackFn } from './default-mq-producer.ts';
import {
  MQBrokerException,
  MQClientException,
  RemotingException,
  RemotingTooMuchRequestException,
} from './exceptions.ts';
import { Message } from '../message/message.ts';
import { SelectMessageQueueByHash } from './message-queue-selector.ts';
import type { SendResult } from './send-result.ts';
import { runs } from '../../properties/fc-setup.ts';

const NAMESRV = '127.0.0.1:9876';
const BROKER_A = '10.0.0.1:10911';
const SLAVE_A = '10.0.0.2:10911';
const BROKER_B = '10.0.0.3:10911';
const PRODUCER = '10.0.0.50:5555';
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A broker.conf as an operator writes it (small files so runs stay light). */
function brokerConf(brokerName: string, role: string, brokerId: number, extra: string[] = []): string {
  return [
    `brokerClusterName = DefaultCluster`,
    `brokerName = ${brokerName}`,
    `brokerId = ${brokerId}`,
    `namesrvAddr = ${NAMESRV}`,
    `brokerRole = ${role}`,
    'flushDiskType = ASYNC_FLUSH',
    'mappedFileSizeCommitLog = 65536',
    'mappedFileSizeConsumeQueue = 6000',
    'maxHashSlotNum = 64',
    'maxIndexNum = 256',
    ...extra,
  ].join('\n');
}

interface ClusterOptions {
  seed?: number;
  role?: 'ASYNC_MASTER' | 'SYNC_MASTER';
  slave?: boolean;
  brokerB?: boolean;
  network?: WorldConfigInput['network'];
  /** More broker.conf lines for every broker. */
  extraConf?: string[];
}

/** A NameServer, broker-a (with a slave if asked) and optionally broker-b; ASYNC_MASTER by default. */
function cluster(options: ClusterOptions = {}) {
  const { seed = 7, role = 'ASYNC_MASTER', slave = false, brokerB = false, extraConf = [] } = options;
  const world = new World({
    seed,
    keepTrace: true,
    ...(options.network ? { network: options.network } : {}),
  });
  const brokers = new Map<string, BrokerController>();
  const broker = (conf: string): ProcessMain => {
    const main = brokerMain(conf);
    return (env) => {
      const controller = main(env) as BrokerController;
      brokers.set(env.address, controller);
      return controller;
    };
  };
  world.addNode(NAMESRV, namesrvMain());
  world.addNode(BROKER_A, broker(brokerConf('broker-a', role, 0, extraConf)));
  if (slave) world.addNode(SLAVE_A, broker(brokerConf('broker-a', 'SLAVE', 1, extraConf)));
  if (brokerB) world.addNode(BROKER_B, broker(brokerConf('broker-b', role, 0, extraConf)));

  /** Every stored message of `topic` on a broker, all queues. */
  const stored = (addr: string, topic: string): MessageExt[] => {
    const store = brokers.get(addr)!.ctx.store;
    const all: MessageExt[] = [];
    for (let q = 0; q < 16; q++)
      all.push(...store.getMessage(topic, q, { offset: 0, maxMsgNums: 64 }).messages);
    return all;
  };
  const records = (event: string): TraceRecord[] => world.trace.records.filter((r) => r.event === event);
  return { world, brokers, stored, records };
}

type Cluster = ReturnType<typeof cluster>;

/** Starts a producer node whose process builds `group`'s producer with the Java-like API. */
function startProducer(c: Cluster, configure: (p: DefaultMQProducer) => void = () => {}, group = 'G') {
  const box: { producer?: DefaultMQProducer; env?: Env } = {};
  c.world.addNode(PRODUCER, (env) => {
    const producer = new DefaultMQProducer(group, env);
    producer.setNamesrvAddr(NAMESRV);
    configure(producer);
    producer.start();
    box.producer = producer;
    box.env = env;
    return producer;
  });
  return box as { producer: DefaultMQProducer; env: Env };
}

interface Outcome {
  error: Error | undefined;
  result: SendResult | undefined;
  /** World time of the callback. */
  at: number;
  startedAt: number;
}

/** Runs the world until the send's callback (or `maxMs`). */
function runSend(c: Cluster, start: (done: SendCallbackFn) => void, maxMs = 70_000): Outcome {
  const startedAt = c.world.now;
  let outcome: Outcome | undefined;
  start((error, result) => (outcome = { error, result, at: c.world.now, startedAt }));
  while (outcome === undefined && c.world.now < startedAt + maxMs) c.world.runUntil(c.world.now + 5);
  if (outcome === undefined) throw new Error('the send never called back');
  return outcome;
}

function syncSend(c: Cluster, producer: DefaultMQProducer, msg: Message): Outcome {
  return runSend(c, (done) => producer.send(msg, done));
}

const attemptsOf = (c: Cluster, uniqKey: string) =>
  c.records('producer.attempt').filter((r) => r.fields?.uniqKey === uniqKey);

/** A started producer with topic `Orders` on every broker and routes settled. */
function warmedUp(options: ClusterOptions & { configure?: (p: DefaultMQProducer) => void } = {}) {
  const c = cluster(options);
  c.world.runUntil(2_000);
  const box = startProducer(c, options.configure);
  c.world.runUntil(c.world.now + 100);
  for (let i = 0; i < 8; i++) {
    const { error } = syncSend(c, box.producer, new Message('Orders', 'warm', utf8(`warm-${i}`)));
    expect(error).toBeUndefined();
  }
  c.world.runUntil(c.world.now + 31_000);
  return { ...c, producer: box.producer, env: box.env };
}

describe('DefaultMQProducer: the seed article', () => {
  for (const role of ['ASYNC_MASTER', 'SYNC_MASTER'] as const) {
    test(`the Java producer example, line for line, sends SEND_OK to a ${role}`, () => {
      const c = cluster({ role, slave: role === 'SYNC_MASTER' });
      // A SYNC_MASTER answers SLAVE_NOT_AVAILABLE until its slave has connected.
      const startAt = role === 'SYNC_MASTER' ? 20_000 : 2_000;
      const producerMain: ProcessMain = (env) => {
        // Create a producer belonging to "myProducerGroup"
        const producer = new DefaultMQProducer('myProducerGroup', env);
        producer.setNamesrvAddr('127.0.0.1:9876');
        producer.setSendMsgTimeout(60000);
        producer.start();
        const msg = new Message('myTopic', 'TagA', new TextEncoder().encode('我是一个同步消息 '));
        producer.send(msg, (error, sendResult) => {
          // SendResult sendResult = producer.send(msg);  (throws Exception)
          if (error !== undefined) return env.trace('stderr', { line: String(error) });
          env.trace('stdout', { line: `${sendResult}` }); // System.out.printf("%s%n", sendResult);
          producer.shutdown();
        });
        return producer;
      };
      c.world.addNode(PRODUCER, producerMain, { start: false });
      c.world.runUntil(startAt);
      c.world.node(PRODUCER).start();
      c.world.runUntil(startAt + 5_000);

      expect(c.records('stderr')).toEqual([]);
      const lines = c.records('stdout').map((r) => r.fields?.line);
      expect(lines).toHaveLength(1);
      const line = String(lines[0]);
      expect(line).toMatch(
        /^SendResult \[sendStatus=SEND_OK, msgId=[0-9A-F]{32}, offsetMsgId=[0-9A-F]{32}, messageQueue=MessageQueue \[topic=myTopic, brokerName=broker-a, queueId=[0-3]\], queueOffset=0\]$/,
      );
      const [stored] = c.stored(BROKER_A, 'myTopic');
      expect(new TextDecoder().decode(stored!.body)).toBe('我是一个同步消息 ');
      expect(stored!.getTags()).toBe('TagA');
      expect(line).toContain(`msgId=${stored!.getUniqKey()}, offsetMsgId=${stored!.msgId}`);
      // The client ID is ip@pid and the UNIQ_KEY starts with the producer's IPv4 (10.0.0.50).
      expect(stored!.getUniqKey()!.slice(0, 8)).toBe('0A000032');
      // producer.shutdown(): UNREGISTER_CLIENT to the brokers it knows, then the instance stops.
      const unregistered = c.records('client.unregister').map((r) => [r.fields?.addr, r.fields?.outcome]);
      expect(unregistered).toContainEqual([BROKER_A, 'SUCCESS']);
      expect(c.records('client.shutdown')).toHaveLength(1);
    });
  }

  test('heartbeats go to masters only (no consumer), with the producer groups', () => {
    const c = warmedUp({ slave: true });
    const beats = c.records('client.heartbeat');
    expect(beats.length).toBeGreaterThan(0);
    expect(new Set(beats.map((r) => r.fields?.addr))).toEqual(new Set([BROKER_A]));
    expect(beats.every((r) => r.fields?.outcome === 'SUCCESS')).toBe(true);
    const data = c.producer.getMQClientInstance()!.heartbeatData();
    expect(data.producerDataSet).toEqual([{ groupName: 'CLIENT_INNER_PRODUCER' }, { groupName: 'G' }]);
    expect(data.clientID).toMatch(/^10\.0\.0\.50@\d+$/);
  });
});

describe('DefaultMQProducer: queue selection and retries', () => {
  ptest.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 12 })], runs(12))(
    'sync sends go round robin over the writable queues',
    (seed, n) => {
      const c = warmedUp({ seed, brokerB: true });
      const queues = c.producer.getTopicPublishInfo('Orders')!.messageQueueList.map((q) => q.key);
      expect(queues).toHaveLength(8);
      const picked: string[] = [];
      for (let i = 0; i < n; i++) {
        const { result } = syncSend(c, c.producer, new Message('Orders', 'rr', utf8(`m${i}`)));
        picked.push(result!.messageQueue.key);
      }
      const first = queues.indexOf(picked[0]!);
      expect(picked).toEqual(picked.map((_, i) => queues[(first + i) % queues.length]));
    },
  );

  test('a retry avoids the broker of the failed attempt (broker-b killed)', () => {
    const c = warmedUp({ brokerB: true });
    c.world.node(BROKER_B).kill();
    const keys: string[] = [];
    for (let i = 0; i < 8; i++) {
      const msg = new Message('Orders', 'retry', utf8(`r${i}`));
      const { error, result } = syncSend(c, c.producer, msg);
      expect(error).toBeUndefined();
      expect(result!.sendStatus).toBe('SEND_OK');
      expect(result!.messageQueue.brokerName).toBe('broker-a');
      keys.push(msg.getUniqKey()!);
    }
    const retried = keys.filter((k) => attemptsOf(c, k).length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const key of retried) {
      expect(attemptsOf(c, key).map((r) => r.fields?.broker)).toEqual(['broker-b', 'broker-a']);
    }
    // Every message is stored once, on broker-a, under the UNIQ_KEY the producer set.
    const storedKeys = c.stored(BROKER_A, 'Orders').map((m) => m.getUniqKey());
    for (const key of keys) expect(storedKeys.filter((k) => k === key)).toHaveLength(1);
  });

  test('a lost response (connection reset after the broker stored it) is retried: stored twice, one UNIQ_KEY', () => {
    const c = warmedUp({ network: { latency: { dist: 'constant', ms: 5 } } });
    const msg = new Message('Orders', 'dup', utf8('once, please'));
    // The request reaches the broker at +5 ms and is stored; its response would arrive at +10 ms.
    const t0 = c.world.now;
    c.world.scheduler.scheduleAt(t0 + 7, () => c.world.network.reset(PRODUCER, BROKER_A));
    const { error, result } = syncSend(c, c.producer, msg);
    expect(error).toBeUndefined();
    expect(result!.sendStatus).toBe('SEND_OK');
    const attempts = attemptsOf(c, msg.getUniqKey()!);
    expect(attempts).toHaveLength(2);
    const results = c
      .records('producer.attempt-result')
      .filter((r) => r.fields?.uniqKey === msg.getUniqKey());
    expect(String(results[0]!.fields?.error)).toMatch(/^RemotingSendRequestException/);
    // A duplicate by design: two stored copies, the same UNIQ_KEY (msgId), two offsetMsgIds.
    const copies = c
      .stored(BROKER_A, 'Orders')
      .filter((m) => m.getUniqKey() === msg.getUniqKey())
      .sort((a, b) => a.commitLogOffset - b.commitLogOffset);
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((m) => m.msgId)).size).toBe(2);
    expect(result!.msgId).toBe(msg.getUniqKey());
    expect(result!.offsetMsgId).toBe(copies[1]!.msgId);
  });

  test('async: a lost response is retried too (retryTimesWhenSendAsyncFailed), with the same UNIQ_KEY', () => {
    const c = warmedUp({ network: { latency: { dist: 'constant', ms: 5 } } });
    const msg = new Message('Orders', 'dup', utf8('async'));
    const t0 = c.world.now;
    c.world.scheduler.scheduleAt(t0 + 7, () => c.world.network.reset(PRODUCER, BROKER_A));
    const { error, result } = runSend(c, (done) =>
      c.producer.send(msg, { onSuccess: (r) => done(undefined, r), onException: (e) => done(e, undefined) }),
    );
    expect(error).toBeUndefined();
    expect(result!.sendStatus).toBe('SEND_OK');
    expect(c.records('producer.async-retry').map((r) => r.fields?.uniqKey)).toEqual([msg.getUniqKey()]);
    expect(c.stored(BROKER_A, 'Orders').filter((m) => m.getUniqKey() === msg.getUniqKey())).toHaveLength(2);
  });

  test('async: a timed-out attempt is heard of at the next response scan, so its retries never reach the wire', () => {
    const c = warmedUp({ network: { latency: { dist: 'constant', ms: 5 } } });
    const msg = new Message('Orders', 'stalled', utf8('async'));
    const t0 = c.world.now;
    // The broker stalls past the 3 s timeout, then stores what it received and answers.
    c.world.node(BROKER_A).pause();
    c.world.scheduler.scheduleAt(t0 + 6_000, () => c.world.node(BROKER_A).resume());
    const { error, at } = runSend(c, (done) =>
      c.producer.send(msg, { onSuccess: (r) => done(undefined, r), onException: (e) => done(e, undefined) }),
    );
    expect(error).toBeDefined();
    // scanResponseTable expires it once t0 + 3 s + 1 s has passed, at its next one-second tick.
    expect(at - t0).toBeGreaterThanOrEqual(4_000);
    expect(at - t0).toBeLessThan(5_001);
    const results = c
      .records('producer.attempt-result')
      .filter((r) => r.fields?.uniqKey === msg.getUniqKey());
    expect(results.map((r) => String(r.fields?.error).split(':')[0])).toEqual([
      'RemotingTimeoutException',
      'RemotingTooMuchRequestException',
      'RemotingTooMuchRequestException',
    ]);
    c.world.runUntil(c.world.now + 10_000);
    expect(c.stored(BROKER_A, 'Orders').filter((m) => m.getUniqKey() === msg.getUniqKey())).toHaveLength(1);
  });

  test('sendMsgTimeout is the budget of all attempts: "call timeout", yet the broker stored both', () => {
    const c = warmedUp({ network: { latency: { dist: 'constant', ms: 5 } } });
    const msg = new Message('Orders', 'slow', utf8('late'));
    const t0 = c.world.now;
    // The broker stalls (a long GC); at +1 s the connection breaks, so attempt 1 fails early and
    // attempt 2 gets what is left of the 3 s; the broker wakes at +5 s.
    c.world.node(BROKER_A).pause();
    c.world.scheduler.scheduleAt(t0 + 1_000, () => c.world.network.reset(PRODUCER, BROKER_A));
    c.world.scheduler.scheduleAt(t0 + 5_000, () => c.world.node(BROKER_A).resume());
    const { error, at, startedAt } = syncSend(c, c.producer, msg);
    expect(error).toBeInstanceOf(RemotingTooMuchRequestException);
    expect(error!.message).toBe('sendDefaultImpl call timeout');
    expect(at - startedAt).toBeGreaterThanOrEqual(3_000);
    expect(at - startedAt).toBeLessThan(3_010);
    const timeouts = attemptsOf(c, msg.getUniqKey()!).map((r) => r.fields?.timeoutMs as number);
    expect(timeouts).toHaveLength(2);
    expect(timeouts[0]).toBe(3_000);
    expect(timeouts[1]).toBeGreaterThan(1_990);
    expect(timeouts[1]).toBeLessThanOrEqual(2_000);
    c.world.runUntil(c.world.now + 3_000);
    // The send "failed", but the broker processed both requests once it resumed.
    expect(c.stored(BROKER_A, 'Orders').filter((m) => m.getUniqKey() === msg.getUniqKey())).toHaveLength(2);
  });

  test('a timeout spends the whole budget: no retry, "call timeout", and the message may be stored', () => {
    const c = warmedUp({ network: { latency: { dist: 'constant', ms: 5 } } });
    const msg = new Message('Orders', 'partition', utf8('answer lost'));
    const t0 = c.world.now;
    // Installed after the request reached the broker: its response meets the partition.
    c.world.scheduler.scheduleAt(t0 + 7, () => c.world.network.partition([BROKER_A], [PRODUCER], true));
    const { error, at, startedAt } = syncSend(c, c.producer, msg);
    expect(error).toBeInstanceOf(RemotingTooMuchRequestException);
    expect(at - startedAt).toBe(3_000);
    expect(attemptsOf(c, msg.getUniqKey()!)).toHaveLength(1);
    expect(c.stored(BROKER_A, 'Orders').filter((m) => m.getUniqKey() === msg.getUniqKey())).toHaveLength(1);
  });

  test('oneway: one attempt, no response, no retry; a dead broker loses it silently', () => {
    const c = warmedUp();
    c.world.node(BROKER_A).kill();
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const msg = new Message('Orders', 'oneway', utf8(`o${i}`));
      const { error } = runSend(c, (done) => c.producer.sendOneway(msg, (e) => done(e, undefined)));
      expect(error).toBeUndefined();
      keys.push(msg.getUniqKey()!);
    }
    c.world.runUntil(c.world.now + 5_000);
    for (const key of keys) expect(attemptsOf(c, key)).toHaveLength(1);
    // The same dead broker makes a sync send try three times and fail.
    const msg = new Message('Orders', 'sync', utf8('s'));
    const { error } = syncSend(c, c.producer, msg);
    expect(error).toBeInstanceOf(MQClientException);
    expect(error!.message).toMatch(/^Send \[3\] times, still failed/);
    expect(attemptsOf(c, msg.getUniqKey()!)).toHaveLength(3);
  });

  test('a stored-but-not-OK status is returned, not retried, unless retryAnotherBrokerWhenNotStoreOK', () => {
    for (const retryAnother of [false, true]) {
      const c = cluster({ role: 'SYNC_MASTER', slave: false });
      c.world.runUntil(1_000);
      // With no slave connected, a SYNC_MASTER stores the message and answers SLAVE_NOT_AVAILABLE.
      const { producer } = startProducer(c, (p) => p.setRetryAnotherBrokerWhenNotStoreOK(retryAnother));
      c.world.runUntil(c.world.now + 100);
      const msg = new Message('Orders', 'x', utf8('not ok'));
      const { error, result } = syncSend(c, producer, msg);
      expect(error).toBeUndefined();
      expect(result!.sendStatus).toBe('SLAVE_NOT_AVAILABLE');
      const n = retryAnother ? 3 : 1;
      expect(attemptsOf(c, msg.getUniqKey()!)).toHaveLength(n);
      expect(c.stored(BROKER_A, 'Orders').filter((m) => m.getUniqKey() === msg.getUniqKey())).toHaveLength(n);
    }
  });

  test('a broker code that is not retried fails the send at once with MQBrokerException', () => {
    const c = warmedUp({ extraConf: ['maxMessageSize = 1024'] });
    // The broker's store refuses a body over its maxMessageSize: MESSAGE_ILLEGAL (13), not retried.
    const msg = new Message('Orders', 'big', new Uint8Array(2_000).fill(7));
    const { error } = syncSend(c, c.producer, msg);
    expect(error).toBeInstanceOf(MQBrokerException);
    expect((error as MQBrokerException).responseCode).toBe(13);
    expect(attemptsOf(c, msg.getUniqKey()!)).toHaveLength(1);
    // The client refuses a body over its own maxMessageSize before any attempt (Validators.checkMessage).
    c.producer.setMaxMessageSize(1_000);
    const { error: refused } = syncSend(c, c.producer, new Message('Orders', 'big', new Uint8Array(2_000)));
    expect(refused).toBeInstanceOf(MQClientException);
    expect(refused!.message).toMatch(/body size over max value/);
  });
});

describe('DefaultMQProducer: ordered send', () => {
  ptest.prop(
    [fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 10 })],
    runs(10),
  )('one key, one queue: abs(hashCode % n) over the writable queues', (keys) => {
    const c = warmedUp({ brokerB: true, seed: 11 });
    const queues = c.producer.getTopicPublishInfo('Orders')!.messageQueueList;
    const selector = new SelectMessageQueueByHash();
    for (const key of [...keys, ...keys]) {
      const msg = new Message('Orders', 'ordered', utf8(`k${String(key)}`));
      const { error, result } = runSend(c, (done) => c.producer.send(msg, selector, key, done));
      expect(error).toBeUndefined();
      const hash = typeof key === 'number' ? key : javaHashCode(key);
      expect(result!.messageQueue.key).toBe(queues[Math.abs(hash % queues.length)]!.key);
    }
  });

  test('an ordered send is not retried: its broker dead, it fails after one attempt', () => {
    const c = warmedUp({ brokerB: true });
    const queues = c.producer.getTopicPublishInfo('Orders')!.messageQueueList;
    const key = [...Array(100).keys()].find(
      (k) => queues[Math.abs(k % queues.length)]!.brokerName === 'broker-b',
    )!;
    c.world.node(BROKER_B).kill();
    const msg = new Message('Orders', 'ordered', utf8('o'));
    const { error } = runSend(c, (done) => c.producer.send(msg, new SelectMessageQueueByHash(), key, done));
    expect(error).toBeInstanceOf(RemotingException);
    expect(attemptsOf(c, msg.getUniqKey()!)).toHaveLength(1);
    expect(c.records('producer.send-result').at(-1)!.fields?.attempts).toBe(1);
  });
});

describe('DefaultMQProducer: latency fault strategy', () => {
  for (const enabled of [true, false]) {
    test(`a slow broker is ${enabled ? 'set aside for 60 s' : 'still used'} with sendLatencyFaultEnable=${enabled}`, () => {
      const c = warmedUp({ brokerB: true, configure: (p) => p.setSendLatencyFaultEnable(enabled) });
      // broker-b stalls for 1.2 s: the send that lands there takes about 1.2 s.
      c.world.node(BROKER_B).pause();
      const t0 = c.world.now;
      c.world.scheduler.scheduleAt(t0 + 1_200, () => c.world.node(BROKER_B).resume());
      let slow: Outcome | undefined;
      for (let i = 0; i < 8 && slow === undefined; i++) {
        const o = syncSend(c, c.producer, new Message('Orders', 'lat', utf8(`l${i}`)));
        if (o.result!.messageQueue.brokerName === 'broker-b') slow = o;
      }
      expect(slow!.at - slow!.startedAt).toBeGreaterThanOrEqual(1_000);
      const after: string[] = [];
      for (let i = 0; i < 10; i++) {
        const { result } = syncSend(c, c.producer, new Message('Orders', 'lat', utf8(`a${i}`)));
        after.push(result!.messageQueue.brokerName);
      }
      if (enabled) {
        expect(after.every((b) => b === 'broker-a')).toBe(true);
        const item = c.producer
          .getMQFaultStrategy()
          .latencyFaultTolerance.items()
          .find((i) => i.name === 'broker-b')!;
        expect(item.currentLatency).toBeGreaterThanOrEqual(1_000);
        expect(item.startTimestamp - (slow!.at + c.world.config.epochMs)).toBeGreaterThan(59_000);
      } else {
        // Round robin over a0..a3, b0..b3: ten sends include four to six on broker-b.
        expect(after.filter((b) => b === 'broker-b').length).toBeGreaterThanOrEqual(4);
      }
    });
  }
});

describe('MQClientInstance', () => {
  test('a dead NameServer in namesrvAddr: the client moves on to the next one', () => {
    const OTHER = '127.0.0.2:9876';
    const deadFirst: boolean[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const c = cluster({ seed });
      c.world.addNode(OTHER, namesrvMain());
      c.world.runUntil(2_000);
      c.world.node(OTHER).kill();
      const box = startProducer(c, (p) => p.setNamesrvAddr(`${OTHER};${NAMESRV}`));
      const outcomes: (Error | undefined)[] = [];
      do outcomes.push(syncSend(c, box.producer, new Message('Orders', 'ns', utf8('n'))).error);
      while (outcomes.at(-1) !== undefined && outcomes.length < 3);
      // At most one failure (when the random start picked the dead one), then the live one answers.
      expect(outcomes.at(-1)).toBeUndefined();
      const failures = c.records('client.namesrv-failed').map((r) => r.fields?.addr);
      expect(failures.length).toBeLessThanOrEqual(1);
      expect(failures.every((a) => a === OTHER)).toBe(true);
      deadFirst.push(failures.length === 1);
    }
    // The random start index picks each NameServer for some seed.
    expect(deadFirst).toContain(true);
    expect(deadFirst).toContain(false);
  });

  test('a broker-to-client request is dispatched to its registered processor, others refused', () => {
    const c = warmedUp();
    const instance = c.producer.getMQClientInstance()!;
    const seen: number[] = [];
    instance.registerProcessor(40, (req) => seen.push(req.code));
    const answers: unknown[] = [];
    const broker = c.brokers.get(BROKER_A)!;
    const env = (broker.ctx as { env: Env }).env;
    env.net.oneway(PRODUCER, { code: 40, extFields: { consumerGroup: 'G' } });
    env.net.request(
      PRODUCER,
      { code: 39 },
      3_000,
      onResult((r) => answers.push(r.ok && (r.body as { code: number }).code)),
    );
    c.world.runUntil(c.world.now + 100);
    expect(seen).toEqual([40]);
    expect(answers).toEqual([3]);
  });

  test('the same seed gives the same trace', () => {
    const run = () => {
      const c = warmedUp({ brokerB: true });
      for (let i = 0; i < 5; i++) syncSend(c, c.producer, new Message('Orders', 'd', utf8(`d${i}`)));
      return c.world.trace.hash;
    };
    expect(run()).toBe(run());
  });

  test('MQBrokerException carries the broker code', () => {
    const e = new MQBrokerException(26, 'subscription group not exist', BROKER_A);
    expect(e.message).toBe(`CODE: 26  DESC: subscription group not exist  BROKER: ${BROKER_A}`);
  });
});
