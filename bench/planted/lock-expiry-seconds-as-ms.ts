// Planted bug (npm run planted): lock-expiry-seconds-as-ms.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'lock-expiry-seconds-as-ms',
  area: 'broker',
  file: 'core/broker/rebalance-lock-manager.ts',
  find: '    return now - entry.lastUpdateTimestamp > this.lockMaxLiveTime;',
  replace: '    return now - entry.lastUpdateTimestamp > this.lockMaxLiveTime / 1000;',
  rocketmq:
    "Lock expiry in the wrong unit (rocketmq.broker.rebalance.lockMaxLiveTime read as seconds and compared in ms): a queue's broker lock expires 60 ms after it was taken and another consumer takes it.",
} satisfies PlantedBug;
