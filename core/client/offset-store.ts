// OffsetStore: what both offset stores offer a consumer (RocketMQ 4.9's OffsetStore interface,
// callback style), and the in-memory offset table both keep. RemoteBrokerOffsetStore (clustering)
// persists it to the broker, LocalFileOffsetStore (broadcasting) to the consumer's own disk.
import type { MessageQueue } from './message-queue.ts';

/** ReadOffsetType: where readOffset looks. */
export type ReadOffsetType = 'READ_FROM_MEMORY' | 'READ_FROM_STORE' | 'MEMORY_FIRST_THEN_STORE';

export interface OffsetStore {
  readonly groupName: string;
  load(): void;
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  readOffsetFromMemory(mq: MessageQueue): number;
  readOffset(mq: MessageQueue, type: ReadOffsetType, done: (offset: number) => void): void;
  persistAll(mqs: ReadonlySet<string>): void;
  persist(mq: MessageQueue): void;
  removeOffset(mq: MessageQueue): void;
  cloneOffsetTable(): Map<string, number>;
}

/** The offsets a consumer holds in memory, by queue key: what both stores share. */
export class OffsetTable {
  readonly entries = new Map<string, { mq: MessageQueue; offset: number }>();

  /** Sets the offset; with increaseOnly, only a larger one replaces it. */
  update(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const entry = this.entries.get(mq.key);
    if (entry === undefined) return void this.entries.set(mq.key, { mq, offset });
    if (!increaseOnly || offset > entry.offset) entry.offset = offset;
  }

  /** The offset in memory, -1 if none. */
  read(mq: MessageQueue): number {
    return this.entries.get(mq.key)?.offset ?? -1;
  }

  /** A copy, key → offset. */
  clone(): Map<string, number> {
    return new Map([...this.entries].map(([k, v]) => [k, v.offset]));
  }
}

/**
 * readOffset's memory half: answers (and returns true) when the type lets memory decide, so the
 * store reads its own persisted copy only for READ_FROM_STORE or an empty memory.
 */
export function answeredFromMemory(
  table: OffsetTable,
  mq: MessageQueue,
  type: ReadOffsetType,
  done: (offset: number) => void,
): boolean {
  if (type === 'READ_FROM_STORE') return false;
  const offset = table.read(mq);
  if (offset < 0 && type !== 'READ_FROM_MEMORY') return false;
  done(offset);
  return true;
}
