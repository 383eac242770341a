// ConsumeMessageOrderlyService (RocketMQ 4.9.x), clustering: consumes each queue one batch at a
// time, in queue-offset order, and only while this client holds the queue's broker lock.
// - A pull that finds no consume request under way for its queue (ProcessQueue.consuming)
//   submits one; requests wait FIFO for one of the consume threads. One request per queue runs
//   at a time (Java's per-queue synchronized lock); a second one waits for the first to end.
// - A request loops while the ProcessQueue is locked and its lock not older than 30 s, for at
//   most 60 s (then it yields and is resubmitted 10 ms later): it takes the next
//   consumeMessageBatchMaxSize messages (takeMessages), holds the consume lock for the service
//   time, and calls the listener at the end of it. Not locked, or lock expired: it tries LOCK_BATCH_MQ
//   for the queue after 10 ms (100 ms when found so at the start) and resubmits itself 10 ms after
//   a granted lock, 3 s after a refused one.
// - SUCCESS: commit (the offset is the largest consumed + 1, stored not increase-only, and only
//   while the queue is not dropped). SUSPEND_CURRENT_QUEUE_A_MOMENT (or a throw): each message's
//   reconsumeTimes grows and the batch goes back to the cache, consumed again after
//   context.suspendCurrentQueueTimeMillis (-1: the consumer's, 1 s by default; clamped to
//   10 ms … 30 s); a message already at maxReconsumeTimes (Integer.MAX_VALUE by default) is sent
//   back instead, and when all of the batch were sent back it is committed.
// - lockAll every 20 s (first after 1 s) renews the locks; shutdown unlocks every queue.
// Simplifications: the send-back is CONSUMER_SEND_MSG_BACK with delayLevel -1 (straight to the
// DLQ), where Java sends a %RETRY% message that the broker diverts to the DLQ; no autoCommit =
// false (COMMIT / ROLLBACK), no consume hooks or statistics, no consumeTimeout.
import type { Env } from '../env.ts';
import { MessageConst, type MessageExt } from '../message/message.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import type { ProcessQueue } from './process-queue.ts';
import type { RebalancePushImpl } from './rebalance.ts';
import type { OffsetStore } from './offset-store.ts';
import { traceDelivery } from './delivery-trace.ts';
import { ScheduledExecutor } from './scheduled-executor.ts';
import { sendMessageBack } from './send-message-back.ts';

export type ConsumeOrderlyStatus = 'SUCCESS' | 'SUSPEND_CURRENT_QUEUE_A_MOMENT';

export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  /** -1: the consumer's suspendCurrentQueueTimeMillis. */
  suspendCurrentQueueTimeMillis: number;
}

/** The user's orderly listener (MessageListenerOrderly); `orderly: true` tells it apart. */
export interface MessageListenerOrderly {
  readonly orderly: true;
  consumeMessage(msgs: MessageExt[], context: ConsumeOrderlyContext): ConsumeOrderlyStatus;
}

/** Longest a consume request runs before yielding (ms). */
export const MAX_TIME_CONSUME_CONTINUOUSLY = 60_000;
/** lockAll's period (ms). */
export const REBALANCE_LOCK_INTERVAL = 20_000;
export const INTEGER_MAX = 0x7fff_ffff;

export interface OrderlyServiceHost {
  readonly env: Env;
  readonly consumerGroup: string;
  readonly factory: MQClientInstance;
  readonly offsetStore: OffsetStore;
  readonly rebalance: RebalancePushImpl;
  readonly retryTopic: string;
  consumeThreads(): number;
  consumeMessageBatchMaxSize(): number;
  serviceTime(msgs: readonly MessageExt[]): number;
  /** Integer.MAX_VALUE when the consumer says -1. */
  maxReconsumeTimes(): number;
  suspendCurrentQueueTimeMillis(): number;
}

interface ConsumeRequest {
  readonly pq: ProcessQueue;
  readonly mq: MessageQueue;
}

export class ConsumeMessageOrderlyService {
  private readonly waiting: ConsumeRequest[] = [];
  /** Queues with a request running, and requests waiting for them (the per-queue lock). */
  private readonly running = new Map<string, ConsumeRequest[]>();
  private readonly scheduled: ScheduledExecutor;
  private busy = 0;
  private stopped = false;

  constructor(
    private readonly host: OrderlyServiceHost,
    private readonly listener: MessageListenerOrderly,
  ) {
    this.scheduled = new ScheduledExecutor(host.env);
  }

  start(): void {
    this.scheduled.scheduleAtFixedRate(1_000, REBALANCE_LOCK_INTERVAL, () => this.host.rebalance.lockAll());
  }

  shutdown(): void {
    this.stopped = true;
    this.scheduled.shutdown();
    this.waiting.length = 0;
    this.host.rebalance.unlockAll();
  }

  /** Called after a pull cached messages; a request only when `dispatchToConsume`. */
  submitConsumeRequest(pq: ProcessQueue, mq: MessageQueue, dispatchToConsume: boolean): void {
    if (!dispatchToConsume) return;
    this.waiting.push({ pq, mq });
    this.schedule();
  }

  private submitConsumeRequestLater(pq: ProcessQueue, mq: MessageQueue, delay: number): void {
    const ms = Math.min(
      30_000,
      Math.max(10, delay === -1 ? this.host.suspendCurrentQueueTimeMillis() : delay),
    );
    this.scheduled.schedule(ms, () => this.submitConsumeRequest(pq, mq, true));
  }

  private tryLockLaterAndReconsume(pq: ProcessQueue, mq: MessageQueue, delay: number): void {
    this.scheduled.schedule(delay, () =>
      this.host.rebalance.lock(mq, (ok) => this.submitConsumeRequestLater(pq, mq, ok ? 10 : 3_000)),
    );
  }

  private schedule(): void {
    while (!this.stopped && this.busy < this.host.consumeThreads() && this.waiting.length > 0) {
      const req = this.waiting.shift()!;
      const queued = this.running.get(req.mq.key);
      if (queued !== undefined) {
        queued.push(req);
        continue;
      }
      this.running.set(req.mq.key, []);
      this.busy++;
      this.run(req);
    }
  }

  /** The request ends: its thread and its queue are free again. */
  private end(req: ConsumeRequest): void {
    this.busy--;
    const queued = this.running.get(req.mq.key) ?? [];
    this.running.delete(req.mq.key);
    this.waiting.unshift(...queued);
    this.schedule();
  }

  private run(req: ConsumeRequest): void {
    const { env } = this.host;
    const { pq, mq } = req;
    if (pq.dropped) return this.end(req);
    if (!pq.locked || pq.isLockExpired(env.now())) {
      this.tryLockLaterAndReconsume(pq, mq, 100);
      return this.end(req);
    }
    this.step(req, env.now());
  }

  private step(req: ConsumeRequest, beginTime: number): void {
    const { env, consumerGroup, factory } = this.host;
    const { pq, mq } = req;
    if (this.stopped || pq.dropped) return this.end(req);
    if (!pq.locked || pq.isLockExpired(env.now())) {
      env.probe('client.orderly-not-locked');
      env.trace('consumer.orderly-not-locked', {
        group: consumerGroup,
        clientId: factory.clientId,
        mq: mq.key,
      });
      this.tryLockLaterAndReconsume(pq, mq, 10);
      return this.end(req);
    }
    if (env.now() - beginTime > MAX_TIME_CONSUME_CONTINUOUSLY) {
      this.submitConsumeRequestLater(pq, mq, 10);
      return this.end(req);
    }
    const msgs = pq.takeMessages(Math.max(1, this.host.consumeMessageBatchMaxSize()));
    if (msgs.length === 0) return this.end(req);
    for (const msg of msgs) {
      const original = msg.getProperty(MessageConst.RETRY_TOPIC);
      if (original !== undefined && msg.topic === this.host.retryTopic) msg.topic = original;
    }
    if (!pq.tryConsumeLock()) {
      // Cannot happen with one request per queue; kept as Java's lock would block.
      pq.makeMessageToConsumeAgain(msgs);
      this.submitConsumeRequestLater(pq, mq, 10);
      return this.end(req);
    }
    const context: ConsumeOrderlyContext = { messageQueue: mq, suspendCurrentQueueTimeMillis: -1 };
    this.scheduled.schedule(Math.max(0, this.host.serviceTime(msgs)), () => {
      let status: ConsumeOrderlyStatus = 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
      for (const msg of msgs) {
        traceDelivery(env, msg, mq, { group: consumerGroup, clientId: factory.clientId, orderly: true });
      }
      try {
        const answer = this.listener.consumeMessage([...msgs], context);
        if (answer === 'SUCCESS' || answer === 'SUSPEND_CURRENT_QUEUE_A_MOMENT') status = answer;
      } catch (error) {
        env.trace('consumer.listener-threw', { group: consumerGroup, error: String(error) });
      }
      pq.lastConsumeTimestamp = env.now();
      pq.releaseConsumeLock();
      this.processConsumeResult(msgs, status, context, req, (continueConsume) => {
        if (continueConsume) this.step(req, beginTime);
        else this.end(req);
      });
    });
  }

  private processConsumeResult(
    msgs: MessageExt[],
    status: ConsumeOrderlyStatus,
    context: ConsumeOrderlyContext,
    req: ConsumeRequest,
    done: (continueConsume: boolean) => void,
  ): void {
    const { pq, mq } = req;
    const commit = () => {
      const offset = pq.commit();
      if (offset >= 0 && !pq.dropped) this.host.offsetStore.updateOffset(mq, offset, false);
      done(true);
    };
    if (status === 'SUCCESS') return commit();
    this.host.env.probe('client.orderly-suspend');
    this.host.env.trace('consumer.orderly-suspend', {
      group: this.host.consumerGroup,
      mq: mq.key,
      offsets: msgs.map((m) => m.queueOffset),
    });
    this.checkReconsumeTimes(msgs, mq, (suspend) => {
      if (!suspend) return commit();
      pq.makeMessageToConsumeAgain(msgs);
      this.submitConsumeRequestLater(pq, mq, context.suspendCurrentQueueTimeMillis);
      done(false);
    });
  }

  /** True when the batch must be consumed again (some message below the max, or a failed send-back). */
  private checkReconsumeTimes(
    msgs: readonly MessageExt[],
    mq: MessageQueue,
    done: (suspend: boolean) => void,
  ): void {
    const max = this.host.maxReconsumeTimes();
    let suspend = false;
    let left = msgs.length;
    const one = () => --left === 0 && done(suspend);
    for (const msg of msgs) {
      if (msg.reconsumeTimes < max) {
        suspend = true;
        msg.reconsumeTimes++;
        one();
        continue;
      }
      sendMessageBack(this.host, msg, mq.brokerName, -1, (ok) => {
        if (!ok) {
          suspend = true;
          msg.reconsumeTimes++;
        }
        one();
      });
    }
  }

  /** CONSUMER_SEND_MSG_BACK with delayLevel -1: the broker stores the message in %DLQ%group. */
}
