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
// - processPullResult: FOUND's messages (decoded from the records' bytes on the wire; on the object
//   path, the broker's fresh decode), the client-side tag check of the subscription, MIN_OFFSET
//   and MAX_OFFSET stamped as properties.
// Simplifications: no filter servers or class filter, TAG expressions only; no pull hooks.
import type { SubscriptionData } from '../protocol/heartbeat-data.ts';
import { PullSysFlag } from '../protocol/pull-message-header.ts';
import { MessageConst, type MessageExt } from '../message/message.ts';
import { NO_FIELDS } from '../protocol/header-reader.ts';
import { request, type ExtFields, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import { describeError } from './exceptions.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance } from './mq-client-instance.ts';
import type { InvokeCallback } from './response-future.ts';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

/**
 * A pull's answer. The wrapper fills one object for every answer it hands to a callback: read it
 * in the callback (msgFoundList is the answer's own list, to keep).
 */
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
  /**
   * The wrapper's handler of this callback's answers, made at its first pull and kept here, so a
   * callback used for many pulls (a push consumer's queue) makes no closure a pull. A callback
   * is always pulled with the same PullArgs object, which its handler reads.
   */
  answered?: InvokeCallback;
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
  /** Every answer's PullResult, filled in place (PullResult says so). */
  private readonly result: { -readonly [K in keyof PullResult]: PullResult[K] } = {
    pullStatus: 'FOUND',
    nextBeginOffset: 0,
    minOffset: 0,
    maxOffset: 0,
    msgFoundList: [],
  };

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
    const answered = (callback.answered ??= {
      operationComplete: (response, error) => {
        if (error !== undefined) return callback.onException(describeError(error));
        this.processPullResponse(args, response!, callback);
      },
    });
    factory.invoke(found.brokerAddr, command, args.timeoutMillis, answered);
  }

  /** PullMessageRequestHeader: one literal for each shape (with the optional subscription or without). */
  private header(args: PullArgs, sysFlag: number): Record<string, string | number> {
    const { mq, subExpression } = args;
    const commitOffset = Math.max(0, args.commitOffset);
    return subExpression === undefined
      ? {
          consumerGroup: this.consumerGroup,
          topic: mq.topic,
          queueId: mq.queueId,
          queueOffset: args.offset,
          maxMsgNums: args.maxNums,
          sysFlag,
          commitOffset,
          suspendTimeoutMillis: args.brokerSuspendMaxTimeMillis,
          subVersion: args.subVersion,
          expressionType: 'TAG',
        }
      : {
          consumerGroup: this.consumerGroup,
          topic: mq.topic,
          queueId: mq.queueId,
          queueOffset: args.offset,
          maxMsgNums: args.maxNums,
          sysFlag,
          commitOffset,
          suspendTimeoutMillis: args.brokerSuspendMaxTimeMillis,
          subscription: subExpression,
          subVersion: args.subVersion,
          expressionType: 'TAG',
        };
  }

  private processPullResponse(args: PullArgs, response: RemotingCommand, callback: PullCallback): void {
    const fields = response.extFields ?? NO_FIELDS;
    const suggest = Number(fields['suggestWhichBrokerId']);
    if (Number.isFinite(suggest)) this.pullFromWhichNodeTable.set(args.mq.key, suggest);
    const pullStatus = PULL_STATUS_OF_CODE.get(response.code);
    if (pullStatus === undefined) return callback.onException(responseCodeName(response.code));
    const result = this.result;
    result.pullStatus = pullStatus;
    result.nextBeginOffset = Number(fields['nextBeginOffset']);
    result.minOffset = Number(fields['minOffset']);
    result.maxOffset = Number(fields['maxOffset']);
    result.msgFoundList =
      pullStatus === 'FOUND' ? processPullResult(args.subscription, response.body, fields) : [];
    callback.onSuccess(result);
  }
}

/**
 * FOUND's messages that pass the client-side tag check, MIN_OFFSET and MAX_OFFSET stamped. The
 * answer's messages are this client's own (decoded from the wire, or the broker's fresh decode of
 * its records on the object path, which nothing else holds), as RocketMQ's decodes are: stamped
 * in place, and the list itself kept when no tag is filtered.
 */
function processPullResult(sub: SubscriptionData, body: unknown, fields: ExtFields): MessageExt[] {
  const raw = Array.isArray(body) ? (body as MessageExt[]) : [];
  const minOffset = String(fields['minOffset']);
  const maxOffset = String(fields['maxOffset']);
  const tags = sub.tagsSet;
  const msgs = tags.length === 0 ? raw : raw.filter((m) => tags.includes(m.getTags() ?? ''));
  for (const msg of msgs) {
    msg.putProperty(MessageConst.MIN_OFFSET, minOffset);
    msg.putProperty(MessageConst.MAX_OFFSET, maxOffset);
  }
  return msgs;
}
