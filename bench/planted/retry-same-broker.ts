// Planted bug (npm run planted): retry-same-broker.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'retry-same-broker',
  area: 'client',
  file: 'core/client/topic-publish-info.ts',
  find: '      if (mq.brokerName !== lastBrokerName) return mq;',
  replace: '      if (mq.topic !== lastBrokerName) return mq;',
  rocketmq:
    'Queue selection ignoring the failed broker (the comparison made on the wrong field), so a retry goes back to the broker that just failed: apache/rocketmq#1576, #2046, #2358 (MQFaultStrategy retrying the last failed broker).',
} satisfies PlantedBug;
