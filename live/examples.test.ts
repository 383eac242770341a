// The README's first section, run: examples/live's broker.conf (its ports and store moved to free
// ones) under `rmqsim broker -c`, the seed's ProducerMain and ConsumerOne in ali-ons and with
// rmqsim's own clients, each as the user runs it (node, or tsx for the TypeScript ones).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AdminClient } from './admin.ts';
import { createTopic, freePortPair, printed, scratchDir, startCli } from './live-test-helpers.ts';
import { startNamesrv } from './servers.ts';

const EXAMPLES = path.join(import.meta.dirname, '..', 'examples', 'live');
const TSX = path.join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * Runs an example to its end, as `node file` or `npx tsx file`, killed after 30 s; not spawnSync,
 * which would stop this process's NameServer from answering it.
 */
async function run(file: string, env: Record<string, string>) {
  const args = file.endsWith('.ts') ? [TSX, path.join(EXAMPLES, file)] : [path.join(EXAMPLES, file)];
  const child = startCli([], EXAMPLES, env, args);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 30_000);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, out: child.out, err: child.err };
}

describe("the README's live examples", () => {
  test("the seed's broker.conf, ProducerMain and ConsumerOne, in ali-ons and with rmqsim's clients", async () => {
    const nsPort = await freePortPair();
    const ns = await startNamesrv({ port: nsPort, trace: () => {} });
    cleanup.push(() => ns.stop());
    const namesrvAddr = `127.0.0.1:${nsPort}`;
    const dir = scratchDir();
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const conf = fs
      .readFileSync(path.join(EXAMPLES, 'broker.conf'), 'utf8')
      .replace(/^namesrvAddr = .*$/m, `namesrvAddr = localhost:${nsPort}`)
      .replace(/^listenPort = .*$/m, `listenPort = ${await freePortPair()}`);
    fs.writeFileSync(path.join(dir, 'broker.conf'), conf);
    const broker = startCli(['broker', '-c', 'broker.conf'], dir);
    cleanup.push(() => {
      broker.process.kill('SIGKILL');
      return broker.exited;
    });
    await printed(
      broker,
      /The broker\[broker-a, 127\.0\.0\.1:\d+\] boot success\. serializeType=JSON and name server is localhost:\d+/,
    );
    const admin = new AdminClient(namesrvAddr);
    cleanup.push(() => admin.close());
    await createTopic(admin, 'myTopic');
    const env = { NAMESRV_ADDR: namesrvAddr, COUNT: '2' };
    const sendOk = /^SendResult \[sendStatus=SEND_OK, msgId=[0-9A-F]+, /m;
    expect(await run('ProducerMain.mjs', env)).toMatchObject({ code: 0, out: expect.stringMatching(sendOk) });
    expect(await run('producer-main.ts', env)).toMatchObject({ code: 0, out: expect.stringMatching(sendOk) });
    const twice = /(^消费消息:我是一个同步消息 $[\s\S]*){2}/m;
    for (const consumer of ['ConsumerOne.mjs', 'consumer-one.ts']) {
      const result = await run(consumer, { ...env, GROUP: consumer });
      expect(result, `${consumer}: ${result.err}`).toMatchObject({
        code: 0,
        out: expect.stringMatching(twice),
      });
      expect(result.out).toMatch(/^ConsumerOne Started\.$/m);
    }
  });
});
