// CONSUMER_SEND_MSG_BACK, as both consume services send it: a message the listener gave up on goes
// back to the master of its queue's broker group (or, for the consume timeout's send-back, which
// names no group, to the broker that stored it: its store host, as DefaultMQPushConsumerImpl does
// for a null brokerName), which stores it in %RETRY%<group> at `delayLevel` (0: the broker picks
// 3 + reconsumeTimes) or, with a negative level, in %DLQ%<group>. `done(ok)` on the answer.
import { formatHost } from '../message/host.ts';
import type { MessageExt } from '../message/message.ts';
import { request } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { describeError } from './exceptions.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import { onInvokeResult } from './response-future.ts';

export const SEND_MSG_BACK_TIMEOUT = 5_000;

export interface SendBackFrom {
  readonly factory: MQClientInstance;
  readonly consumerGroup: string;
  /** The maxReconsumeTimes sent with the request. */
  maxReconsumeTimes(): number;
}

export function sendMessageBack(
  from: SendBackFrom,
  msg: MessageExt,
  brokerName: string | undefined,
  delayLevel: number,
  done: (ok: boolean) => void,
): void {
  const { factory, consumerGroup } = from;
  const addr =
    brokerName === undefined ? formatHost(msg.storeHost) : factory.findBrokerAddressInPublish(brokerName);
  if (addr === undefined) return done(false);
  const header = {
    offset: msg.commitLogOffset,
    group: consumerGroup,
    delayLevel,
    originMsgId: msg.getUniqKey() ?? msg.msgId,
    originTopic: msg.topic,
    unitMode: false,
    maxReconsumeTimes: from.maxReconsumeTimes(),
  };
  const command = request(RequestCode.CONSUMER_SEND_MSG_BACK, header);
  factory.invoke(
    addr,
    command,
    SEND_MSG_BACK_TIMEOUT,
    onInvokeResult((result) => {
      factory.env.trace('consumer.send-back', {
        group: consumerGroup,
        uniqKey: msg.getUniqKey(),
        reconsumeTimes: msg.reconsumeTimes,
        ...(delayLevel < 0 && { dlq: true }),
        outcome: result.ok ? responseCodeName(result.response.code) : describeError(result.error),
      });
      done(result.ok && result.response.code === ResponseCode.SUCCESS);
    }),
  );
}
