// `rmqsim produce` and `rmqsim consume`: rmqsim's own DefaultMQProducer and DefaultMQPushConsumer
// (core/client, the code the simulation verifies) as live processes against any NameServer.
// - produce sends `count` messages one after another (each when the previous send returned), with
//   a tag, keys and user properties, and prints each SendResult as Java's toString does;
// - consume subscribes a group to a topic and prints each message (msgId, tags, keys, body) until
//   `count` have arrived or nothing came for `idleMs`.
// A client listens on nothing: brokers reach it over its own connections. Its address is
// 127.0.0.1 (clientIP) unless given.
import os from 'node:os';
import type { Env, ProcessMain } from '../core/env.ts';
import { DefaultMQProducer } from '../core/client/default-mq-producer.ts';
import {
  DefaultMQPushConsumer,
  type ConsumeConcurrentlyStatus,
} from '../core/client/default-mq-push-consumer.ts';
import type { ConsumeFromWhere } from '../core/client/rebalance.ts';
import type { SendResult } from '../core/client/send-result.ts';
import { Message, type MessageExt } from '../core/message/message.ts';
import { consoleTrace, type TraceSink } from './live-env.ts';
import { LiveProcess } from './live-process.ts';

export interface ClientOptions {
  readonly namesrvAddr: string;
  readonly clientIP?: string;
  readonly trace?: TraceSink;
}

/** A client process: no listener, its files (offsets of a broadcasting consumer) under the home directory. */
export function startClient(main: ProcessMain, options: ClientOptions): Promise<LiveProcess> {
  const address = `${options.clientIP ?? '127.0.0.1'}:0`;
  return LiveProcess.start(main, {
    address,
    disk: { base: os.homedir(), boundary: os.homedir() },
    trace: options.trace ?? consoleTrace(address),
  });
}

export interface ProduceOptions extends ClientOptions {
  readonly topic: string;
  readonly group: string;
  readonly tag?: string;
  readonly keys?: readonly string[];
  readonly properties?: ReadonlyMap<string, string>;
  readonly body: string;
  readonly count: number;
  readonly sendMsgTimeout?: number;
}

/** Sends the messages; resolves with each send's result or error, in order. */
export async function produce(options: ProduceOptions): Promise<(SendResult | Error)[]> {
  const results: (SendResult | Error)[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const main: ProcessMain = (env) => {
    const producer = new DefaultMQProducer(options.group, env);
    producer.setNamesrvAddr(options.namesrvAddr);
    if (options.sendMsgTimeout !== undefined) producer.setSendMsgTimeout(options.sendMsgTimeout);
    producer.start();
    const sendNext = (i: number) => {
      if (i >= options.count) return finished();
      const body = new TextEncoder().encode(options.count > 1 ? `${options.body} ${i}` : options.body);
      const msg = new Message(options.topic, body, {
        ...(options.tag !== undefined && { tags: options.tag }),
        ...(options.keys !== undefined && { keys: options.keys }),
        properties: new Map(options.properties),
      });
      producer.send(msg, (error, result) => {
        results.push(error ?? result!);
        env.trace('stdout', { line: error ? `send failed: ${error.message}` : String(result) });
        sendNext(i + 1);
      });
    };
    sendNext(0);
    return producer;
  };
  const live = await startClient(main, options);
  await done;
  await live.stop();
  return results;
}

export interface ConsumeOptions extends ClientOptions {
  readonly topic: string;
  readonly group: string;
  readonly subExpression?: string;
  readonly from?: ConsumeFromWhere;
  /** Stop after this many messages. */
  readonly count?: number;
  /** Stop when nothing arrived for this long. */
  readonly idleMs: number;
  /** Each message as it is consumed (the CLI prints it). */
  readonly onMessage?: (msg: MessageExt) => void;
}

/** The messages consumed, in the order the listener saw them. */
export async function consume(options: ConsumeOptions): Promise<MessageExt[]> {
  const received: MessageExt[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(finished, options.idleMs);
  };
  const main = (env: Env) => {
    const consumer = new DefaultMQPushConsumer(options.group, env);
    consumer.setNamesrvAddr(options.namesrvAddr);
    consumer.setConsumeFromWhere(options.from ?? 'CONSUME_FROM_LAST_OFFSET');
    consumer.subscribe(options.topic, options.subExpression ?? '*');
    consumer.registerMessageListener({
      consumeMessage(msgs: MessageExt[]): ConsumeConcurrentlyStatus {
        for (const msg of msgs) {
          received.push(msg);
          options.onMessage?.(msg);
        }
        touch();
        if (options.count !== undefined && received.length >= options.count) finished();
        return 'CONSUME_SUCCESS';
      },
    });
    consumer.start();
    return consumer;
  };
  const live = await startClient(main, options);
  touch();
  await done;
  clearTimeout(idle);
  await live.stop();
  return received;
}

/** A consumed message as `rmqsim consume` prints it. */
export function messageLine(msg: MessageExt): string {
  const body = new TextDecoder().decode(msg.body);
  return `msgId=${msg.getUniqKey() ?? msg.msgId} offsetMsgId=${msg.msgId} queueId=${msg.queueId} queueOffset=${msg.queueOffset} tags=${msg.getTags() ?? ''} keys=${msg.getKeys() ?? ''} body=${body}`;
}
