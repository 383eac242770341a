// The client's Message with Java's constructors, so application code reads as it does in Java:
// `new Message("myTopic", "TagA", body)`, `new Message(topic, tags, keys, body)`, and
// `new Message(topic, tags, keys, flag, body, waitStoreMsgOK)`. It is core/message's Message
// (same properties and helpers), only constructed the Java way; `new Message(topic, body)` and
// core's `(topic, body, init)` still work.
import { Message as CoreMessage, type MessageInit } from '../message/message.ts';

export class Message extends CoreMessage {
  constructor(topic: string, body: Uint8Array, init?: MessageInit);
  constructor(topic: string, tags: string, body: Uint8Array);
  constructor(topic: string, tags: string, keys: string, body: Uint8Array);
  constructor(
    topic: string,
    tags: string,
    keys: string,
    flag: number,
    body: Uint8Array,
    waitStoreMsgOK: boolean,
  );
  constructor(
    topic: string,
    a: Uint8Array | string,
    b?: Uint8Array | string | MessageInit,
    c?: Uint8Array | number,
    d?: Uint8Array,
    e?: boolean,
  ) {
    if (a instanceof Uint8Array) {
      super(topic, a, b as MessageInit | undefined);
      return;
    }
    const tags = a.length > 0 ? a : undefined;
    if (b instanceof Uint8Array) {
      super(topic, b, { ...(tags === undefined ? {} : { tags }) });
      return;
    }
    const keys = typeof b === 'string' && b.length > 0 ? b : undefined;
    const flag = typeof c === 'number' ? c : 0;
    const body = c instanceof Uint8Array ? c : d;
    if (body === undefined) throw new TypeError('new Message: no body');
    super(topic, body, {
      flag,
      ...(tags === undefined ? {} : { tags }),
      ...(keys === undefined ? {} : { keys }),
    });
    if (e !== undefined) this.setWaitStoreMsgOK(e);
  }
}
