// The master's half of slave synchronization: the four requests of AdminBrokerProcessor (RocketMQ
// 4.9) that a slave's SlaveSynchronize (slave-synchronize.ts) sends every 10 s. Each is answered
// with one table, encoded as the broker writes it to its config file, as JSON text in the body:
// - GET_ALL_TOPIC_CONFIG: topics.json (TopicConfigSerializeWrapper: topicConfigTable, dataVersion);
// - GET_ALL_CONSUMER_OFFSET: consumerOffset.json (ConsumerOffsetSerializeWrapper: offsetTable);
// - GET_ALL_DELAY_OFFSET: delayOffset.json (the delay service's offsetTable, level → offset);
// - GET_ALL_SUBSCRIPTIONGROUP_CONFIG: subscriptionGroup.json (SubscriptionGroupWrapper:
//   subscriptionGroupTable, dataVersion).
// The tables are read as they are in memory now, not from the files. Any role answers (4.9 does
// not check the role either); the requests carry no header.
// Simplifications: a broker without a delay service (a slave here; every 4.9 broker has one, only
// started on masters) answers GET_ALL_DELAY_OFFSET with SYSTEM_ERROR, as 4.9 does for an empty
// encoding; the text is indented like the files (4.9 sends it unindented); no ACL.
import { RequestCode } from '../protocol/request-code.ts';
import { response } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { RequestProcessor } from './broker-context.ts';
import type { ConfigManager } from './config-manager.ts';

export interface SlaveSyncSources {
  readonly topics: ConfigManager;
  readonly offsets: ConfigManager;
  readonly groups: ConfigManager;
  /** The delay service; undefined on a broker that has none. */
  readonly schedule: ConfigManager | undefined;
}

export function slaveSyncProcessors(sources: SlaveSyncSources): Map<number, RequestProcessor> {
  const answer =
    (table: () => ConfigManager | undefined, none: string): RequestProcessor =>
    (_req, reply) => {
      const content = table()?.encode();
      reply?.answer(
        content === undefined || content.length === 0
          ? response(ResponseCode.SYSTEM_ERROR, none)
          : response(ResponseCode.SUCCESS, undefined, undefined, content),
      );
    };
  return new Map([
    [RequestCode.GET_ALL_TOPIC_CONFIG, answer(() => sources.topics, 'No topic in this broker')],
    [RequestCode.GET_ALL_CONSUMER_OFFSET, answer(() => sources.offsets, 'No consumer offset in this broker')],
    [RequestCode.GET_ALL_DELAY_OFFSET, answer(() => sources.schedule, 'No delay offset in this broker')],
    [
      RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
      answer(() => sources.groups, 'No subscription group in this broker'),
    ],
  ]);
}
