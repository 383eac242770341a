// SendResult and SendStatus (org.apache.rocketmq.client.producer): what a send returns. msgId is
// the client's UNIQ_KEY (the same on every retry of one send), offsetMsgId the broker's id of the
// stored copy (store host + CommitLog offset: each stored copy has its own). The status says how
// far the broker got: SEND_OK, or stored but FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT or
// SLAVE_NOT_AVAILABLE. toString matches Java's, which the seed article prints.
// Simplifications: no transactionId, regionId or traceOn.
import type { MessageQueue } from './message-queue.ts';
import { type SendStatus } from '../protocol/send-message-header.ts';

export class SendResult {
  constructor(
    readonly sendStatus: SendStatus,
    readonly msgId: string,
    readonly offsetMsgId: string,
    readonly messageQueue: MessageQueue,
    readonly queueOffset: number,
  ) {}

  toString(): string {
    return (
      `SendResult [sendStatus=${this.sendStatus}, msgId=${this.msgId}, offsetMsgId=${this.offsetMsgId}, ` +
      `messageQueue=${this.messageQueue.toString()}, queueOffset=${this.queueOffset}]`
    );
  }
}
