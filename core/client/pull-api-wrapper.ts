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
import { copyMessageExt, type MessageExt } from '../message/message.ts';
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

export type PullOutcome = { ok: true; pullResult: PullResult } | { ok: false; error: string };

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

  /**
   * One pull of `args.mq`; `stillWanted` is asked again once the broker is known (a route fetch
   * may come first), and nothing is sent when it says no. `done` gets every answer.
   */
  pullKernelImpl(args: PullArgs, stillWanted: () => boolean, done: (outcome: PullOutcome) => void): void {
    const { factory } = this;
    const mq = args.mq;
    const find = () =>
      factory.findBrokerAddressInSubscribe(
        mq.brokerName,
        this.pullFromWhichNodeTable.get(mq.key) ?? MASTER_ID,
        false,
      );
    const send = (found: { brokerAddr: string; slave: boolean } | undefined) => {
      if (!stillWanted()) return;
      if (found === undefined) return done({ ok: false, error: `the broker[${mq.brokerName}] not exist` });
      if (found.slave) factory.env.probe('client.pull-from-slave');
      const sysFlag = found.slave ? args.sysFlag & ~PullSysFlag.COMMIT_OFFSET : args.sysFlag;
      const command = request(RequestCode.PULL_MESSAGE, this.header(args, sysFlag));
      factory.invoke(found.brokerAddr, command, args.timeoutMillis, (result) => {
        if (!result.ok) return done({ ok: false, error: describeError(result.error) });
        done(this.processPullResponse(args, result.response));
      });
    };
    const found = find();
    if (found !== undefined) return send(found);
    factory.updateTopicRouteInfoFromNameServer(mq.topic, () => send(find()));
  }

  private header(args: PullArgs, sysFlag: number): Record<string, string | number> {
    return {
      consumerGroup: this.consumerGroup,
      topic: args.mq.topic,
      queueId: args.mq.queueId,
      queueOffset: args.offset,
      maxMsgNums: args.maxNums,
      sysFlag,
      commitOffset: Math.max(0, args.commitOffset),
      suspendTimeoutMillis: args.brokerSuspendMaxTimeMillis,
      ...(args.subExpression === undefined ? {} : { subscription: args.subExpression }),
      subVersion: args.subVersion,
      expressionType: 'TAG',
    };
  }

  private processPullResponse(args: PullArgs, response: RemotingCommand): PullOutcome {
    const fields = response.extFields ?? {};
    const suggest = Number(fields['suggestWhichBrokerId']);
    if (Number.isFinite(suggest)) this.pullFromWhichNodeTable.set(args.mq.key, suggest);
    const pullStatus = PULL_STATUS_OF_CODE.get(response.code);
    if (pullStatus === undefined) return { ok: false, error: responseCodeName(response.code) };
    const pullResult: PullResult = {
      pullStatus,
      nextBeginOffset: Number(fields['nextBeginOffset']),
      minOffset: Number(fields['minOffset']),
      maxOffset: Number(fields['maxOffset']),
      msgFoundList: pullStatus === 'FOUND' ? processPullResult(args.subscription, response.body, fields) : [],
    };
    return { ok: true, pullResult };
  }
}

/** FOUND's messages: copies, the client-side tag check, MIN_OFFSET and MAX_OFFSET stamped. */
function processPullResult(
  sub: SubscriptionData,
  body: unknown,
  fields: Record<string, unknown>,
): MessageExt[] {
  const raw = Array.isArray(body) ? (body as MessageExt[]) : [];
  let msgs = raw.map(copyMessageExt);
  if (sub.tagsSet.length > 0) msgs = msgs.filter((m) => sub.tagsSet.includes(m.getTags() ?? ''));
  for (const m of msgs) {
    m.putProperty('MIN_OFFSET', String(fields['minOffset']));
    m.putProperty('MAX_OFFSET', String(fields['maxOffset']));
  }
  return msgs;
}
