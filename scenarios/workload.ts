// The applications around the cluster: producers sending the workload's messages, consumers
// with their handlers, and an operator running mqadmin updateTopic (at start) and resetOffsetByTime.
// What lives outside a process survives its crashes, as it would in a real deployment: each
// producer's place in its list of messages to send (its source) and each group's application
// database (what an idempotent handler remembers). A producer restarted after a crash goes on
// with the message after the one in flight; that one's outcome is unknown (an info op).
// Message i has KEYS m<i>; in an ordered workload its sharding key is k<i mod N>.
import { onResult, type Env, type ProcessMain } from '../core/env.ts';
import { DefaultMQProducer } from '../core/client/default-mq-producer.ts';
import { DefaultMQPushConsumer } from '../core/client/default-mq-push-consumer.ts';
import { MQClientException } from '../core/client/exceptions.ts';
import { utf8Encoder } from '../core/message/bytes.ts';
import { Message } from '../core/message/message.ts';
import { SelectMessageQueueByHash } from '../core/client/message-queue-selector.ts';
import type { MessageExt } from '../core/message/message.ts';
import type {
  ConsumeConcurrentlyStatus,
  ConsumeServiceTime,
} from '../core/client/consume-message-concurrently-service.ts';
import type { ConsumeOrderlyStatus } from '../core/client/consume-message-orderly-service.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { request, type RemotingCommand } from '../core/protocol/remoting-command.ts';
import { ResponseCode } from '../core/protocol/response-code.ts';
import type { ConsumerGroup, Handler, Scenario } from './scenario-schema.ts';

export const messageKey = (i: number) => `m${i}`;
export const messageIndex = (key: string) => Number(key.slice(1));

/**
 * What a handler may use besides the message: which group and consume mode call it, its group's
 * database (survives the group's consumer crashes and restarts, as an application's own database
 * would), and `effect`, which records the handler's side effect (what `effects-once` counts).
 */
export interface AppContext {
  readonly group: string;
  readonly consumeMode: ConsumeMode;
  readonly db: Set<string>;
  /** Records the handler's side effect for the message (the effects-once property reads it). */
  effect(msg: MessageExt): void;
}
export type ConsumeMode = 'concurrently' | 'orderly';
/** RocketMQ's answers: ConsumeConcurrentlyStatus for a concurrent group, ConsumeOrderlyStatus for an orderly one. */
export type ConsumeStatus = ConsumeConcurrentlyStatus | ConsumeOrderlyStatus;
/**
 * An application's consumer handler, called once a message (consumeMessageBatchMaxSize is 1):
 * it returns its consume mode's status, or throws, which RocketMQ treats as RECONSUME_LATER
 * (concurrently) or SUSPEND_CURRENT_QUEUE_A_MOMENT (orderly). Anything else is a HandlerError.
 */
export type AppHandler = (msg: MessageExt, app: AppContext) => ConsumeStatus;

/** The statuses of each consume mode: [success, try again]. */
export const STATUSES = {
  concurrently: ['CONSUME_SUCCESS', 'RECONSUME_LATER'],
  orderly: ['SUCCESS', 'SUSPEND_CURRENT_QUEUE_A_MOMENT'],
} as const satisfies Record<ConsumeMode, readonly [ConsumeStatus, ConsumeStatus]>;

/** A handler answered something that is not a status of its group's consume mode. */
export class HandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerError';
  }
}

export function builtInHandler(handler: Handler): AppHandler {
  const [success, later] = [
    (app: AppContext) => STATUSES[app.consumeMode][0],
    (app: AppContext) => STATUSES[app.consumeMode][1],
  ];
  switch (handler.kind) {
    case 'success':
      return (msg, app) => (app.effect(msg), success(app));
    case 'idempotent':
      return (msg, app) => {
        const key = msg.getKeys()!;
        if (!app.db.has(key)) {
          app.db.add(key);
          app.effect(msg);
        }
        return success(app);
      };
    case 'fail':
      return (msg, app) => {
        if (failsAlways(handler, msg.getKeys()!) || isFailure(handler, msg)) return later(app);
        app.effect(msg);
        return success(app);
      };
  }
}

/** The keys of a workload that a handler fails on every delivery. */
export function failsAlways(handler: Handler, key: string): boolean {
  return handler.kind === 'fail' && handler.times === 'always' && messageIndex(key) % handler.every === 0;
}

function isFailure(handler: Extract<Handler, { kind: 'fail' }>, msg: MessageExt): boolean {
  return failsDelivery(handler, msg.getKeys()!, msg.reconsumeTimes);
}

/** Whether a handler fails the delivery of `key` with `reconsumeTimes` (a fail handler's own rule). */
export function failsDelivery(handler: Handler, key: string, reconsumeTimes: number): boolean {
  if (handler.kind !== 'fail') return false;
  const times = handler.times === 'always' ? Infinity : handler.times;
  return messageIndex(key) % handler.every === 0 && reconsumeTimes < times;
}

/** Where the harness is: world time, and the applications' state that outlives their processes. */
export interface Outside {
  readonly worldNow: () => number;
  readonly namesrvAddr: string;
  /** Stops the run: an application broke the handler contract (the runner throws the error). */
  readonly abort: (error: HandlerError) => void;
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
    producer.setSendLatencyFaultEnable(spec.sendLatencyFaultEnable);
    producer.start();
    // One callback for every send: what follows a send does not depend on which it was.
    const after = () => void env.setTimer(intervalMs, sendNext);
    const sendNext = (): void => {
      const i = source.next * step + p;
      if (i >= messages) return;
      source.next++;
      const msg = new Message(topic, tags[i % tags.length]!, utf8Encoder.encode(`message ${i}`));
      msg.setKeys(messageKey(i));
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
    if (group.instanceName !== undefined) consumer.setInstanceName(group.instanceName);
    consumer.setConsumeFromWhere(group.consumeFromWhere);
    consumer.setConsumeThreadMin(group.consumeThreads);
    consumer.setConsumeThreadMax(group.consumeThreads);
    consumer.setConsumeServiceTime(serviceTime(group, env));
    consumer.setMaxReconsumeTimes(group.maxReconsumeTimes);
    consumer.setConsumeTimeout(group.consumeTimeout);
    const app: AppContext = {
      group: group.group,
      consumeMode: group.consumeMode,
      db,
      effect: (msg) => env.trace('app.effect', { key: msg.getKeys(), group: group.group }),
    };
    const [success, later] = STATUSES[group.consumeMode];
    // A batch succeeds when every message does, as one Java listener call answers for all of them.
    const consume = (msgs: MessageExt[]) => {
      for (const msg of msgs) {
        const status = handler(msg, app);
        if (status === later) return later;
        if (status === success) continue;
        outside.abort(contractBroken(status, group, msg));
        return later;
      }
      return success;
    };
    if (group.consumeMode === 'orderly') {
      consumer.registerMessageListener({
        orderly: true,
        consumeMessage: (msgs: MessageExt[]) => consume(msgs) as ConsumeOrderlyStatus,
      });
    } else {
      consumer.registerMessageListener({
        consumeMessage: (msgs: MessageExt[]) => consume(msgs) as ConsumeConcurrentlyStatus,
      });
    }
    try {
      consumer.start();
    } catch (error) {
      // start() throws as RocketMQ's does (a BROADCASTING consumer whose offsets file and its .bak
      // are both unreadable): the application consumes nothing from this process.
      if (!(error instanceof MQClientException)) throw error;
      env.trace('consumer.start-failed', { group: group.group, error: error.message });
    }
    return consumer;
  };
}

/** The group's handler time: serviceTimeMs (fixed or drawn per call), or slowCalls' for a hung call. */
function serviceTime(group: ConsumerGroup, env: Env): ConsumeServiceTime {
  const time = group.serviceTimeMs;
  const normal: ConsumeServiceTime =
    typeof time === 'number' ? time : () => time[0] + env.rng.int(Math.max(1, time[1] - time[0] + 1));
  const slow = group.slowCalls;
  if (slow === undefined) return normal;
  return (msgs) => {
    const msg = msgs[0]!;
    const key = msg.getKeys();
    const hangs =
      key !== undefined && messageIndex(key) % slow.every === 0 && msg.reconsumeTimes < slow.times;
    if (hangs) return slow.ms;
    return typeof normal === 'number' ? normal : normal(msgs);
  };
}

function contractBroken(status: unknown, group: ConsumerGroup, msg: MessageExt): HandlerError {
  const [success, later] = STATUSES[group.consumeMode];
  const got = typeof status === 'string' ? `'${status}'` : String(status);
  return new HandlerError(
    `the handler returned ${got} for message ${msg.getKeys()} of group ${group.group} (consumeMode ${group.consumeMode}): ` +
      `return '${success}' or '${later}', or throw to have the message consumed again`,
  );
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
        env.net.request(
          master,
          request(RequestCode.UPDATE_AND_CREATE_TOPIC, create),
          3_000,
          onResult(() => {}),
        );
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
            onResult((result) => {
              if (recorded || !result.ok || (result.body as RemotingCommand).code !== ResponseCode.SUCCESS)
                return;
              recorded = true;
              env.trace('admin.reset-offset', {
                group: reset.group,
                topic: header.topic,
                timestamp: header.timestamp,
              });
            }),
          );
        }
      });
    }
    return {};
  };
}
