// Planted bug (npm run planted): allocate-averagely-overlap.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'allocate-averagely-overlap',
  area: 'client',
  file: 'core/client/allocate-message-queue.ts',
  find: '    const startIndex = extra ? index * averageSize : index * averageSize + mod;',
  replace: '    const startIndex = index * averageSize;',
  rocketmq:
    'Rebalance allocation overlap: AllocateMessageQueueAveragely without the + mod for the consumers after the ones with an extra queue, so two consumers share a queue and one queue has no consumer.',
} satisfies PlantedBug;
