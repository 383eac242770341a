// The world the client tests share: a NameServer and one ASYNC_MASTER broker (small files), and a
// producer node started a moment later; `sendAndWait` runs the world until a send's callback.
import { expect } from 'vitest';
import { brokerMain } from '../../core/broker/broker-controller.ts';
import { DefaultMQProducer } from '../../core/client/default-mq-producer.ts';
import { namesrvMain } from '../../core/namesrv/namesrv-controller.ts';
import type { TraceRecord } from '../../sim/trace.ts';
import { World } from '../../sim/world.ts';

export const NAMESRV = '127.0.0.1:9876';
export const BROKER_A = '10.0.0.1:10911';
export const PRODUCER = '10.0.0.50:5555';
export const utf8 = (s: string) => new TextEncoder().encode(s);

export function brokerConf(): string {
  return [
    'brokerClusterName = DefaultCluster',
    'brokerName = broker-a',
    'brokerId = 0',
    `namesrvAddr = ${NAMESRV}`,
    'brokerRole = ASYNC_MASTER',
    'flushDiskType = ASYNC_FLUSH',
    'mappedFileSizeCommitLog = 65536',
    'mappedFileSizeConsumeQueue = 6000',
    'maxHashSlotNum = 64',
    'maxIndexNum = 256',
  ].join('\n');
}

export function clientWorld(seed = 7) {
  const w = new World({ seed, keepTrace: true });
  w.addNode(NAMESRV, namesrvMain());
  w.addNode(BROKER_A, brokerMain(brokerConf()));
  w.runUntil(2_000);
  const producer: { p?: DefaultMQProducer } = {};
  w.addNode(PRODUCER, (env) => {
    const p = new DefaultMQProducer('P', env);
    p.setNamesrvAddr(NAMESRV);
    p.start();
    producer.p = p;
    return p;
  });
  w.runUntil(w.now + 100);
  const records = (event: string): TraceRecord[] => w.trace.records.filter((r) => r.event === event);
  return { w, producer, records };
}

/** Starts a send and runs the world until its callback (10 s at most); an error fails the test. */
export function sendAndWait(w: World, start: (done: (error?: Error) => void) => void): void {
  let done = false;
  start((error) => {
    expect(error).toBeUndefined();
    done = true;
  });
  const until = w.now + 10_000;
  while (!done && w.now < until) w.runUntil(w.now + 5);
  expect(done).toBe(true);
}
