// What a broker's parts share: its Env and configuration, its store and managers, and the shapes
// of request processors and of the step between storing a message and answering the producer
// (where a SYNC_MASTER waits for its slave). The broker process (broker-controller.ts) builds one
// BrokerContext and a table from RequestCode to RequestProcessor from the parts.
import type { ChannelId, Env, Reply } from '../env.ts';
import type { RemotingCommand } from '../protocol/remoting-command.ts';
import type { TopicConfig } from '../protocol/topic-config.ts';
import type { DefaultMessageStore } from '../store/message-store.ts';
import type { PutMessageResult } from '../store/put-message-result.ts';
import type { BrokerConf } from './broker-config.ts';
import type { ConsumerOffsetManager } from './consumer-offset-manager.ts';
import type { RebalanceLockManager } from './rebalance-lock-manager.ts';

/** Reading the broker's topic table (TopicConfigManager implements it). */
export interface TopicConfigLookup {
  selectTopicConfig(topic: string): TopicConfig | undefined;
}

export interface BrokerContext {
  readonly env: Env;
  readonly conf: BrokerConf;
  readonly brokerName: string;
  /** The address clients reach this broker at (brokerIP1:listenPort); the store host too. */
  readonly brokerAddr: string;
  readonly store: DefaultMessageStore;
  readonly offsets: ConsumerOffsetManager;
  readonly locks: RebalanceLockManager;
  readonly topics: TopicConfigLookup;
}

/**
 * Handles one request: answers through `reply` exactly once (reply is undefined for a one-way
 * request), now or later (a held pull). `from` is the peer's address, `channel` its connection.
 */
export type RequestProcessor = (
  request: RemotingCommand,
  reply: Reply | undefined,
  from: string,
  channel: ChannelId,
) => void;

/**
 * Runs after the store answered a put and before the producer is answered: a SYNC_MASTER waits
 * here for its slave (FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE); an ASYNC_MASTER passes through.
 */
export type AfterPut = (result: PutMessageResult, done: (result: PutMessageResult) => void) => void;
