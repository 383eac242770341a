// Planted bug (npm run planted): offset-update-from-dropped-queue.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'offset-update-from-dropped-queue',
  area: 'client',
  file: 'core/client/consume-message-concurrently-service.ts',
  find: '    if (offset >= 0 && !pq.dropped) this.host.offsetStore.updateOffset(mq, offset, true);',
  replace: '    if (offset >= 0) this.host.offsetStore.updateOffset(mq, offset, true);',
  rocketmq:
    'Offset persisted from a dropped queue: a result that arrives after rebalance gave the queue away still updates its offset (RocketMQ checks processQueue.isDropped() before updateOffset for this reason).',
} satisfies PlantedBug;
