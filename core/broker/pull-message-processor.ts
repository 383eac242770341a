// PullMessageProcessor: PULL_MESSAGE as RocketMQ 4.9 serves it. Checks, in order: the broker is
// readable (NO_PERMISSION), the topic exists (TOPIC_NOT_EXIST) and is readable (NO_PERMISSION),
// the queueId is below readQueueNums (SYSTEM_ERROR); then the subscription: from the request when
// it carries one (sysFlag bit 4), else the group's as its heartbeats registered it
// (SUBSCRIPTION_NOT_EXIST, or SUBSCRIPTION_NOT_LATEST when the client's subVersion is newer).
// The store reads with the subscription's tag filter, and its status becomes the response code:
//   FOUND → SUCCESS (the messages in the body);
//   NO_MESSAGE_IN_QUEUE, NO_MATCHED_LOGIC_QUEUE → PULL_NOT_FOUND at offset 0, else PULL_OFFSET_MOVED;
//   OFFSET_OVERFLOW_ONE, OFFSET_FOUND_NULL → PULL_NOT_FOUND;
//   OFFSET_TOO_SMALL, OFFSET_OVERFLOW_BADLY → PULL_OFFSET_MOVED, which a slave without
//     offsetCheckInSlave turns into PULL_RETRY_IMMEDIATELY (it corrects nobody's offset);
//   NO_MATCHED_MESSAGE, MESSAGE_WAS_REMOVING → PULL_RETRY_IMMEDIATELY.
// The response header carries nextBeginOffset, minOffset, maxOffset and suggestWhichBrokerId:
// with slaveReadEnable, 1 (whichBrokerWhenConsumeSlowly) when the store suggests a slave, else 0
// (the group's brokerId); without it, always 0. (4.9 also sets PULL_RETRY_IMMEDIATELY for a
// slave without slaveReadEnable, but the status mapping overwrites it, so such a slave serves.)
// PULL_NOT_FOUND on a first run with the suspend bit is held (PullRequestHoldService) for
// suspendTimeoutMillis, or shortPollingTimeMills when long polling is off. On a first run with
// the commit-offset bit, a master commits the client's commitOffset, held or not.
// Simplifications: every group's subscription group config exists with its defaults (consume
// enabled, broadcast allowed, whichBrokerWhenConsumeSlowly 1, brokerId 0); only TAG
// expressions (others answer SYSTEM_ERROR, as with enablePropertyFilter off); no
// OffsetMovedEvent message; the body is the decoded messages (on the wire, their records'
// bytes: command-bodies.ts); no consume hooks.
import type { Reply } from '../env.ts';
import { isReadable } from '../protocol/perm-name.ts';
import { malformed, response, type ExtFields, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import type { GetMessageRequest, GetMessageResult, GetMessageStatus } from '../store/get-message.ts';
import type { BrokerContext, RequestProcessor } from './broker-context.ts';
import { tagsCodeFilter, type ConsumerManager } from './consumer-manager.ts';
import { PullRequestHoldService, type PullRequestProcessor } from './pull-request-hold-service.ts';
import { type SubscriptionData, buildSubscriptionData } from '../protocol/heartbeat-data.ts';
import {
  newPullMessageRequestHeader,
  PullSysFlag,
  readPullMessageRequestHeader,
  type PullMessageRequestHeader,
  type PullMessageResponseHeader,
} from '../protocol/pull-message-header.ts';

/** SubscriptionGroupConfig.whichBrokerWhenConsumeSlowly's default. */
const WHICH_BROKER_WHEN_CONSUME_SLOWLY = 1;

const STATUS_CODE: Record<GetMessageStatus, number> = {
  FOUND: ResponseCode.SUCCESS,
  MESSAGE_WAS_REMOVING: ResponseCode.PULL_RETRY_IMMEDIATELY,
  NO_MATCHED_MESSAGE: ResponseCode.PULL_RETRY_IMMEDIATELY,
  NO_MATCHED_LOGIC_QUEUE: ResponseCode.PULL_OFFSET_MOVED,
  NO_MESSAGE_IN_QUEUE: ResponseCode.PULL_OFFSET_MOVED,
  OFFSET_FOUND_NULL: ResponseCode.PULL_NOT_FOUND,
  OFFSET_OVERFLOW_ONE: ResponseCode.PULL_NOT_FOUND,
  OFFSET_OVERFLOW_BADLY: ResponseCode.PULL_OFFSET_MOVED,
  OFFSET_TOO_SMALL: ResponseCode.PULL_OFFSET_MOVED,
};

/** The response code for a store status, before the slave and suspend rules. */
export function pullResponseCode(status: GetMessageStatus, requestOffset: number): number {
  const emptyQueue = status === 'NO_MESSAGE_IN_QUEUE' || status === 'NO_MATCHED_LOGIC_QUEUE';
  return emptyQueue && requestOffset === 0 ? ResponseCode.PULL_NOT_FOUND : STATUS_CODE[status];
}

export interface PullMessageService {
  readonly processors: Map<number, RequestProcessor>;
  /** Start it with the broker, pass its `arriving` as the store's onArriving, stop it at shutdown. */
  readonly holdService: PullRequestHoldService;
}

/**
 * PULL_MESSAGE. Pass `holdService` when the store (and so its onArriving) was built before this:
 * create the PullRequestHoldService first, give its `arriving` to the store, then hand it here.
 */
export function pullMessageProcessors(
  ctx: BrokerContext,
  consumers: ConsumerManager,
  holdService = new PullRequestHoldService(ctx.env, ctx.conf.broker, (t, q) =>
    ctx.store.getMaxOffsetInQueue(t, q),
  ),
): PullMessageService {
  // Each pull's header and store request are read into these two, rewritten by the next pull: a
  // pull runs to its end before another starts (a held one is read again when it wakes).
  const header = newPullMessageRequestHeader();
  const read: GetMessageRequest = { offset: 0, maxMsgNums: 0, filter: undefined };
  const processRequest = (
    req: RemotingCommand,
    reply: Reply | undefined,
    from: string,
    brokerAllowSuspend: boolean,
  ): RemotingCommand | undefined => {
    const error = readPullMessageRequestHeader(req.extFields, header);
    if (error !== undefined) return malformed('PULL_MESSAGE header', error);
    const sub = checkRequest(ctx, consumers, header);
    if (!('topic' in sub)) return sub;
    const filter = tagsCodeFilter(sub);
    read.offset = header.queueOffset;
    read.maxMsgNums = header.maxMsgNums;
    read.filter = filter;
    const result = ctx.store.getMessage(header.topic, header.queueId, read);
    const answer = toResponse(ctx, header, result);
    const suspend = (header.sysFlag & PullSysFlag.SUSPEND) !== 0;
    let held = false;
    if (answer.code === ResponseCode.PULL_NOT_FOUND && brokerAllowSuspend && suspend && reply !== undefined) {
      const { longPollingEnable, shortPollingTimeMills } = ctx.conf.broker;
      if (!longPollingEnable) ctx.env.probe('broker.short-polling-hold');
      holdService.suspendPullRequest(header.topic, header.queueId, {
        requestCommand: req,
        reply,
        clientAddr: from,
        processor,
        pullFromThisOffset: header.queueOffset,
        suspendTimestamp: ctx.env.now(),
        timeoutMillis: longPollingEnable ? header.suspendTimeoutMillis : shortPollingTimeMills,
        filter,
      });
      held = true;
    }
    const commit = (header.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0;
    if (brokerAllowSuspend && commit && ctx.conf.store.brokerRole !== 'SLAVE') {
      const { consumerGroup, topic, queueId, commitOffset } = header;
      ctx.offsets.commitOffset(from, consumerGroup, topic, queueId, commitOffset);
    }
    return held ? undefined : answer;
  };
  /** What a held pull wakes (executeRequestWhenWakeup): re-run, no longer suspendable, and answered. */
  const processor: PullRequestProcessor = {
    executeRequestWhenWakeup: (pull) =>
      pull.reply.answer(processRequest(pull.requestCommand, pull.reply, pull.clientAddr, false)!),
  };
  const pullMessage: RequestProcessor = (req, reply, from) => {
    const answer = processRequest(req, reply, from, true);
    if (answer !== undefined) reply?.answer(answer);
  };
  return { processors: new Map([[RequestCode.PULL_MESSAGE, pullMessage]]), holdService };
}

/** The broker, topic, queue and subscription checks; the subscription to read with, or the error. */
function checkRequest(
  ctx: BrokerContext,
  consumers: ConsumerManager,
  header: PullMessageRequestHeader,
): SubscriptionData | RemotingCommand {
  const { topic, queueId, consumerGroup } = header;
  if (!isReadable(ctx.conf.broker.brokerPermission)) {
    return response(ResponseCode.NO_PERMISSION, `the broker[${ctx.brokerAddr}] pulling message is forbidden`);
  }
  const topicConfig = ctx.topics.selectTopicConfig(topic);
  if (topicConfig === undefined) return response(ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  if (!isReadable(topicConfig.perm)) {
    return response(ResponseCode.NO_PERMISSION, `the topic[${topic}] pulling message is forbidden`);
  }
  if (queueId < 0 || queueId >= topicConfig.readQueueNums) {
    const detail = `readQueueNums:[${topicConfig.readQueueNums}]`;
    return response(ResponseCode.SYSTEM_ERROR, `queueId[${queueId}] is illegal, topic:[${topic}] ${detail}`);
  }
  let sub: SubscriptionData;
  if ((header.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0) {
    sub = buildSubscriptionData(topic, header.subscription ?? '', header.subVersion);
    sub.expressionType = header.expressionType ?? 'TAG';
  } else {
    const group = consumers.getConsumerGroupInfo(consumerGroup);
    const found = group?.findSubscriptionData(topic);
    if (found === undefined) {
      const what = group === undefined ? 'group info' : 'subscription';
      return response(ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's ${what} not exist`);
    }
    if (found.subVersion < header.subVersion) {
      return response(ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
    }
    sub = found;
  }
  if (sub.expressionType !== 'TAG') {
    return response(
      ResponseCode.SYSTEM_ERROR,
      `The broker does not support consumer to filter message by ${sub.expressionType}`,
    );
  }
  return sub;
}

/** The store's result as a response: code, header fields, and on SUCCESS the messages. */
function toResponse(
  ctx: BrokerContext,
  header: PullMessageRequestHeader,
  result: GetMessageResult,
): RemotingCommand {
  const { slaveReadEnable } = ctx.conf.broker;
  const { brokerRole, offsetCheckInSlave } = ctx.conf.store;
  let suggestWhichBrokerId =
    slaveReadEnable && result.suggestPullingFromSlave ? WHICH_BROKER_WHEN_CONSUME_SLOWLY : MASTER_ID;
  let code = pullResponseCode(result.status, header.queueOffset);
  if (code === ResponseCode.PULL_OFFSET_MOVED) {
    if (brokerRole === 'SLAVE' && !offsetCheckInSlave) {
      ctx.env.probe('broker.slave-pull-retry');
      code = ResponseCode.PULL_RETRY_IMMEDIATELY;
      suggestWhichBrokerId = MASTER_ID;
    } else {
      ctx.env.trace('broker.pull-offset-moved', {
        group: header.consumerGroup,
        topic: header.topic,
        queueId: header.queueId,
        requestOffset: header.queueOffset,
        newOffset: result.nextBeginOffset,
      });
    }
  }
  const fields: PullMessageResponseHeader & ExtFields = {
    suggestWhichBrokerId,
    nextBeginOffset: result.nextBeginOffset,
    minOffset: result.minOffset,
    maxOffset: result.maxOffset,
  };
  const body = code === ResponseCode.SUCCESS ? result.messages : undefined;
  return response(code, result.status, fields, body);
}
