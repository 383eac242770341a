// The live runtime: core/'s NameServer, broker and clients on real sockets, files and clock, on
// free loopback ports. rmqsim's own producer and push consumer through a broker that is SIGKILLed
// and recovers abnormally from its files; a master and a slave replicating over HA's own
// connection; a broker reaching a consumer over the consumer's connection; SIGTERM's clean
// shutdown; and bad input, which exits 2 naming it before anything is written.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import type { SendResult } from '../core/client/send-result.ts';
import { request } from '../core/protocol/remoting-command.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { AdminClient } from './admin.ts';
import { consume, produce, startClient } from './clients.ts';
import type { LiveProcess } from './live-process.ts';
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
import { startBroker, startNamesrv } from './servers.ts';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
const silent = () => {};
const BOOT = /The broker\[broker-a, 127\.0\.0\.1:\d+\] boot success\. serializeType=JSON and name server is /;

async function namesrv(): Promise<string> {
  const port = await freePortPair();
  const ns = await startNamesrv({ port, trace: silent });
  cleanup.push(() => ns.stop());
  return `127.0.0.1:${port}`;
}

function dir(): string {
  const d = scratchDir();
  cleanup.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

function cliBroker(confFile: string, cwd: string, env: Record<string, string> = {}): Child {
  const child = startCli(['broker', '-c', confFile], cwd, env);
  cleanup.push(() => {
    child.process.kill('SIGKILL');
    return child.exited;
  });
  return child;
}

/** Waits until the NameServer knows a master of DefaultCluster (registration follows the boot line). */
async function registered(namesrvAddr: string): Promise<void> {
  const admin = new AdminClient(namesrvAddr);
  try {
    await waitFor('the broker registered', () =>
      admin.mastersOf('DefaultCluster').then(
        (m) => (m.length > 0 ? m : undefined),
        () => undefined,
      ),
    );
  } finally {
    await admin.close();
  }
}

async function createTopicAt(namesrvAddr: string, topic: string): Promise<void> {
  const admin = new AdminClient(namesrvAddr);
  try {
    await createTopic(admin, topic);
  } finally {
    await admin.close();
  }
}

describe("rmqsim's own clients, live", () => {
  test('produce, SIGKILL the broker, abnormal recovery: a new group from the first offset gets every acknowledged message', async () => {
    const namesrvAddr = await namesrv();
    const d = dir();
    const confFile = path.join(d, 'broker.conf');
    const listenPort = await freePortPair();
    fs.writeFileSync(
      confFile,
      brokerConf({ brokerName: 'broker-a', namesrvAddr, listenPort, storePathRootDir: 'store' }),
    );
    let broker = cliBroker(confFile, d);
    await printed(broker, BOOT);
    await registered(namesrvAddr);
    await createTopicAt(namesrvAddr, 'T');
    const common = { namesrvAddr, topic: 'T', trace: silent };
    const results = await produce({
      ...common,
      group: 'P',
      tag: 'TagA',
      keys: ['k'],
      body: 'hello',
      count: 20,
    });
    const acked = results.filter((r): r is SendResult => !(r instanceof Error) && r.sendStatus === 'SEND_OK');
    expect(acked).toHaveLength(20);
    const before = await consume({
      ...common,
      group: 'G1',
      from: 'CONSUME_FROM_FIRST_OFFSET',
      count: 20,
      idleMs: 10_000,
    });
    expect(before.map((m) => m.getUniqKey()).sort()).toEqual(acked.map((r) => r.msgId).sort());

    broker.process.kill('SIGKILL');
    await broker.exited;
    // What the killed broker left, read back by `rmqsim inspect`: every acknowledged record, the abort file.
    const inspect = startCli(['inspect', 'store', '--json'], d);
    expect(await inspect.exited).toBe(0);
    const report = JSON.parse(inspect.out) as {
      records: { topic: string; uniqKey: string }[];
      abort: boolean;
    };
    expect(report.abort).toBe(true);
    const stored = report.records.filter((r) => r.topic === 'T').map((r) => r.uniqKey);
    expect(stored.sort()).toEqual(acked.map((r) => r.msgId).sort());
    broker = cliBroker(confFile, d, { RMQSIM_TRACE: '1' });
    await printed(broker, BOOT);
    expect(broker.err).toMatch(/"event":"store\.recovered","lastExitOK":false/);
    await registered(namesrvAddr);
    const after = await consume({
      ...common,
      group: 'G2',
      from: 'CONSUME_FROM_FIRST_OFFSET',
      count: 20,
      idleMs: 10_000,
    });
    expect(after.map((m) => [m.getUniqKey(), m.getTags(), m.getKeys()]).sort()).toEqual(
      acked.map((r) => [r.msgId, 'TagA', 'k']).sort(),
    );
  });

  test('SIGTERM: the broker flushes, removes its abort file and exits 0; so does the NameServer', async () => {
    const d = dir();
    const nsPort = await freePortPair();
    const ns = startCli(['namesrv', '--port', String(nsPort)], d);
    cleanup.push(() => {
      ns.process.kill('SIGKILL');
      return ns.exited;
    });
    await printed(ns, /^The Name Server boot success\. serializeType=JSON$/m);
    const confFile = path.join(d, 'broker.conf');
    const conf = {
      brokerName: 'broker-a',
      namesrvAddr: `localhost:${nsPort}`,
      listenPort: await freePortPair(),
      storePathRootDir: 'store',
    };
    fs.writeFileSync(confFile, brokerConf(conf));
    const broker = cliBroker(confFile, d);
    await printed(broker, /name server is localhost:\d+\n/);
    expect(fs.existsSync(path.join(d, 'store', 'abort'))).toBe(true);
    broker.process.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
    expect(fs.existsSync(path.join(d, 'store', 'abort'))).toBe(false);
    expect(fs.statSync(path.join(d, 'store', 'checkpoint')).size).toBe(4096);
    ns.process.kill('SIGTERM');
    expect(await ns.exited).toBe(0);
  });

  test('a broker reaches a consumer over the connection the consumer opened (NOTIFY_CONSUMER_IDS_CHANGED)', async () => {
    const namesrvAddr = await namesrv();
    const d = dir();
    const conf = {
      brokerName: 'broker-a',
      namesrvAddr,
      listenPort: await freePortPair(),
      storePathRootDir: path.join(d, 'store'),
    };
    const broker = await startBroker({ conf: brokerConf(conf), trace: silent });
    cleanup.push(() => broker.stop());
    await registered(namesrvAddr);
    await createTopicAt(namesrvAddr, 'T');
    const notices: string[] = [];
    const consumer = (name: string) =>
      startClient(
        (env) => {
          const c = new DefaultMQPushConsumer('G', env);
          c.setNamesrvAddr(namesrvAddr);
          c.setInstanceName(name);
          c.subscribe('T', '*');
          c.registerMessageListener({ consumeMessage: () => 'CONSUME_SUCCESS' as const });
          c.start();
          return c;
        },
        {
          namesrvAddr,
          trace: (event) => void (event === 'consumer.notify-ids-changed' && notices.push(name)),
        },
      );
    const first: LiveProcess = await consumer('c1');
    cleanup.push(() => first.stop());
    const admin = new AdminClient(namesrvAddr);
    cleanup.push(() => admin.close());
    const ask = request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G' });
    await waitFor('c1 in the group', () =>
      admin.invoke(broker.env.address, ask).then((r) => (r.code === 0 ? r : undefined)),
    );
    const second = await consumer('c2');
    cleanup.push(() => second.stop());
    await waitFor('c1 told of c2 by the broker', () => (notices.includes('c1') ? true : undefined));
  });
});

describe('master and slave, live', () => {
  test('a SYNC_MASTER answers SEND_OK once its slave has the bytes, replicated over the HA port', async () => {
    const namesrvAddr = await namesrv();
    const d = dir();
    const ha = { haSendHeartbeatInterval: 200, mappedFileSizeCommitLog: 1 << 16 };
    const masterPort = await freePortPair();
    const master = await startBroker({
      conf: brokerConf({
        brokerName: 'broker-a',
        namesrvAddr,
        listenPort: masterPort,
        brokerRole: 'SYNC_MASTER',
        storePathRootDir: path.join(d, 'master'),
        ...ha,
      }),
      trace: silent,
    });
    cleanup.push(() => master.stop());
    await registered(namesrvAddr);
    await createTopicAt(namesrvAddr, 'T');
    const slave = await startBroker({
      conf: brokerConf({
        brokerName: 'broker-a',
        brokerId: 1,
        brokerRole: 'SLAVE',
        namesrvAddr,
        listenPort: await freePortPair(),
        storePathRootDir: path.join(d, 'slave'),
        ...ha,
      }),
      trace: silent,
    });
    cleanup.push(() => slave.stop());
    const common = { namesrvAddr, topic: 'T', group: 'P', body: 'replicated', trace: silent };
    // Until the slave's first report, the master answers SLAVE_NOT_AVAILABLE (stored on it alone).
    await waitFor('a SEND_OK from the SYNC_MASTER', async () => {
      const [r] = await produce({ ...common, count: 1 });
      return !(r instanceof Error) && r?.sendStatus === 'SEND_OK' ? true : undefined;
    });
    const results = await produce({ ...common, count: 10 });
    expect(results.map((r) => (r instanceof Error ? r.message : r.sendStatus))).toEqual(
      Array(10).fill('SEND_OK'),
    );
    const file = (role: string) => fs.readFileSync(path.join(d, role, 'commitlog', '00000000000000000000'));
    const masterLog = file('master');
    expect(file('slave').subarray(0, masterLog.length).equals(masterLog)).toBe(true);
  });
});

describe('bad input exits 2, naming it, with nothing written', () => {
  async function badBroker(conf: string, expected: RegExp, cwd = dir()) {
    const confFile = path.join(cwd, 'broker.conf');
    fs.writeFileSync(confFile, conf);
    const child = startCli(['broker', '-c', confFile], cwd);
    expect(await child.exited).toBe(2);
    expect(child.err).toMatch(expected);
    expect(child.err).not.toMatch(/\n\s+at /); // no stack trace
    return cwd;
  }

  test('an unknown broker.conf key', async () => {
    const cwd = await badBroker(
      brokerConf({ brokerName: 'b', storePathRootDir: 'store', bogusKey: 1 }),
      /bogusKey: unknown key \(line \d+\)/,
    );
    expect(fs.existsSync(path.join(cwd, 'store'))).toBe(false);
  });

  test('a port in use', async () => {
    const port = await freePortPair();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port }, resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const cwd = await badBroker(
      brokerConf({ brokerName: 'b', listenPort: port, storePathRootDir: 'store' }),
      new RegExp(`listenPort ${port}: 127\\.0\\.0\\.1:${port}: address in use`),
    );
    expect(fs.existsSync(path.join(cwd, 'store'))).toBe(false);
    const ns = startCli(['namesrv', '--port', String(port)], cwd);
    expect(await ns.exited).toBe(2);
    expect(ns.err).toMatch(new RegExp(`--port ${port}: .*address in use`));
  });

  test('a store path that cannot be written, and a store written by something else', async () => {
    const cwd = dir();
    fs.writeFileSync(path.join(cwd, 'a-file'), 'not a directory');
    await badBroker(
      brokerConf({ brokerName: 'b', storePathRootDir: 'a-file/store' }),
      /storePathRootDir: .*a-file is not writable|not a directory/,
      cwd,
    );
    fs.mkdirSync(path.join(cwd, 'other'));
    fs.writeFileSync(path.join(cwd, 'other', 'notes.txt'), 'mine');
    await badBroker(
      brokerConf({ brokerName: 'b', storePathRootDir: 'other' }),
      /storePathRootDir: .*other holds notes\.txt: not a RocketMQ store/,
      cwd,
    );
    expect(fs.readdirSync(path.join(cwd, 'other'))).toEqual(['notes.txt']);
  });

  test('a broker.conf that does not exist', async () => {
    const cwd = dir();
    const child = startCli(['broker', '-c', path.join(cwd, 'missing.conf')], cwd);
    expect(await child.exited).toBe(2);
    expect(child.err).toMatch(/-c .*missing\.conf: ENOENT/);
  });
});

describe('the live clients', () => {
  test('consume ends by itself when nothing arrives (bounded, no hang)', async () => {
    const namesrvAddr = await namesrv();
    const started = Date.now();
    const got = await consume({ namesrvAddr, topic: 'NoSuchTopic', group: 'G', idleMs: 300, trace: silent });
    expect(got).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
