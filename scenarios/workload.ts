// The applications around the cluster: producers sending the workload's messages, consumers
// with their handlers, and an operator running mqadmin updateTopic (at start) and resetOffsetByTime.
// What lives outside a process survives its crashes, as it would in a real deployment: each
// producer's place in its list of messages to send (its source) and each group's application
// database (what an idempotent handler remembers). A producer restarted after a crash goes on
// with the message after the one in flight; that one's outcome is unknown (an info op).
// Message i has KEYS m<i>; in an ordered workload its sharding key is k<i mod N>.
import type { ProcessMain } from '../core/env.ts';
import { DefaultMQProducer } from '../core/client/default-mq-producer.ts';
import { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import { Message } from '../core/client/message.ts';
import { SelectMessageQueueByHash } from '../core/client/message-queue-selector.ts';
import type { MessageExt } from '../core/message/message.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { request, type RemotingCommand } from '../core/protocol/remoting-command.ts';
import { ResponseCode } from '../core/protocol/response-code.ts';
import type { ConsumerGroup, Handler, Scenario } from './scenario-schema.ts';

export const messageKey = (i: number) => `m${i}`;
export const messageIndex = (key: string) => Number(key.slice(1));

/** What a handler may use besides the message: its group's database, which survives crashes. */
export interface AppContext {
  readonly group: string;
  readonly db: Set<string>;
  /** Records the handler's side effect for the message (the effects-once property reads it). */
  effect(msg: MessageExt): void;
}
/** An application's consumer handler: true when the message was handled (CONSUME_SUCCESS). */
export type AppHandler = (msg: MessageExt, app: AppContext) => boolean;

export function builtInHandler(handler: Handler): AppHandler {
  switch (handler.kind) {
    case 'success':
      return (msg, app) => (app.effect(msg), true);
    case 'idempotent':
      return (msg, app) => {
        const key = msg.getKeys()!;
        if (!app.db.has(key)) {
          app.db.add(key);
          app.effect(msg);
        }
        return true;
      };
    case 'fail':
      return (msg, app) => {
        if (failsAlways(handler, msg.getKeys()!) || isFailure(handler, msg)) return false;
        app.effect(msg);
        return true;
      };
  }
}

/** The keys of a workload that a handler fails on every delivery. */
export function failsAlways(handler: Handler, key: string): boolean {
  return handler.kind === 'fail' && handler.times === 'always' && messageIndex(key) % handler.every === 0;
}

function isFailure(handler: Extract<Handler, { kind: 'fail' }>, msg: MessageExt): boolean {
  const times = handler.times === 'always' ? Infinity : handler.times;
  return messageIndex(msg.getKeys()!) % handler.every === 0 && msg.reconsumeTimes < times;
}

/** Where the harness is: world time, and the applications' state that outlives their processes. */
export interface Outside {
  readonly worldNow: () => number;
  readonly namesrvAddr: string;
}

/** Producer p sends messages p, p + P, p + 2P, … one after another. */
export function producerMain(
  scenario: Scenario,
  p: number,
  outside: Outside,
  source: { next: number },
): ProcessMain {
  const spec = scenario.topology.producers[p]!;
  const { topic, tags, messages, intervalMs, startAtMs, shardingKeys } = scenario.workload;
  const step = scenario.topology.producers.length;
  const selector = new SelectMessageQueueByHash();
  return (env) => {
    const producer = new DefaultMQProducer(spec.group, env);
    producer.setNamesrvAddr(outside.namesrvAddr);
    producer.setSendMsgTimeout(spec.sendMsgTimeout);
    producer.setRetryTimesWhenSendFailed(spec.retryTimesWhenSendFailed);
    producer.start();
    const sendNext = (): void => {
      const i = source.next * step + p;
      if (i >= messages) return;
      source.next++;
      const msg = new Message(topic, tags[i % tags.length]!, new TextEncoder().encode(`message ${i}`));
      msg.setKeys(messageKey(i));
      const after = () => void env.setTimer(intervalMs, sendNext);
      if (shardingKeys > 0) producer.send(msg, selector, `k${i % shardingKeys}`, after);
      else if (spec.sendMode === 'sync') producer.send(msg, after);
      else if (spec.sendMode === 'async') {
        producer.sendAsync(msg, { onSuccess: () => {}, onException: () => {} });
        after();
      } else producer.sendOneway(msg, after);
    };
    env.setTimer(Math.max(0, startAtMs - outside.worldNow()), sendNext);
    return producer;
  };
}

export function consumerMain(
  scenario: Scenario,
  group: ConsumerGroup,
  outside: Outside,
  handler: AppHandler,
  db: Set<string>,
): ProcessMain {
  return (env) => {
    const consumer = new DefaultMQPushConsumer(group.group, env);
    consumer.setNamesrvAddr(outside.namesrvAddr);
    consumer.subscribe(scenario.workload.topic, '*');
    consumer.setMessageModel(group.messageModel);
    consumer.setConsumeFromWhere(group.consumeFromWhere);
    consumer.setConsumeThreadMin(group.consumeThreads);
    consumer.setConsumeThreadMax(group.consumeThreads);
    const time = group.serviceTimeMs;
    consumer.setConsumeServiceTime(
      typeof time === 'number' ? time : () => time[0] + env.rng.int(Math.max(1, time[1] - time[0] + 1)),
    );
    consumer.setMaxReconsumeTimes(group.maxReconsumeTimes);
    const app: AppContext = {
      group: group.group,
      db,
      effect: (msg) => env.trace('app.effect', { key: msg.getKeys(), group: group.group }),
    };
    const handles = (msgs: MessageExt[]) => msgs.every((msg) => handler(msg, app));
    if (group.consumeMode === 'orderly') {
      consumer.registerMessageListener({
        orderly: true,
        consumeMessage: (msgs: MessageExt[]) =>
          handles(msgs) ? 'SUCCESS' : 'SUSPEND_CURRENT_QUEUE_A_MOMENT',
      });
    } else {
      consumer.registerMessageListener({
        consumeMessage: (msgs: MessageExt[]) => (handles(msgs) ? 'CONSUME_SUCCESS' : 'RECONSUME_LATER'),
      });
    }
    consumer.start();
    return consumer;
  };
}

/** The operator: mqadmin updateTopic on every master at start, and resetOffsetByTime as the scenario says. */
export function adminMain(
  scenario: Scenario,
  masters: readonly string[],
  outside: Outside,
  epochMs: number,
): ProcessMain {
  return (env) => {
    const { topic, queues } = scenario.workload;
    const create = { topic, readQueueNums: queues, writeQueueNums: queues };
    // Once, as the cluster starts; if a create fails, the first send auto-creates the topic instead.
    if (queues > 0 && outside.worldNow() === 0) {
      for (const master of masters) {
        env.net.request(master, request(RequestCode.UPDATE_AND_CREATE_TOPIC, create), 3_000, () => {});
      }
    }
    for (const reset of scenario.workload.resets) {
      const header = {
        topic: scenario.workload.topic,
        group: reset.group,
        timestamp: epochMs + reset.toMs,
        isForce: true,
      };
      env.setTimer(Math.max(0, reset.atMs - outside.worldNow()), () => {
        let recorded = false;
        for (const master of masters) {
          env.net.request(
            master,
            request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, header),
            5_000,
            (result) => {
              if (recorded || !result.ok || (result.body as RemotingCommand).code !== ResponseCode.SUCCESS)
                return;
              recorded = true;
              env.trace('admin.reset-offset', {
                group: reset.group,
                topic: header.topic,
                timestamp: header.timestamp,
              });
            },
          );
        }
      });
    }
    return {};
  };
}
