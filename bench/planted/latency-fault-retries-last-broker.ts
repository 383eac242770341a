// Planted bug (npm run planted): latency-fault-retries-last-broker.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'latency-fault-retries-last-broker',
  area: 'client',
  file: 'core/client/latency-fault-tolerance.ts',
  find: '      if (faults.isAvailable(mq.brokerName)) return mq;',
  replace:
    '      if (faults.isAvailable(mq.brokerName) && (lastBrokerName === undefined || mq.brokerName === lastBrokerName)) return mq;',
  rocketmq:
    'The 4.x MQFaultStrategy bug itself: with sendLatencyFaultEnable, an available queue is taken only if it is on lastBrokerName, so a retry prefers the failed broker: apache/rocketmq#1302, #1576, #2046, #2204, #2358.',
} satisfies PlantedBug;
