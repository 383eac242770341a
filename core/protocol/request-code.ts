// RequestCode: the numbers that name a request in RocketMQ 4.9.x's remoting protocol
// (org.apache.rocketmq.common.protocol.RequestCode). Only the codes that rmqsim's NameServer,
// broker, producer and consumer exchange are listed; admin, ACL, pop, controller and the
// NameServer's KV-config codes are left out. Request and response codes are separate number
// spaces (10 is SEND_MESSAGE here and FLUSH_DISK_TIMEOUT among responses), so each has its own
// reverse lookup.

export const RequestCode = {
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_MESSAGE: 12,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,
  UPDATE_AND_CREATE_TOPIC: 17,
  /** Slave synchronization (SlaveSynchronize) asks its master for these four tables. */
  GET_ALL_TOPIC_CONFIG: 21,
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  GET_EARLIEST_MSG_STORETIME: 32,
  VIEW_MESSAGE_BY_ID: 33,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  CONSUMER_SEND_MSG_BACK: 36,
  END_TRANSACTION: 37,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  CHECK_TRANSACTION_STATE: 39,
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  LOCK_BATCH_MQ: 41,
  UNLOCK_BATCH_MQ: 42,
  GET_ALL_CONSUMER_OFFSET: 43,
  GET_ALL_DELAY_OFFSET: 45,
  REGISTER_BROKER: 103,
  UNREGISTER_BROKER: 104,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  GET_ALL_SUBSCRIPTIONGROUP_CONFIG: 201,
  /** Sent by the broker to each client of the group during resetOffsetByTime. */
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  /** Sent by an admin tool to the broker to start resetOffsetByTime. */
  INVOKE_BROKER_TO_RESET_OFFSET: 222,
  GET_CONSUMER_RUNNING_INFO: 307,
  CONSUME_MESSAGE_DIRECTLY: 309,
  SEND_MESSAGE_V2: 310,
  SEND_BATCH_MESSAGE: 320,
} as const;

export type RequestCodeName = keyof typeof RequestCode;

const requestNames = new Map<number, string>(Object.entries(RequestCode).map(([name, code]) => [code, name]));

/** The name of a request code for traces and reports, e.g. 105 → 'GET_ROUTEINFO_BY_TOPIC'. */
export function requestCodeName(code: number): string {
  return requestNames.get(code) ?? `UNKNOWN_REQUEST_${code}`;
}
