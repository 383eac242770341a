// Planted bug (npm run planted): cq-checkpoint-before-cq-flush.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'cq-checkpoint-before-cq-flush',
  area: 'store',
  file: 'core/store/flush-consume-queue-service.ts',
  find: '    this.consumeQueues.flush(() => {\n      if (logicsMsgTimestamp > 0) this.checkpoint.logicsMsgTimestamp = logicsMsgTimestamp;\n      this.checkpoint.flush();\n    });',
  replace:
    '    if (logicsMsgTimestamp > 0) this.checkpoint.logicsMsgTimestamp = logicsMsgTimestamp;\n    this.checkpoint.flush();\n    this.consumeQueues.flush();',
  rocketmq:
    "The checkpoint written before the ConsumeQueue data it claims is durable: apache/rocketmq#678 (StoreCheckpoint logicsMsgTimestamp flushed by IndexService before the ConsumeQueues, 'may cause message loss').",
} satisfies PlantedBug;
