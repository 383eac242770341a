// The ConsumeQueues of one store (RocketMQ's consumeQueueTable; ConsumeQueueStore in 5.x): topic
// to queueId to ConsumeQueue, a queue created on its first dispatch, and what recovery, the flush
// service, the clean-up service and a rebuild do to all of them.
// load() finds the queues as RocketMQ's loadConsumeQueue does, by listing <root>/consumequeue/
// <topic>/<queueId>; a queue created later over files on disk that load() did not open is a
// wiring bug and throws.
import type { Disk } from '../env.ts';
import { ConsumeQueue, consumeQueueDir } from './consume-queue.ts';

export class ConsumeQueueStore {
  private readonly table = new Map<string, Map<number, ConsumeQueue>>();
  /** Every queue in iteration order, made again (not changed) when a queue is added. */
  private list: readonly ConsumeQueue[] | undefined;

  constructor(
    private readonly disk: Disk,
    private readonly rootDir: string,
    /** mappedFileSizeConsumeQueue. */
    private readonly mappedFileSize: number,
  ) {}

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.table.get(topic)?.get(queueId);
  }

  /** RocketMQ's findConsumeQueue: the queue, created empty if the store has none for it yet. */
  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    const existing = this.find(topic, queueId);
    if (existing !== undefined) return existing;
    if (this.disk.list(consumeQueueDir(this.rootDir, topic, queueId)).length > 0) {
      throw new Error(`ConsumeQueue ${topic}/${queueId} has files on disk that load() did not open`);
    }
    return this.add(topic, queueId);
  }

  /** Opens every queue found under <root>/consumequeue; recover() comes next. False on a gap in a queue's files. */
  load(): boolean {
    let ok = true;
    const root = `${this.rootDir}/consumequeue`;
    for (const topic of this.disk.list(root)) {
      for (const name of this.disk.list(`${root}/${topic}`)) {
        const queueId = Number(name);
        if (!/^\d+$/.test(name) || this.find(topic, queueId) !== undefined) continue;
        ok = this.add(topic, queueId).load() && ok;
      }
    }
    return ok;
  }

  /** RocketMQ's recoverConsumeQueue: recovers every queue, returns the largest maxPhysicOffset (-1: none). */
  recover(): number {
    let maxPhysicOffset = -1;
    for (const cq of this) maxPhysicOffset = Math.max(maxPhysicOffset, cq.recover());
    return maxPhysicOffset;
  }

  /** Flushes every queue; `done` runs when all are durable. */
  flush(done: () => void = () => {}): void {
    const queues = this.queues;
    let left = queues.length;
    if (left === 0) {
      done();
      return;
    }
    for (const cq of queues) {
      cq.flush(() => {
        if (--left === 0) done();
      });
    }
  }

  dirtyBytes(): number {
    let total = 0;
    for (const cq of this) total += cq.dirtyBytes();
    return total;
  }

  truncateDirtyLogicFiles(phyOffset: number): void {
    for (const cq of this) cq.truncateDirtyLogicFiles(phyOffset);
  }

  correctMinOffset(phyMinOffset: number): void {
    for (const cq of this) cq.correctMinOffset(phyMinOffset);
  }

  /** Deletes expired files of every queue; returns how many. */
  deleteExpiredFile(phyMinOffset: number): number {
    let deleted = 0;
    for (const cq of this) deleted += cq.deleteExpiredFile(phyMinOffset);
    return deleted;
  }

  /** Empties every queue (RocketMQ's destroyLogics, before a rebuild); the queues stay in the table. */
  destroy(): void {
    for (const cq of this) cq.destroy();
  }

  /**
   * Every queue, by topic then queue id in creation order (for recovery, the flush service,
   * checkers and reports): one array until a queue is added, so a walk of them allocates nothing.
   */
  get queues(): readonly ConsumeQueue[] {
    if (this.list === undefined) {
      const list: ConsumeQueue[] = [];
      for (const byId of this.table.values()) for (const cq of byId.values()) list.push(cq);
      this.list = list;
    }
    return this.list;
  }

  [Symbol.iterator](): IterableIterator<ConsumeQueue> {
    return this.queues.values();
  }

  private add(topic: string, queueId: number): ConsumeQueue {
    let byId = this.table.get(topic);
    if (byId === undefined) this.table.set(topic, (byId = new Map()));
    const cq = new ConsumeQueue({
      disk: this.disk,
      rootDir: this.rootDir,
      topic,
      queueId,
      mappedFileSize: this.mappedFileSize,
    });
    byId.set(queueId, cq);
    this.list = undefined;
    return cq;
  }
}
