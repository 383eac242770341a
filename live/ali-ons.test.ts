// A client rmqsim did not write talks to a live rmqsim: ali-ons 3.12.0 (RocketMQ 4.x's remoting
// protocol in Node.js) against a live NameServer and broker on loopback ports. Its producer sends
// messages with tags, keys and properties (the seed's ProducerMain), its push consumer (the
// seed's ConsumerOne) receives each one intact; then the broker is SIGKILLed and restarted on its
// files, and a new group reading from the first offset gets every acknowledged message again.
import fs from 'node:fs';
import path from 'node:path';
import ons from 'ali-ons';
import { afterEach, describe, expect, test } from 'vitest';
import { AdminClient } from './admin.ts';
import {
  brokerConf,
  createTopic,
  freePortPair,
  printed,
  scratchDir,
  startCli,
  waitFor,
  type Child,
} from './live-test-helpers.ts';
import { startNamesrv } from './servers.ts';

const { Producer, Consumer, Message } = ons;
type OnsProducer = InstanceType<typeof Producer>;
type OnsMessage = InstanceType<typeof Message>;

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
/** ali-ons's loops sleep these intervals; short ones make it rebalance soon and stop soon after close. */
const fast = {
  pollNameServerInteval: 1_000,
  heartbeatBrokerInterval: 1_000,
  rebalanceInterval: 1_000,
  persistConsumerOffsetInterval: 1_000,
};
const TOPIC = 'myTopic';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  await closeOns(); // first: see closeOns
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * A closed ali-ons 3.12.0 client may still have a request in flight, which opens a channel again
 * after its listeners are gone (RemotingClient.close removes them): were the broker dead by then,
 * the connection's error would be uncaught. So its clients are closed while the broker runs, and
 * the broker stops only after their loops' interval (1 s with `fast`) has passed.
 */
const onsClosed: (() => Promise<void>)[] = [];
async function closeOns(): Promise<void> {
  if (onsClosed.length === 0) return;
  for (const close of onsClosed.splice(0).reverse()) await close();
  Producer.defaultProducer = null;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}

async function cluster() {
  const namesrvPort = await freePortPair();
  const ns = await startNamesrv({ port: namesrvPort, trace: () => {} });
  cleanup.push(() => ns.stop());
  const namesrvAddr = `127.0.0.1:${namesrvPort}`;
  const dir = scratchDir();
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const listenPort = await freePortPair();
  const confFile = path.join(dir, 'broker.conf');
  const storePathRootDir = path.join(dir, 'store');
  fs.writeFileSync(
    confFile,
    brokerConf({ brokerName: 'broker-a', namesrvAddr, listenPort, storePathRootDir }),
  );
  const admin = new AdminClient(namesrvAddr);
  cleanup.push(() => admin.close());
  const registered = () =>
    admin.mastersOf('DefaultCluster').then(
      (masters) => (masters.length > 0 ? masters : undefined),
      () => undefined,
    );
  const startBroker = async (): Promise<Child> => {
    const child = startCli(['broker', '-c', confFile], dir);
    cleanup.push(() => {
      child.process.kill('SIGKILL');
      return child.exited;
    });
    await printed(
      child,
      /The broker\[broker-a, 127\.0\.0\.1:\d+\] boot success\. serializeType=JSON and name server is /,
    );
    // Its registration is under way when it says so (4.9 has waited for it): wait for the NameServer.
    await waitFor('the broker registered', registered);
    return child;
  };
  return { namesrvAddr, dir, startBroker, admin };
}

async function onsProducer(namesrvAddr: string): Promise<OnsProducer> {
  const producer = new Producer({
    httpclient: {},
    nameSrv: namesrvAddr,
    producerGroup: 'myProducerGroup',
    instanceName: 'producer',
    logger: quiet,
    ...fast,
  });
  producer.on('error', () => {}); // it relays its client's errors (the consumer's, above)
  onsClosed.push(() => producer.close());
  await producer.ready();
  return producer;
}

/** An ali-ons push consumer of `group` from the first offset; resolves with its first `n` messages. */
async function onsConsume(namesrvAddr: string, group: string, n: number): Promise<OnsMessage[]> {
  const consumer = new Consumer({
    httpclient: {},
    nameSrv: namesrvAddr,
    consumerGroup: group,
    instanceName: group, // its own client instance, not the producer's
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger: quiet,
    ...fast,
  });
  consumer.on('error', () => {}); // the retry topic has no route until the first heartbeat makes it
  onsClosed.push(() => consumer.close());
  const got: OnsMessage[] = [];
  consumer.subscribe(TOPIC, '*', async (msg) => void got.push(msg));
  await consumer.ready();
  // ali-ons's process-wide producer for send-backs, which no consumer closes.
  const inner = Producer.defaultProducer;
  if (inner && !onsClosed.includes(closeInner)) {
    inner.on('error', () => {});
    onsClosed.unshift(closeInner);
  }
  return waitFor(`${n} messages for ${group}`, () => (got.length >= n ? got : undefined), 20_000);
}

async function closeInner(): Promise<void> {
  await Producer.defaultProducer?.close();
}

describe('ali-ons 3.12.0 against a live rmqsim', () => {
  test('its producer and push consumer; after SIGKILL and abnormal recovery a new group gets every acknowledged message', async () => {
    const c = await cluster();
    const broker = await c.startBroker();
    await createTopic(c.admin, TOPIC);
    const producer = await onsProducer(c.namesrvAddr);
    const sent = new Map<string, { tag: string; key: string; body: string }>();
    for (let i = 0; i < 8; i++) {
      const tag = i % 2 === 0 ? 'TagA' : 'TagB';
      const body = `我是一个同步消息 ${i}`;
      const msg = new Message(TOPIC, tag, body);
      msg.keys = [`key${i}`];
      msg.properties['orderNo'] = `o-${i}`;
      const result = await producer.send(msg);
      expect(result.sendStatus).toBe('SEND_OK');
      sent.set(result.msgId, { tag, key: `key${i}`, body });
    }
    const check = (got: OnsMessage[]) => {
      expect(new Set(got.map((m) => m.msgId))).toEqual(new Set(sent.keys()));
      for (const m of got) {
        const s = sent.get(m.msgId)!;
        const expected = [s.tag, s.key, s.body, `o-${s.key.slice(3)}`];
        expect([m.tags, m.keys, m.body.toString(), m.properties['orderNo']]).toEqual(expected);
      }
    };
    check(await onsConsume(c.namesrvAddr, 'myConsumerGroup', sent.size));
    await closeOns();

    broker.process.kill('SIGKILL');
    await broker.exited;
    // No clean shutdown: the abort file stays, and the next start recovers abnormally.
    expect(fs.existsSync(path.join(c.dir, 'store', 'abort'))).toBe(true);
    await c.startBroker();
    check(await onsConsume(c.namesrvAddr, 'groupAfterKill', sent.size));
  });
});
