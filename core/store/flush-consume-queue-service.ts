// FlushConsumeQueueService: every flushIntervalConsumeQueue, flush the ConsumeQueues holding at
// least flushConsumeQueueLeastPages dirty pages; every flushConsumeQueueThoroughInterval flush
// them all and then the checkpoint. The logics timestamp written there is the one captured
// before that flush, so the checkpoint never claims more than the queues made durable.
// Simplification: least pages are counted per queue over its unflushed bytes.
import type { Env } from '../env.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import { OS_PAGE_SIZE, type MessageStoreConfig } from './message-store-config.ts';
import type { StoreCheckpoint } from './store-checkpoint.ts';

export class FlushConsumeQueueService {
  private lastThoroughFlush: number;

  constructor(
    private readonly env: Env,
    private readonly consumeQueues: ConsumeQueueStore,
    private readonly checkpoint: StoreCheckpoint,
    private readonly config: MessageStoreConfig,
  ) {
    this.lastThoroughFlush = env.now();
  }

  start(): void {
    this.env.setTimer(this.config.flushIntervalConsumeQueue, this.tick);
  }

  /** The timer's callback, made once rather than a closure per tick. */
  private readonly tick = (): void => {
    this.doFlush();
    this.start();
  };

  private doFlush(): void {
    const now = this.env.now();
    const thorough = now >= this.lastThoroughFlush + this.config.flushConsumeQueueThoroughInterval;
    if (!thorough) {
      const least = this.config.flushConsumeQueueLeastPages * OS_PAGE_SIZE;
      for (const cq of this.consumeQueues.queues)
        if (!cq.flushing && cq.dirtyBytes() >= Math.max(1, least)) cq.flush();
      return;
    }
    this.lastThoroughFlush = now;
    const logicsMsgTimestamp = this.checkpoint.logicsMsgTimestamp;
    this.consumeQueues.flush(() => {
      if (logicsMsgTimestamp > 0) this.checkpoint.logicsMsgTimestamp = logicsMsgTimestamp;
      this.checkpoint.flush();
    });
  }
}
