// Planted bug (npm run planted): send-back-failure-drops-message.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'send-back-failure-drops-message',
  area: 'client',
  file: 'core/client/consume-message-concurrently-service.ts',
  find: '          msg.reconsumeTimes++;\n          failed.push(msg);',
  replace: '          msg.reconsumeTimes++;',
  rocketmq:
    'A failed send-back not kept for a local retry: the message leaves the ProcessQueue, its offset is committed, and it is consumed by nobody.',
} satisfies PlantedBug;
