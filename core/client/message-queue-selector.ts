// MessageQueueSelector and the selectors RocketMQ ships (org.apache.rocketmq.client.producer.
// selector): an ordered send picks its queue with one, from the topic's writable masters' queues.
// SelectMessageQueueByHash takes abs(arg.hashCode() % n), so one key keeps one queue only while n
// stays the same: when a broker group joins or leaves, keys move and their order breaks.
// arg.hashCode() is Java's: a 32-bit integer hashes to itself (Integer.hashCode), a string with
// String.hashCode, anything else as its String() text.
import type { Rng } from '../env.ts';
import { javaHashCode } from '../message/java-hash.ts';
import type { Message } from '../message/message.ts';
import type { MessageQueue } from './message-queue.ts';

export interface MessageQueueSelector {
  select(mqs: readonly MessageQueue[], msg: Message, arg: unknown): MessageQueue;
}

/** Java's hashCode of a selector argument. */
export function javaHashCodeOf(arg: unknown): number {
  if (typeof arg === 'number' && Number.isInteger(arg) && arg >= -0x8000_0000 && arg <= 0x7fff_ffff)
    return arg;
  if (typeof arg === 'boolean') return arg ? 1231 : 1237;
  return javaHashCode(String(arg));
}

export class SelectMessageQueueByHash implements MessageQueueSelector {
  select(mqs: readonly MessageQueue[], _msg: Message, arg: unknown): MessageQueue {
    return mqs[Math.abs(javaHashCodeOf(arg) % mqs.length)]!;
  }
}

export class SelectMessageQueueByRandom implements MessageQueueSelector {
  constructor(private readonly rng: Rng) {}

  select(mqs: readonly MessageQueue[]): MessageQueue {
    return mqs[this.rng.int(mqs.length)]!;
  }
}
