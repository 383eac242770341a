// MessageQueue: one queue of a topic on one broker group (org.apache.rocketmq.common.message.
// MessageQueue). Producers pick one to send to; consumers are assigned some by rebalance.
// Its toString matches Java's, since a SendResult prints it.

export class MessageQueue {
  private cachedKey: string | undefined;

  constructor(
    readonly topic: string,
    readonly brokerName: string,
    readonly queueId: number,
  ) {}

  /** A key for maps and sets: Java compares topic, brokerName and queueId. Built once, when first asked. */
  get key(): string {
    return (this.cachedKey ??= `${this.topic}@${this.brokerName}@${this.queueId}`);
  }

  equals(other: MessageQueue): boolean {
    return this.key === other.key;
  }

  toString(): string {
    return `MessageQueue [topic=${this.topic}, brokerName=${this.brokerName}, queueId=${this.queueId}]`;
  }
}
