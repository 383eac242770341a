// The send half of MQClientAPIImpl (RocketMQ 4.9.x): one attempt of a send on the wire.
// - The request is SEND_MESSAGE_V2 (sendSmartMsg's default): DefaultMQProducerImpl's
//   SendMessageRequestHeader under V2's one-letter field names, the body as it is.
// - SYNC waits for the answer within the attempt's time; ONEWAY hands the request to the network
//   and is done; ASYNC (sendMessageAsync) retries a failed attempt up to
//   retryTimesWhenSendAsyncFailed times when no answer came (a network failure or a timeout:
//   onExceptionImpl), the same request, queueId included, to the broker a new selection of the
//   fault strategy names, with the time the failed attempt left; a broker's error answer is final.
//   The callback hears of a timeout from the client's scanResponseTable, a second or two after the
//   timeout (MQClientInstance.invokeAsync), so a timed-out attempt leaves no time and its retries
//   are refused before the wire; only a request that failed at once is retried on the wire.
// - processSendResponse: a stored status (SEND_OK, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT,
//   SLAVE_NOT_AVAILABLE) is a SendResult; any other code is an MQBrokerException.
// Every attempt and its outcome is traced (producer.attempt, producer.attempt-result) with the
// send's UNIQ_KEY. Simplifications: no send hooks, no async sender executor, no compression; pulls
// (also invokeAsync in 4.9) time out at their timeout exactly.
import type { Env } from '../env.ts';
import type { Message } from '../message/message.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { responseCodeName } from '../protocol/response-code.ts';
import {
  sendStatusOf,
  SEND_HEADER_V2_NAMES,
  type SendMessageRequestHeader,
} from '../protocol/send-message-header.ts';
import {
  describeError,
  MQBrokerException,
  RemotingConnectException,
  RemotingTooMuchRequestException,
  type MQClientException,
  type RemotingException,
} from './exceptions.ts';
import type { MQFaultStrategy } from './latency-fault-tolerance.ts';
import { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import type { InvokeCallback } from './response-future.ts';
import { SendResult } from './send-result.ts';
import type { TopicPublishInfo } from './topic-publish-info.ts';

export type CommunicationMode = 'SYNC' | 'ASYNC' | 'ONEWAY';

/** One send in progress: what traces read, and where each attempt's outcome goes. */
export interface SendContext {
  readonly msg: Message;
  readonly mode: CommunicationMode;
  readonly uniqKey: string;
  attempts: number;
  /** The attempt's outcome: its SendResult (none for ONEWAY), or the error, never both. */
  attempted(error: Error | undefined, sendResult: SendResult | undefined): void;
}

/** What an attempt needs of its producer. */
export interface SendHost {
  readonly env: Env;
  readonly factory: MQClientInstance;
  readonly mqFaultStrategy: MQFaultStrategy;
  retryTimesWhenSendAsyncFailed(): number;
}

/** SendMessageRequestHeaderV2: the V1 header's fields under their one-letter names (SEND_HEADER_V2_NAMES). */
export type SendMessageRequestHeaderV2 = {
  -readonly [
    K in keyof SendMessageRequestHeader as (typeof SEND_HEADER_V2_NAMES)[K]
  ]: SendMessageRequestHeader[K];
};

/** The SEND_MESSAGE_V2 request; its header, made once as V2 (see sendMessageRequestHeader), is its extFields. */
export function sendMessageRequestV2(header: SendMessageRequestHeaderV2, body: Uint8Array): RemotingCommand {
  return request(RequestCode.SEND_MESSAGE_V2, header, body);
}

export class MQClientAPIImpl {
  constructor(private readonly host: SendHost) {}

  /**
   * One attempt of `ctx`'s send to `mq` at `brokerAddr` (sendMessage); `beginStartTime` is when
   * sendKernelImpl began, from which a sync attempt's latency counts. The outcome goes to ctx.attempted.
   */
  sendMessage(
    ctx: SendContext,
    mq: MessageQueue,
    brokerAddr: string,
    command: RemotingCommand,
    timeoutMillis: number,
    info: TopicPublishInfo | undefined,
    beginStartTime: number,
  ): void {
    const { factory } = this.host;
    if (ctx.mode === 'ASYNC') {
      const times = { value: 0 };
      return this.sendMessageAsync(ctx, brokerAddr, mq.brokerName, command, timeoutMillis, info, times);
    }
    ctx.attempts++;
    this.traceAttempt(ctx, mq.brokerName, brokerAddr, mq.queueId, timeoutMillis);
    if (ctx.mode === 'ONEWAY') {
      factory.invokeOneway(brokerAddr, command);
      this.traceAttemptResult(ctx, mq.brokerName, undefined, undefined, 0);
      return ctx.attempted(undefined, undefined);
    }
    factory.invoke(
      brokerAddr,
      command,
      timeoutMillis,
      new SyncAttempt(this, ctx, mq, brokerAddr, beginStartTime),
    );
  }

  /** A sync attempt's answer (`failure` when none came): traced, then told to the send. */
  syncAnswered(
    attempt: SyncAttempt,
    response: RemotingCommand | undefined,
    failure: RemotingException | MQClientException | undefined,
  ): void {
    const { ctx, mq } = attempt;
    const answer = failure ?? processSendResponse(mq.brokerName, ctx.msg, response!, attempt.brokerAddr, mq);
    const sendResult = answer instanceof SendResult ? answer : undefined;
    const error = sendResult === undefined ? (answer as Error) : undefined;
    const latency = this.host.env.now() - attempt.beginStartTime;
    this.traceAttemptResult(ctx, mq.brokerName, error, sendResult, latency);
    ctx.attempted(error, sendResult);
  }

  /** An async attempt and its retries of network failures (sendMessageAsync and onExceptionImpl). */
  private sendMessageAsync(
    ctx: SendContext,
    brokerAddr: string | undefined,
    brokerName: string,
    command: RemotingCommand,
    timeoutMillis: number,
    info: TopicPublishInfo | undefined,
    times: { value: number },
  ): void {
    const { env, factory, mqFaultStrategy } = this.host;
    const beginStartTime = env.now();
    const onException = (error: Error, needRetry: boolean, remaining: number) => {
      times.value++;
      if (!needRetry || times.value > this.host.retryTimesWhenSendAsyncFailed())
        return ctx.attempted(error, undefined);
      const retryBrokerName = info
        ? mqFaultStrategy.selectOneMessageQueue(info, brokerName).brokerName
        : brokerName;
      const addr = factory.findBrokerAddressInPublish(retryBrokerName);
      env.probe('client.send-async-retry');
      env.trace('producer.async-retry', {
        uniqKey: ctx.uniqKey,
        retry: times.value,
        broker: retryBrokerName,
      });
      this.sendMessageAsync(ctx, addr, retryBrokerName, command, remaining, info, times);
    };
    ctx.attempts++;
    const queueId = Number(command.extFields?.[SEND_HEADER_V2_NAMES.queueId]);
    this.traceAttempt(ctx, brokerName, brokerAddr ?? '', queueId, timeoutMillis);
    // NettyRemotingClient.invokeAsync refuses at once: no address, or no time left.
    const early =
      brokerAddr === undefined
        ? new RemotingConnectException(`connect to <null> failed (broker ${brokerName} not found)`)
        : timeoutMillis < 0
          ? new RemotingTooMuchRequestException('invokeAsync call timeout')
          : undefined;
    if (early !== undefined) {
      this.traceAttemptResult(ctx, brokerName, early, undefined, 0);
      mqFaultStrategy.updateFaultItem(brokerName, 0, true);
      return onException(early, true, timeoutMillis);
    }
    factory.invokeAsync(brokerAddr!, command, timeoutMillis, {
      operationComplete: (response, failure) => {
        const cost = env.now() - beginStartTime;
        const answer = failure ?? processSendResponse(brokerName, ctx.msg, response!, brokerAddr!);
        const sendResult = answer instanceof SendResult ? answer : undefined;
        const error = sendResult === undefined ? (answer as Error) : undefined;
        this.traceAttemptResult(ctx, brokerName, error, sendResult, cost);
        mqFaultStrategy.updateFaultItem(brokerName, cost, error !== undefined);
        if (error === undefined) return ctx.attempted(undefined, sendResult);
        // A broker's error answer is not retried; a missing answer is, with the time left.
        onException(error, failure !== undefined, timeoutMillis - cost);
      },
    });
  }

  private traceAttempt(
    ctx: SendContext,
    broker: string,
    brokerAddr: string,
    queueId: number,
    timeoutMs: number,
  ): void {
    this.host.env.trace('producer.attempt', {
      mode: ctx.mode,
      uniqKey: ctx.uniqKey,
      attempt: ctx.attempts,
      broker,
      brokerAddr,
      queueId,
      timeoutMs,
    });
  }

  /** An attempt's outcome: `error`, else `r` (none: SENT_ONEWAY). */
  private traceAttemptResult(
    ctx: SendContext,
    broker: string,
    error: Error | undefined,
    r: SendResult | undefined,
    latencyMs: number,
  ): void {
    // One literal for each outcome, its fields in this order: fields added to a made object would
    // go to a property array of their own (an object more an attempt).
    const { mode, uniqKey, attempts: attempt } = ctx;
    const fields =
      error !== undefined
        ? { mode, uniqKey, attempt, broker, latencyMs, error: describeError(error) }
        : r === undefined
          ? { mode, uniqKey, attempt, broker, latencyMs, result: 'SENT_ONEWAY' }
          : {
              mode,
              uniqKey,
              attempt,
              broker,
              latencyMs,
              result: r.sendStatus,
              offsetMsgId: r.offsetMsgId,
              queueId: r.messageQueue.queueId,
              queueOffset: r.queueOffset,
            };
    this.host.env.trace('producer.attempt-result', fields);
  }
}

/** What a sync attempt's answer is read with: one object an attempt, no closure or context. */
class SyncAttempt implements InvokeCallback {
  constructor(
    private readonly api: MQClientAPIImpl,
    readonly ctx: SendContext,
    readonly mq: MessageQueue,
    readonly brokerAddr: string,
    /** When sendKernelImpl began, from which the attempt's latency counts. */
    readonly beginStartTime: number,
  ) {}

  operationComplete(
    response: RemotingCommand | undefined,
    error: RemotingException | MQClientException | undefined,
  ): void {
    this.api.syncAnswered(this, response, error);
  }
}

/**
 * MQClientAPIImpl.processSendResponse: a SendResult for a stored message, else MQBrokerException.
 * The SendResult names `sent` when it is the queue the answer names (one MessageQueue less a send).
 */
function processSendResponse(
  brokerName: string,
  msg: Message,
  response: RemotingCommand,
  addr: string,
  sent?: MessageQueue,
): SendResult | MQBrokerException {
  const status = sendStatusOf(response.code);
  if (status === undefined) {
    return new MQBrokerException(response.code, response.remark ?? responseCodeName(response.code), addr);
  }
  const ext = response.extFields ?? {};
  const queueId = Number(ext.queueId);
  const queue =
    sent !== undefined &&
    sent.topic === msg.topic &&
    sent.brokerName === brokerName &&
    sent.queueId === queueId
      ? sent
      : new MessageQueue(msg.topic, brokerName, queueId);
  return new SendResult(status, msg.getUniqKey()!, String(ext.msgId), queue, Number(ext.queueOffset));
}
