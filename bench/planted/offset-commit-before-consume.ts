// Planted bug (npm run planted): offset-commit-before-consume.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'offset-commit-before-consume',
  area: 'client',
  file: 'core/client/process-queue.ts',
  find: '    if (min !== undefined) result = min;',
  replace: '    if (min !== undefined) result = Math.max(...msgs.map((m) => m.queueOffset)) + 1;',
  rocketmq:
    'Consumer offset committed past messages still being consumed: the offset of the batch just finished rather than the smallest offset in flight (ProcessQueue.removeMessage returns msgTreeMap.firstKey() for this reason), so a crash loses the in-flight ones.',
} satisfies PlantedBug;
