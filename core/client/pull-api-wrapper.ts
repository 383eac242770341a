// PullAPIWrapper (RocketMQ 4.9.x's PullAPIWrapper with the pull half of MQClientAPIImpl): the one
// pull path of both consumers, push and lite.
// - pullKernelImpl: the broker of the queue's group that the last answer suggested
//   (suggestWhichBrokerId; the master at first), the route fetched once from a NameServer when the
//   group's addresses are unknown; the commit-offset bit cleared when the broker is a slave; one
//   PULL_MESSAGE with the given timeout.
// - The answer (processPullResponse): SUCCESS is FOUND, PULL_NOT_FOUND NO_NEW_MSG,
//   PULL_RETRY_IMMEDIATELY NO_MATCHED_MSG, PULL_OFFSET_MOVED OFFSET_ILLEGAL; any other code or a
//   network failure is an error, named. Every answer that carries suggestWhichBrokerId updates the
//   queue's suggestion.
// - processPullResult: FOUND's messages decoded (a copy each), the client-side tag check of the
//   subscription, MIN_OFFSET and MAX_OFFSET stamped as properties.
// Simplifications: no filter servers or class filter, TAG expressions only; no pull hooks.
import type { SubscriptionData } from '../protocol/heartbeat-data.ts';
import { PullSysFlag } from '../protocol/pull-message-header.ts';
import { copyMessageExt, MessageConst, type MessageExt } from '../message/message.ts';
import { request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import { describeError } from './exceptions.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  readonly pullStatus: PullStatus;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  /** FOUND's messages after the tag check (empty otherwise). */
  readonly msgFoundList: MessageExt[];
}

/**
 * Java's PullCallback, with the question a pull asks before it goes out. A push consumer's queue
 * keeps one for all its pulls, so a pull makes no closure for its answer.
 */
export interface PullCallback {
  /** Asked again once the broker is known (a route fetch may come first): no means nothing is sent. */
  stillWanted(): boolean;
  onSuccess(pullResult: PullResult): void;
  /** Any answer but the four statuses, or a network failure, named. */
  onException(error: string): void;
}

/** What one pull asks for (pullKernelImpl's arguments). */
export interface PullArgs {
  readonly mq: MessageQueue;
  readonly subscription: SubscriptionData;
  /** The expression sent with the pull (the lite consumer's SUBSCRIPTION bit); none for push. */
  readonly subExpression?: string;
  readonly subVersion: number;
  readonly offset: number;
  readonly maxNums: number;
  readonly sysFlag: number;
  readonly commitOffset: number;
  readonly brokerSuspendMaxTimeMillis: number;
  readonly timeoutMillis: number;
}

const PULL_STATUS_OF_CODE = new Map<number, PullStatus>([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

export class PullAPIWrapper {
  private readonly pullFromWhichNodeTable = new Map<string, number>();

  constructor(
    private readonly factory: MQClientInstance,
    private readonly consumerGroup: string,
  ) {}

  /** One pull of `args.mq`; `callback` is asked whether it is still wanted, then gets the answer. */
  pullKernelImpl(args: PullArgs, callback: PullCallback): void {
    const found = this.findBroker(args.mq);
    if (found !== undefined) return this.send(args, found, callback);
    this.factory.updateTopicRouteInfoFromNameServer(args.mq.topic, () =>
      this.send(args, this.findBroker(args.mq), callback),
    );
  }

  /** The broker of the queue's group that the last answer suggested (the master at first). */
  private findBroker(mq: MessageQueue): { brokerAddr: string; slave: boolean } | undefined {
    const brokerId = this.pullFromWhichNodeTable.get(mq.key) ?? MASTER_ID;
    return this.factory.findBrokerAddressInSubscribe(mq.brokerName, brokerId, false);
  }

  private send(
    args: PullArgs,
    found: { brokerAddr: string; slave: boolean } | undefined,
    callback: PullCallback,
  ): void {
    const { factory } = this;
    if (!callback.stillWanted()) return;
    if (found === undefined) return callback.onException(`the broker[${args.mq.brokerName}] not exist`);
    if (found.slave) factory.env.probe('client.pull-from-slave');
    const sysFlag = found.slave ? args.sysFlag & ~PullSysFlag.COMMIT_OFFSET : args.sysFlag;
    const command = request(RequestCode.PULL_MESSAGE, this.header(args, sysFlag));
    factory.invoke(found.brokerAddr, command, args.timeoutMillis, {
      operationComplete: (response, error) => {
        if (error !== undefined) return callback.onException(describeError(error));
        this.processPullResponse(args, response!, callback);
      },
    });
  }

  /** PullMessageRequestHeader; the optional subscription is set in place, in order (no spread). */
  private header(args: PullArgs, sysFlag: number): Record<string, string | number> {
    const header: Record<string, string | number> = {
      consumerGroup: this.consumerGroup,
      topic: args.mq.topic,
      queueId: args.mq.queueId,
      queueOffset: args.offset,
      maxMsgNums: args.maxNums,
      sysFlag,
      commitOffset: Math.max(0, args.commitOffset),
      suspendTimeoutMillis: args.brokerSuspendMaxTimeMillis,
    };
    if (args.subExpression !== undefined) header.subscription = args.subExpression;
    header.subVersion = args.subVersion;
    header.expressionType = 'TAG';
    return header;
  }

  private processPullResponse(args: PullArgs, response: RemotingCommand, callback: PullCallback): void {
    const fields = response.extFields ?? {};
    const suggest = Number(fields['suggestWhichBrokerId']);
    if (Number.isFinite(suggest)) this.pullFromWhichNodeTable.set(args.mq.key, suggest);
    const pullStatus = PULL_STATUS_OF_CODE.get(response.code);
    if (pullStatus === undefined) return callback.onException(responseCodeName(response.code));
    callback.onSuccess({
      pullStatus,
      nextBeginOffset: Number(fields['nextBeginOffset']),
      minOffset: Number(fields['minOffset']),
      maxOffset: Number(fields['maxOffset']),
      msgFoundList: pullStatus === 'FOUND' ? processPullResult(args.subscription, response.body, fields) : [],
    });
  }
}

/** FOUND's messages that pass the client-side tag check: copies, MIN_OFFSET and MAX_OFFSET stamped. */
function processPullResult(
  sub: SubscriptionData,
  body: unknown,
  fields: Record<string, unknown>,
): MessageExt[] {
  const raw = Array.isArray(body) ? (body as MessageExt[]) : [];
  const minOffset = String(fields['minOffset']);
  const maxOffset = String(fields['maxOffset']);
  const msgs: MessageExt[] = [];
  for (const m of raw) {
    if (sub.tagsSet.length > 0 && !sub.tagsSet.includes(m.getTags() ?? '')) continue;
    const msg = copyMessageExt(m);
    msg.putProperty(MessageConst.MIN_OFFSET, minOffset);
    msg.putProperty(MessageConst.MAX_OFFSET, maxOffset);
    msgs.push(msg);
  }
  return msgs;
}
