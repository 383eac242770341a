// `npm run bench -- live`: the live runtime on loopback, each figure beside a baseline measured in
// the same run:
// - sync sends a second (rmqsim's DefaultMQProducer, each send after the previous one's answer,
//   through a live NameServer and broker) beside a bare TCP echo of the same frames (the request's
//   bytes out, a response's bytes back, one at a time): what the broker and the clients add to
//   the wire's round trip;
// - messages consumed a second (rmqsim's push consumer from the first offset of what was sent);
// - the codec's encode + decode of a SEND_MESSAGE_V2 request beside JSON.stringify + JSON.parse of
//   the same header.
// The NameServer, the broker and the clients share this process's event loop (and its 1 core).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request, response } from '../core/protocol/remoting-command.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { decodeCommand, encodeCommand } from '../core/protocol/wire-codec.ts';
import { AdminClient } from '../live/admin.ts';
import { consume, produce } from '../live/clients.ts';
import { FrameDecoder } from '../core/protocol/remoting-frame.ts';
import { createTopic, freePortPair } from '../live/live-test-helpers.ts';
import { startBroker, startNamesrv } from '../live/servers.ts';
import { print, rate } from './measure.ts';

const MESSAGES = 2_000;
const silent = () => {};

function sendRequest() {
  const header = {
    a: 'P',
    b: 'T',
    c: 'TBW102',
    d: 4,
    e: 0,
    f: 0,
    g: Date.now(),
    h: 0,
    i: 'TAGS\u0001TagA',
    j: 0,
    k: false,
    l: 16,
  };
  return request(RequestCode.SEND_MESSAGE_V2, header, new TextEncoder().encode('x'.repeat(100)));
}

/** Round trips a second of a bare TCP echo: the send's frame out, a send response's frame back. */
async function echoRate(n: number): Promise<number> {
  const out = encodeCommand(sendRequest(), { kind: 'request', opaque: 1 });
  const back = encodeCommand(response(0, undefined, { msgId: 'A'.repeat(32), queueId: 0, queueOffset: 1 }), {
    kind: 'response',
    opaque: 1,
  });
  const server = net.createServer((socket) => {
    const frames = new FrameDecoder();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (let i = frames.push(chunk).length; i > 0; i--) socket.write(back);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect({ host: '127.0.0.1', port });
  client.setNoDelay(true);
  await new Promise((resolve) => client.once('connect', resolve));
  const frames = new FrameDecoder();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let left = n;
    client.on('data', (chunk: Buffer) => {
      left -= frames.push(chunk).length;
      if (left === 0) resolve();
      else client.write(out);
    });
    client.write(out);
  });
  const perSecond = n / ((performance.now() - start) / 1000);
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return perSecond;
}

async function liveRates(): Promise<{ sends: number; consumed: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqsim-bench-'));
  const ns = await startNamesrv({ port: await freePortPair(), trace: silent });
  const namesrvAddr = ns.env.address;
  const storePathRootDir = path.join(dir, 'store');
  const broker = await startBroker({
    conf: {
      brokerName: 'broker-a',
      namesrvAddr,
      listenPort: await freePortPair(),
      storePathRootDir,
      mappedFileSizeCommitLog: 64 << 20,
    },
    trace: silent,
  });
  const admin = new AdminClient(namesrvAddr);
  try {
    await createTopic(admin, 'T');
    const common = { namesrvAddr, topic: 'T', trace: silent };
    await produce({ ...common, group: 'P', body: 'warm-up', count: 200 });
    let start = performance.now();
    const results = await produce({
      ...common,
      group: 'P',
      tag: 'TagA',
      body: 'x'.repeat(100),
      count: MESSAGES,
    });
    const sends = MESSAGES / ((performance.now() - start) / 1000);
    if (results.some((r) => r instanceof Error)) throw new Error('a send failed');
    start = performance.now();
    const got = await consume({
      ...common,
      group: 'G',
      from: 'CONSUME_FROM_FIRST_OFFSET',
      count: MESSAGES + 200,
      idleMs: 5_000,
    });
    const consumed = got.length / ((performance.now() - start) / 1000);
    return { sends, consumed };
  } finally {
    await admin.close();
    await broker.stop();
    await ns.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function codecRates(): { codec: number; json: number } {
  const command = sendRequest();
  const codec = rate(() => {
    for (let i = 0; i < 20_000; i++)
      decodeCommand(encodeCommand(command, { kind: 'request', opaque: i }).subarray(4));
    return 20_000;
  });
  const json = rate(() => {
    for (let i = 0; i < 20_000; i++)
      JSON.parse(JSON.stringify({ code: command.code, extFields: command.extFields, opaque: i }));
    return 20_000;
  });
  return { codec, json };
}

export async function benchLive(): Promise<void> {
  const echo = await echoRate(MESSAGES);
  const { sends, consumed } = await liveRates();
  const echoAgain = await echoRate(MESSAGES);
  const baseline = Math.max(echo, echoAgain);
  print({
    bench: 'live-sync-sends',
    sendsPerSecond: Math.round(sends),
    tcpEchoRoundTripsPerSecond: Math.round(baseline),
    ratio: Number((sends / baseline).toFixed(3)),
  });
  print({ bench: 'live-consume', messagesPerSecond: Math.round(consumed) });
  const { codec, json } = codecRates();
  print({
    bench: 'live-codec',
    encodeDecodePerSecond: Math.round(codec),
    jsonStringifyParsePerSecond: Math.round(json),
    ratio: Number((codec / json).toFixed(3)),
  });
}
