// TopicValidator.validateTopic: the rule both the producer (before a send) and the broker (on a
// send or a topic's creation) apply to a topic name.

const TOPIC_MAX_LENGTH = 127;
const VALID_TOPIC = /^[%|a-zA-Z0-9_-]+$/;

/** TopicValidator.validateTopic: why a topic name is refused, or undefined. */
export function topicProblem(topic: string): string | undefined {
  if (topic.trim().length === 0) return 'The specified topic is blank.';
  if (!VALID_TOPIC.test(topic))
    return 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$';
  if (topic.length > TOPIC_MAX_LENGTH) return 'The specified topic is longer than topic max length.';
  return undefined;
}
