// ConsumeMessageConcurrentlyService (RocketMQ 4.9.x), clustering: runs the listener on a pool of
// simulated consume threads and turns its answer into offsets and retries.
// - Pulled messages are cut into requests of consumeMessageBatchMaxSize and queued FIFO; a free
//   thread takes the next one. Java's pool has an unbounded queue, so only consumeThreadMin
//   threads ever run; here too.
// - Handling a request occupies its thread for the service time; the listener is called when
//   that time is over (the moment its effects happen), so requests of one queue that start in
//   order can finish, and be seen, out of order.
// - Before the listener, a message from the %RETRY% topic gets its original topic back
//   (RETRY_TOPIC). A request whose ProcessQueue is dropped when a thread takes it is skipped; one
//   whose queue is dropped while its listener runs (its service time) has its result discarded,
//   after the listener's effects happened (the queue's next owner consumes it again).
// - CONSUME_SUCCESS acks up to context.ackIndex; RECONSUME_LATER (or a throw) acks nothing. Each
//   unacked message is sent back (CONSUMER_SEND_MSG_BACK, delayLevel from the context, 0 by
//   default, which the broker turns into 3 + reconsumeTimes); if that fails, its reconsumeTimes
//   grows by one and it is consumed again here after 5 s, staying in the ProcessQueue. The rest
//   leave the ProcessQueue and the offset it answers is stored (increase only).
// - The consume timeout (cleanExpireMsg): a request that takes a thread stamps its messages'
//   CONSUME_START_TIME. Every consumeTimeout minutes (15 by default; the first after one period),
//   each ProcessQueue of the consumer is looked at in turn, up to 16 times: while its first cached
//   message started more than consumeTimeout ago, it is sent back with delay level 3 to the broker
//   that stored it (its store host) and, if that worked and it is still first, dropped from the
//   ProcessQueue; a failed send-back leaves it, and the next look tries it again. The handler still
//   runs: the message is consumed again from the retry topic while (or after) it finishes, and the
//   offset moves past it at the queue's next result. Orderly consumers have no such cleaning.
// Simplifications: the send-back is asynchronous and does not hold the thread; no fallback send
// through the instance's inner producer when the send-back fails (Java tries one); a clean round
// that is still sending back when the next falls due delays it (Java's fixed-rate thread would
// run it late too); no consume hooks or statistics.
import type { Env } from '../env.ts';
import { MessageConst, type MessageExt } from '../message/message.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import type { ProcessQueue } from './process-queue.ts';
import type { OffsetStore } from './offset-store.ts';
import { traceDelivery } from './delivery-trace.ts';
import { ScheduledExecutor } from './scheduled-executor.ts';
import { sendMessageBack } from './send-message-back.ts';

export type ConsumeConcurrentlyStatus = 'CONSUME_SUCCESS' | 'RECONSUME_LATER';

export interface ConsumeConcurrentlyContext {
  readonly messageQueue: MessageQueue;
  /** 0: the broker picks 3 + reconsumeTimes; negative: straight to the DLQ. */
  delayLevelWhenNextConsume: number;
  /** The last acknowledged index on CONSUME_SUCCESS; Integer.MAX_VALUE means all. */
  ackIndex: number;
}

/** The user's listener (MessageListenerConcurrently). */
export interface MessageListenerConcurrently {
  consumeMessage(msgs: MessageExt[], context: ConsumeConcurrentlyContext): ConsumeConcurrentlyStatus;
}

/** Time (ms) a request's handling occupies its thread. */
export type ConsumeServiceTime = number | ((msgs: readonly MessageExt[]) => number);

/** Delay of the local retry after a failed send-back (ms). */
export const CONSUME_LATER_DELAY = 5_000;
/** DefaultMQPushConsumer.consumeTimeout's default, in minutes. */
export const DEFAULT_CONSUME_TIMEOUT_MINUTES = 15;
/** ProcessQueue.cleanExpiredMsg looks at most this many times a queue per round. */
const CLEAN_EXPIRED_MAX_LOOKS = 16;
/** The level cleanExpiredMsg sends an expired message back with (10 s by default). */
const EXPIRED_DELAY_LEVEL = 3;
/** Timeout of CONSUMER_SEND_MSG_BACK (ms). */
const INTEGER_MAX = 0x7fff_ffff;

/** What the service needs of its consumer. */
export interface ConsumeServiceHost {
  readonly env: Env;
  readonly consumerGroup: string;
  readonly factory: MQClientInstance;
  readonly offsetStore: OffsetStore;
  readonly retryTopic: string;
  /** BROADCASTING: a failed message is dropped, not sent back (RocketMQ only logs it). */
  broadcasting(): boolean;
  consumeThreads(): number;
  consumeMessageBatchMaxSize(): number;
  serviceTime(msgs: readonly MessageExt[]): number;
  /** The maxReconsumeTimes sent with a send-back (16 when the consumer says -1). */
  maxReconsumeTimes(): number;
  /** consumeTimeout, in minutes. */
  consumeTimeout(): number;
  /** The consumer's ProcessQueues now (its rebalance's processQueueTable). */
  processQueues(): Iterable<{ readonly mq: MessageQueue; readonly pq: ProcessQueue }>;
}

interface ConsumeRequest {
  readonly msgs: readonly MessageExt[];
  readonly pq: ProcessQueue;
  readonly mq: MessageQueue;
}

export class ConsumeMessageConcurrentlyService {
  private readonly waiting: ConsumeRequest[] = [];
  private readonly scheduled: ScheduledExecutor;
  private busy = 0;
  /** Consume threads not running a request, kept for the next one. */
  private readonly idleThreads: ConsumeThread[] = [];
  private readonly threadHost = (thread: ConsumeThread): void => this.threadDone(thread);
  /** Who delivers, as traceDelivery records it (the same for every delivery). */
  private who: { group: string; clientId: string; orderly: boolean } | undefined;
  private stopped = false;
  /** A clean round is sending back; `again`: another fell due meanwhile. */
  private cleaning: { again: boolean } | undefined;

  constructor(
    private readonly host: ConsumeServiceHost,
    private readonly listener: MessageListenerConcurrently,
  ) {
    this.scheduled = new ScheduledExecutor(host.env);
  }

  /** Requests queued, not yet on a thread. */
  get backlog(): number {
    return this.waiting.length;
  }

  submitConsumeRequest(msgs: readonly MessageExt[], pq: ProcessQueue, mq: MessageQueue): void {
    const size = Math.max(1, this.host.consumeMessageBatchMaxSize());
    // One request takes the list as it is (no copy): nothing changes it after the pull.
    if (msgs.length <= size) this.waiting.push({ msgs, pq, mq });
    else
      for (let i = 0; i < msgs.length; i += size)
        this.waiting.push({ msgs: msgs.slice(i, i + size), pq, mq });
    this.schedule();
  }

  /** Starts cleanExpireMsg every consumeTimeout minutes, the first one period after start. */
  start(): void {
    const period = this.host.consumeTimeout() * 60_000;
    this.scheduled.scheduleAtFixedRate(period, period, () => this.cleanExpireMsg());
  }

  shutdown(): void {
    this.stopped = true;
    this.scheduled.shutdown();
    this.waiting.length = 0;
  }

  private schedule(): void {
    while (!this.stopped && this.busy < this.host.consumeThreads() && this.waiting.length > 0) {
      const req = this.waiting.shift()!;
      // ConsumeRequest.run checks the queue as a thread picks the request up, before the listener
      // runs (its service time); a queue dropped while it runs is seen after it (run()).
      if (req.pq.dropped) {
        this.host.env.probe('client.consume-skipped-dropped');
        this.host.env.trace('consumer.consume-skipped', {
          group: this.host.consumerGroup,
          mq: req.mq.key,
          reason: 'dropped',
        });
        continue;
      }
      this.busy++;
      const started = String(this.host.env.now());
      for (const msg of req.msgs) msg.putProperty(MessageConst.CONSUME_START_TIME, started);
      const serviceTime = Math.max(0, this.host.serviceTime(req.msgs));
      const thread = this.idleThreads.pop() ?? new ConsumeThread(this.threadHost);
      thread.req = req;
      this.scheduled.schedule(serviceTime, thread.done);
    }
  }

  /** A thread's request has had its service time: the thread is free, the listener runs. */
  private threadDone(thread: ConsumeThread): void {
    const req = thread.req!;
    thread.req = undefined;
    this.idleThreads.push(thread);
    this.busy--;
    this.run(req);
    this.schedule();
  }

  private run(req: ConsumeRequest): void {
    const { env, consumerGroup, factory } = this.host;
    const { msgs, pq, mq } = req;
    const who = (this.who ??= { group: consumerGroup, clientId: factory.clientId, orderly: false });
    for (const msg of msgs) {
      const original = msg.getProperty(MessageConst.RETRY_TOPIC);
      if (original !== undefined && msg.topic === this.host.retryTopic) {
        env.probe('client.retry-message-consumed');
        msg.topic = original;
      }
      traceDelivery(env, msg, mq, who);
    }
    const context: ConsumeConcurrentlyContext = {
      messageQueue: mq,
      delayLevelWhenNextConsume: 0,
      ackIndex: INTEGER_MAX,
    };
    let status: ConsumeConcurrentlyStatus = 'RECONSUME_LATER';
    try {
      const answer = this.listener.consumeMessage([...msgs], context);
      if (answer === 'CONSUME_SUCCESS' || answer === 'RECONSUME_LATER') status = answer;
    } catch (error) {
      env.trace('consumer.listener-threw', { group: consumerGroup, error: String(error) });
    }
    pq.lastConsumeTimestamp = env.now();
    if (pq.dropped) {
      env.probe('client.consume-result-discarded');
      env.trace('consumer.result-discarded', { group: consumerGroup, mq: mq.key, status });
      return;
    }
    this.processConsumeResult(status, context, req);
  }

  private processConsumeResult(
    status: ConsumeConcurrentlyStatus,
    context: ConsumeConcurrentlyContext,
    req: ConsumeRequest,
  ): void {
    const { msgs, pq, mq } = req;
    let ackIndex = context.ackIndex;
    if (status === 'CONSUME_SUCCESS') ackIndex = Math.min(ackIndex, msgs.length - 1);
    else ackIndex = -1;
    if (ackIndex === msgs.length - 1) return this.removeConsumed(msgs, pq, mq);
    const unacked = msgs.slice(ackIndex + 1);
    const failed: MessageExt[] = [];
    const finish = () => {
      const done = msgs.filter((m) => !failed.includes(m));
      if (failed.length > 0)
        this.scheduled.schedule(CONSUME_LATER_DELAY, () => this.submitConsumeRequest(failed, pq, mq));
      this.removeConsumed(done, pq, mq);
    };
    let left = unacked.length;
    if (this.host.broadcasting()) {
      for (const msg of unacked)
        this.host.env.trace('consumer.broadcast-drop', {
          group: this.host.consumerGroup,
          key: msg.getKeys() ?? null,
          mq: mq.key,
          queueOffset: msg.queueOffset,
        });
      return finish();
    }
    for (const msg of unacked) {
      sendMessageBack(this.host, msg, mq.brokerName, context.delayLevelWhenNextConsume, (ok) => {
        if (!ok) {
          this.host.env.probe('client.send-back-failed');
          msg.reconsumeTimes++;
          failed.push(msg);
        }
        if (--left === 0) finish();
      });
    }
  }

  /** The handled messages leave the ProcessQueue; the offset it answers is stored (increase only). */
  private removeConsumed(done: readonly MessageExt[], pq: ProcessQueue, mq: MessageQueue): void {
    const offset = pq.removeMessage(done);
    if (offset >= 0 && !pq.dropped) this.host.offsetStore.updateOffset(mq, offset, true);
  }

  /** One round of cleanExpireMsg: each ProcessQueue in turn (one clean thread), then the next round if due. */
  private cleanExpireMsg(): void {
    if (this.cleaning !== undefined) {
      this.cleaning.again = true;
      return;
    }
    const round = (this.cleaning = { again: false });
    const queues = [...this.host.processQueues()];
    const next = (i: number): void => {
      if (this.stopped) return;
      if (i < queues.length) return this.cleanExpiredMsg(queues[i]!.pq, queues[i]!.mq, 0, () => next(i + 1));
      this.cleaning = undefined;
      if (round.again) this.cleanExpireMsg();
    };
    next(0);
  }

  /** ProcessQueue.cleanExpiredMsg: up to 16 looks at the queue's first message, each sending back an expired one. */
  private cleanExpiredMsg(pq: ProcessQueue, mq: MessageQueue, looks: number, done: () => void): void {
    const timeoutMs = this.host.consumeTimeout() * 60_000;
    const msg = looks < CLEAN_EXPIRED_MAX_LOOKS ? pq.expiredHead(this.host.env.now(), timeoutMs) : undefined;
    if (msg === undefined || this.stopped) return done();
    sendMessageBack(this.host, msg, undefined, EXPIRED_DELAY_LEVEL, (ok) => {
      if (ok) {
        this.host.env.probe('client.consume-timeout-send-back');
        pq.removeIfFirst(msg);
      } else this.host.env.probe('client.consume-timeout-send-back-failed');
      this.host.env.trace('consumer.consume-timeout', {
        group: this.host.consumerGroup,
        mq: mq.key,
        queueOffset: msg.queueOffset,
        sentBack: ok,
      });
      this.cleanExpiredMsg(pq, mq, looks + 1, done);
    });
  }
}

/**
 * One consume thread of the pool: the request it runs, and the task (made once) that ends that
 * request's service time, so a request takes a thread without a closure.
 */
class ConsumeThread {
  req: ConsumeRequest | undefined;
  readonly done = (): void => this.onDone(this);

  constructor(private readonly onDone: (thread: ConsumeThread) => void) {}
}
