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
} from './exceptions.ts';
import type { MQFaultStrategy } from './latency-fault-tolerance.ts';
import { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import { SendResult } from './send-result.ts';
import type { TopicPublishInfo } from './topic-publish-info.ts';

export type CommunicationMode = 'SYNC' | 'ASYNC' | 'ONEWAY';

/** The outcome of one attempt (sendKernelImpl). */
export type Attempted = { ok: true; sendResult: SendResult | undefined } | { ok: false; error: Error };

/** One send in progress, for traces. */
export interface SendContext {
  readonly msg: Message;
  readonly mode: CommunicationMode;
  readonly uniqKey: string;
  attempts: number;
}

/** What an attempt needs of its producer. */
export interface SendHost {
  readonly env: Env;
  readonly factory: MQClientInstance;
  readonly mqFaultStrategy: MQFaultStrategy;
  retryTimesWhenSendAsyncFailed(): number;
}

/** SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2, then the request. */
export function sendMessageRequestV2(header: SendMessageRequestHeader, body: Uint8Array): RemotingCommand {
  const ext: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(header)) {
    if (value !== undefined) ext[SEND_HEADER_V2_NAMES[name as keyof SendMessageRequestHeader]] = value;
  }
  return request(RequestCode.SEND_MESSAGE_V2, ext, body);
}

export class MQClientAPIImpl {
  constructor(private readonly host: SendHost) {}

  /**
   * One attempt of `ctx`'s send to `mq` at `brokerAddr` (sendMessage); `beginStartTime` is when
   * sendKernelImpl began, from which a sync attempt's latency counts.
   */
  sendMessage(
    ctx: SendContext,
    mq: MessageQueue,
    brokerAddr: string,
    command: RemotingCommand,
    timeoutMillis: number,
    info: TopicPublishInfo | undefined,
    beginStartTime: number,
    done: (outcome: Attempted) => void,
  ): void {
    const { env, factory } = this.host;
    if (ctx.mode === 'ASYNC') {
      const times = { value: 0 };
      return this.sendMessageAsync(ctx, brokerAddr, mq.brokerName, command, timeoutMillis, info, times, done);
    }
    ctx.attempts++;
    this.traceAttempt(ctx, mq.brokerName, brokerAddr, mq.queueId, timeoutMillis);
    if (ctx.mode === 'ONEWAY') {
      factory.invokeOneway(brokerAddr, command);
      this.traceAttemptResult(ctx, mq.brokerName, { ok: true, sendResult: undefined }, 0);
      return done({ ok: true, sendResult: undefined });
    }
    factory.invoke(brokerAddr, command, timeoutMillis, (result) => {
      const outcome = result.ok
        ? processSendResponse(mq.brokerName, ctx.msg, result.response, brokerAddr)
        : { ok: false as const, error: result.error };
      this.traceAttemptResult(ctx, mq.brokerName, outcome, env.now() - beginStartTime);
      done(outcome);
    });
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
    done: (outcome: Attempted) => void,
  ): void {
    const { env, factory, mqFaultStrategy } = this.host;
    const beginStartTime = env.now();
    const onException = (error: Error, needRetry: boolean, remaining: number) => {
      times.value++;
      if (!needRetry || times.value > this.host.retryTimesWhenSendAsyncFailed())
        return done({ ok: false, error });
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
      this.sendMessageAsync(ctx, addr, retryBrokerName, command, remaining, info, times, done);
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
      this.traceAttemptResult(ctx, brokerName, { ok: false, error: early }, 0);
      mqFaultStrategy.updateFaultItem(brokerName, 0, true);
      return onException(early, true, timeoutMillis);
    }
    factory.invokeAsync(brokerAddr!, command, timeoutMillis, (result) => {
      const cost = env.now() - beginStartTime;
      const outcome = result.ok
        ? processSendResponse(brokerName, ctx.msg, result.response, brokerAddr!)
        : { ok: false as const, error: result.error };
      this.traceAttemptResult(ctx, brokerName, outcome, cost);
      mqFaultStrategy.updateFaultItem(brokerName, cost, !outcome.ok);
      if (outcome.ok) return done(outcome);
      // A broker's error answer is not retried; a missing answer is, with the time left.
      onException(outcome.error, !result.ok, timeoutMillis - cost);
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

  private traceAttemptResult(ctx: SendContext, broker: string, outcome: Attempted, latencyMs: number): void {
    const r = outcome.ok ? outcome.sendResult : undefined;
    this.host.env.trace('producer.attempt-result', {
      mode: ctx.mode,
      uniqKey: ctx.uniqKey,
      attempt: ctx.attempts,
      broker,
      latencyMs,
      ...(outcome.ok
        ? r === undefined
          ? { result: 'SENT_ONEWAY' }
          : {
              result: r.sendStatus,
              offsetMsgId: r.offsetMsgId,
              queueId: r.messageQueue.queueId,
              queueOffset: r.queueOffset,
            }
        : { error: describeError(outcome.error) }),
    });
  }
}

/** MQClientAPIImpl.processSendResponse: a SendResult for a stored message, else MQBrokerException. */
function processSendResponse(
  brokerName: string,
  msg: Message,
  response: RemotingCommand,
  addr: string,
): Attempted {
  const status = sendStatusOf(response.code);
  if (status === undefined) {
    return {
      ok: false,
      error: new MQBrokerException(response.code, response.remark ?? responseCodeName(response.code), addr),
    };
  }
  const ext = response.extFields ?? {};
  const queue = new MessageQueue(msg.topic, brokerName, Number(ext.queueId));
  const result = new SendResult(status, msg.getUniqKey()!, String(ext.msgId), queue, Number(ext.queueOffset));
  return { ok: true, sendResult: result };
}
