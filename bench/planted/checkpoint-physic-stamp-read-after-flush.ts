// Planted bug (npm run planted): checkpoint-physic-stamp-read-after-flush.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'checkpoint-physic-stamp-read-after-flush',
  area: 'store',
  file: 'core/store/commit-log-flush.ts',
  find: '    const stamp = this.commitLog.lastStoreTimestamp;\n    this.commitLog.queue.flush(() => flushed(stamp));',
  replace: '    this.commitLog.queue.flush(() => flushed(this.commitLog.lastStoreTimestamp));',
  rocketmq:
    'The checkpoint claiming the CommitLog durable up to a record appended while the flush ran (RocketMQ reads the store timestamp before flushing for this reason); apache/rocketmq#678 is the same mistake for logicsMsgTimestamp.',
} satisfies PlantedBug;
