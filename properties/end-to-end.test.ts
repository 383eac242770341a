// The whole system on one world: a NameServer, a broker, a producer sending one message after
// another and a push consumer; the trace becomes a history, and the queue checkers read it.
import { describe, expect, test } from 'vitest';
import { brokerMain } from '../core/broker/broker-controller.ts';
import { DefaultMQProducer } from '../core/client/default-mq-producer.ts';
import { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import { Message } from '../core/message/message.ts';
import { namesrvMain } from '../core/namesrv/namesrv-controller.ts';
import type { FaultInput } from '../sim/nemesis.ts';
import { World } from '../sim/world.ts';
import { checkDuplicated } from './checkers/duplicated.ts';
import { checkLost } from './checkers/lost.ts';
import { checkQueueOrder } from './checkers/queue-order.ts';
import { checkUnexpected } from './checkers/unexpected.ts';
import { recordHistory } from './history-recorder.ts';

const NAMESRV = '10.0.0.9:9876';
const BROKER = '10.0.0.1:10911';
const PRODUCER = '10.0.0.50:5555';
const CONSUMER = '10.0.0.61:7001';

const BROKER_CONF = [
  'brokerName = broker-a',
  `namesrvAddr = ${NAMESRV}`,
  'brokerRole = ASYNC_MASTER',
  'mappedFileSizeCommitLog = 65536',
  'mappedFileSizeConsumeQueue = 6000',
  'maxHashSlotNum = 64',
  'maxIndexNum = 256',
].join('\n');

/** Sends m0..m<count-1> one after another (each when the previous one's sync send returns). */
function run(count: number, faults: FaultInput[] = []) {
  const world = new World({ seed: 11, keepTrace: true });
  world.addNode(NAMESRV, namesrvMain());
  world.addNode(BROKER, brokerMain(BROKER_CONF));
  world.addNode(PRODUCER, (env) => {
    const producer = new DefaultMQProducer('P', env);
    producer.setNamesrvAddr(NAMESRV);
    producer.start();
    const sendFrom = (i: number): void => {
      if (i >= count) return;
      const msg = new Message('Orders', 'TagA', new TextEncoder().encode(`order ${i}`));
      msg.setKeys(`m${i}`);
      producer.send(msg, () => void env.setTimer(50, () => sendFrom(i + 1)));
    };
    env.setTimer(1_000, () => sendFrom(0));
    return producer;
  });
  world.addNode(CONSUMER, (env) => {
    const consumer = new DefaultMQPushConsumer('G', env);
    consumer.setNamesrvAddr(NAMESRV);
    consumer.subscribe('Orders', '*');
    consumer.setConsumeThreadMin(1);
    consumer.setConsumeThreadMax(1);
    consumer.setConsumeServiceTime(100);
    consumer.registerMessageListener({ consumeMessage: () => 'CONSUME_SUCCESS' as const });
    consumer.start();
    return consumer;
  });
  world.scheduleFaults(faults);
  world.runUntil(120_000);
  return recordHistory(world.trace.records);
}

const subscribed = new Map([['Orders', ['G']]]);

describe('end to end: producer, broker, consumer, history, checkers', () => {
  test('a fault-free run: every message acknowledged and consumed once, in queue order', () => {
    const history = run(40);
    expect(history.filter((op) => op.f === 'send' && op.type === 'ok')).toHaveLength(40);
    expect(checkLost(history, subscribed)).toEqual({ violations: [], recovered: [], backlog: [] });
    expect(checkUnexpected(history)).toEqual([]);
    expect(checkDuplicated(history)).toEqual([]);
    expect(checkQueueOrder(history)).toEqual([]);
  });

  test('a consumer killed before persisting its offset: nothing lost, duplicates from the crash', () => {
    // Same seed, same run up to the fault: kill the consumer just after its tenth delivery.
    const tenth = run(40).filter((op) => op.f === 'consume')[9]!.time;
    const history = run(40, [
      { at: tenth + 150, fault: 'kill', node: CONSUMER },
      { at: tenth + 1_150, fault: 'restart', node: CONSUMER },
    ]);
    expect(checkLost(history, subscribed).violations).toEqual([]);
    const duplicates = checkDuplicated(history);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(new Set(duplicates.map((d) => d.cause))).toEqual(new Set(['consumer-crash']));
    expect(duplicates[0]!.explanation).toMatch(/consumed m\d+ again .*consumer-crash/);
  });
});
