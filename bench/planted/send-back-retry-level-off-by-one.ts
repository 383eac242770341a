// Planted bug (npm run planted): send-back-retry-level-off-by-one.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'send-back-retry-level-off-by-one',
  area: 'broker',
  file: 'core/broker/send-message-processor.ts',
  find: '      const level = header.delayLevel === 0 ? 3 + original.reconsumeTimes : header.delayLevel;',
  replace: '      const level = header.delayLevel === 0 ? 2 + original.reconsumeTimes : header.delayLevel;',
  rocketmq:
    "Wrong retry level: consumerSendMsgBack's level 0 maps to 3 + reconsumeTimes (10 s first); off by one, retries start at 5 s.",
} satisfies PlantedBug;
