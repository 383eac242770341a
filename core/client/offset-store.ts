// OffsetStore: what both offset stores offer a consumer (RocketMQ 4.9's OffsetStore interface,
// callback style), and the in-memory part both keep. RemoteBrokerOffsetStore (clustering)
// persists it to the broker, LocalFileOffsetStore (broadcasting) to the consumer's own disk.
import type { MessageQueue } from './message-queue.ts';

/** The queues persistAll keeps, by key: a Set, or a table keyed by queue (no Set made of its keys). */
export interface QueueKeys {
  readonly size: number;
  has(key: string): boolean;
}

/** ReadOffsetType: where readOffset looks. */
export type ReadOffsetType = 'READ_FROM_MEMORY' | 'READ_FROM_STORE' | 'MEMORY_FIRST_THEN_STORE';

export interface OffsetStore {
  readonly groupName: string;
  load(): void;
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  readOffsetFromMemory(mq: MessageQueue): number;
  readOffset(mq: MessageQueue, type: ReadOffsetType, done: (offset: number) => void): void;
  persistAll(mqs: QueueKeys): void;
  persist(mq: MessageQueue): void;
  removeOffset(mq: MessageQueue): void;
  cloneOffsetTable(): Map<string, number>;
}

/**
 * What both stores share: the offsets in memory, by queue key, and readOffset's memory half, so a
 * store reads its own persisted copy only for READ_FROM_STORE or an empty memory.
 */
export abstract class AbstractOffsetStore implements OffsetStore {
  protected readonly offsetTable = new Map<string, { mq: MessageQueue; offset: number }>();

  abstract readonly groupName: string;
  abstract load(): void;
  abstract persistAll(mqs: QueueKeys): void;
  abstract persist(mq: MessageQueue): void;
  abstract removeOffset(mq: MessageQueue): void;
  /** The persisted offset (the broker's or the file's): -1 when there is none. */
  protected abstract readOffsetFromStore(mq: MessageQueue, done: (offset: number) => void): void;

  /** Sets the offset; with increaseOnly, only a larger one replaces it. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const entry = this.offsetTable.get(mq.key);
    if (entry === undefined) return void this.offsetTable.set(mq.key, { mq, offset });
    if (!increaseOnly || offset > entry.offset) entry.offset = offset;
  }

  /** The offset in memory, -1 if none. */
  readOffsetFromMemory(mq: MessageQueue): number {
    return this.offsetTable.get(mq.key)?.offset ?? -1;
  }

  readOffset(mq: MessageQueue, type: ReadOffsetType, done: (offset: number) => void): void {
    if (type !== 'READ_FROM_STORE') {
      const offset = this.readOffsetFromMemory(mq);
      if (offset >= 0 || type === 'READ_FROM_MEMORY') return done(offset);
    }
    this.readOffsetFromStore(mq, done);
  }

  /** A copy, key → offset. */
  cloneOffsetTable(): Map<string, number> {
    return new Map([...this.offsetTable].map(([k, v]) => [k, v.offset]));
  }
}
