// Planted bug (npm run planted): dlq-after-one-retry-too-many.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'dlq-after-one-retry-too-many',
  area: 'broker',
  file: 'core/broker/send-message-processor.ts',
  find: '    if (original.reconsumeTimes >= maxReconsumeTimes || header.delayLevel < 0) {',
  replace: '    if (original.reconsumeTimes > maxReconsumeTimes || header.delayLevel < 0) {',
  rocketmq: 'maxReconsumeTimes compared with > instead of >=: a message is retried 17 times before the DLQ.',
} satisfies PlantedBug;
