// Planted bug (npm run planted): send-back-reconsume-times-not-incremented.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'send-back-reconsume-times-not-incremented',
  area: 'broker',
  file: 'core/broker/send-message-processor.ts',
  find: '      reconsumeTimes: original.reconsumeTimes + 1,',
  replace: '      reconsumeTimes: original.reconsumeTimes,',
  rocketmq:
    "The retry copy keeping the original's reconsumeTimes: every retry waits the first level's delay and the message never reaches the DLQ.",
} satisfies PlantedBug;
