// ClientRemotingProcessor (RocketMQ 4.9.x): what a broker may ask of a client over the client's
// own connection. NOTIFY_CONSUMER_IDS_CHANGED (one-way, when a group's members change) makes every
// consumer of the instance rebalance at once (rebalanceImmediately); RESET_CONSUMER_CLIENT_OFFSET
// (the broker's answer to an operator's reset by time) hands the topic's new offsets to the named
// group's push consumer (MQClientInstance.resetOffset). Every other code is answered
// REQUEST_CODE_NOT_SUPPORTED by the instance.
// Simplifications: no CHECK_TRANSACTION_STATE, GET_CONSUMER_STATUS_FROM_CLIENT,
// GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY or PUSH_REPLY_MESSAGE_TO_CLIENT; the reset's
// offset table is the broker's ResetOffsetBody as objects ({mq, offset} rows), not its JSON.
import type { ChannelId, Env, Reply } from '../env.ts';
import type { RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { MessageQueue } from './message-queue.ts';

/** Handles a broker's request to this client; `reply` is undefined for a one-way message. */
export type ClientRequestProcessor = (
  request: RemotingCommand,
  reply: Reply | undefined,
  from: string,
  channel: ChannelId,
) => void;

/** What the processor asks of its client instance. */
export interface ClientRemotingHost {
  readonly env: Env;
  readonly clientId: string;
  rebalanceImmediately(): void;
  resetOffset(topic: string, group: string, offsetTable: ReadonlyMap<string, number>): void;
}

/** The broker-to-client request codes a client instance serves, by code. */
export function clientRemotingProcessors(host: ClientRemotingHost): Map<number, ClientRequestProcessor> {
  return new Map<number, ClientRequestProcessor>([
    [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => notifyConsumerIdsChanged(host, req)],
    [RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (req) => resetOffset(host, req)],
  ]);
}

function notifyConsumerIdsChanged(host: ClientRemotingHost, req: RemotingCommand): void {
  host.env.trace('consumer.notify-ids-changed', {
    clientId: host.clientId,
    group: req.extFields?.['consumerGroup'],
  });
  host.rebalanceImmediately();
}

function resetOffset(host: ClientRemotingHost, req: RemotingCommand): void {
  const topic = String(req.extFields?.['topic'] ?? '');
  const group = String(req.extFields?.['group'] ?? '');
  const table = resetOffsetTable((req.body as { offsetTable?: unknown } | undefined)?.offsetTable);
  host.env.probe('client.reset-offset');
  host.env.trace('consumer.reset-offset', { clientId: host.clientId, group, topic, queues: table.size });
  host.resetOffset(topic, group, table);
}

/** ResetOffsetBody's offsetTable: queue key → offset. */
function resetOffsetTable(rows: unknown): Map<string, number> {
  const table = new Map<string, number>();
  if (!Array.isArray(rows)) return table;
  for (const row of rows as {
    mq?: { topic?: unknown; brokerName?: unknown; queueId?: unknown };
    offset?: unknown;
  }[]) {
    const mq = new MessageQueue(String(row.mq?.topic), String(row.mq?.brokerName), Number(row.mq?.queueId));
    table.set(mq.key, Number(row.offset));
  }
  return table;
}
