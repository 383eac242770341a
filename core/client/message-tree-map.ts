// A ProcessQueue's cached messages by queue offset, in order: the role of Java's msgTreeMap (a
// TreeMap<Long, MessageExt>). A queue's messages arrive in offset order and mostly leave in it,
// so they sit sorted in two parallel arrays between `head` and `tail`; a removed message leaves a
// hole, which the ends skip. Appending, finding (a binary search) and removing make no
// allocation, and the smallest and largest offsets are the ends: a Map built a new table each
// time the queue emptied and scanned every key for the smallest. The arrays hold at most the
// span of offsets cached at once (the consumer's flow control bounds it).
import type { MessageExt } from '../message/message.ts';

export class MessageTreeMap {
  private readonly offsets: number[] = [];
  private readonly msgs: (MessageExt | undefined)[] = [];
  /** The live entries lie in [head, tail): msgs[head] and msgs[tail - 1] are set unless empty. */
  private head = 0;
  private tail = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(offset: number): MessageExt | undefined {
    const i = this.lowerBound(offset);
    return i < this.tail && this.offsets[i] === offset ? this.msgs[i] : undefined;
  }

  has(offset: number): boolean {
    return this.get(offset) !== undefined;
  }

  /** Adds the message at `offset`, or replaces the one there. */
  set(offset: number, msg: MessageExt): void {
    const { offsets, msgs } = this;
    if (this.count === 0 || offset > offsets[this.tail - 1]!) {
      offsets[this.tail] = offset;
      msgs[this.tail++] = msg;
      this.count++;
      return;
    }
    const i = this.lowerBound(offset);
    if (offsets[i] === offset) {
      if (msgs[i] === undefined) this.count++;
      msgs[i] = msg;
      return;
    }
    // Below the largest and not held before: rare (a message put back), so a splice is fine.
    offsets.splice(i, 0, offset);
    msgs.splice(i, 0, msg);
    this.tail++;
    this.count++;
  }

  /** Removes the message at `offset`; false if none is there. */
  delete(offset: number): boolean {
    const i = this.lowerBound(offset);
    const { msgs } = this;
    if (i >= this.tail || this.offsets[i] !== offset || msgs[i] === undefined) return false;
    msgs[i] = undefined;
    if (--this.count === 0) this.head = this.tail = 0;
    else {
      while (msgs[this.head] === undefined) this.head++;
      while (msgs[this.tail - 1] === undefined) this.tail--;
    }
    return true;
  }

  clear(): void {
    this.msgs.fill(undefined, this.head, this.tail);
    this.head = this.tail = this.count = 0;
  }

  /** The smallest offset held (firstKey), undefined when empty. */
  firstKey(): number | undefined {
    return this.count === 0 ? undefined : this.offsets[this.head];
  }

  /** The largest offset held (lastKey), undefined when empty. */
  lastKey(): number | undefined {
    return this.count === 0 ? undefined : this.offsets[this.tail - 1];
  }

  /** The offsets held, in order. */
  keys(): number[] {
    const keys: number[] = [];
    for (let i = this.head; i < this.tail; i++) if (this.msgs[i] !== undefined) keys.push(this.offsets[i]!);
    return keys;
  }

  /** The first index in [head, tail) whose offset is at least `offset` (tail if none). */
  private lowerBound(offset: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
