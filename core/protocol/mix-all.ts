// MixAll's names of the topics the broker makes for a consumer group: %RETRY%<group> and
// %DLQ%<group>, known to the clients (a retry topic's subscription, a retried message's origin)
// and the broker alike.

/** MixAll's prefixes of the topics the broker makes for a consumer group. */
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

/** MixAll.getRetryTopic. */
export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

/** MixAll.getDLQTopic. */
export function dlqTopic(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}
