// Planted bug (npm run planted): ha-ack-on-send.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-ack-on-send',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: '      this.nextTransferFromWhere += data.length;\n',
  replace:
    '      this.nextTransferFromWhere += data.length;\n      this.service.notifyTransferSome(this.nextTransferFromWhere);\n',
  rocketmq:
    'SYNC_MASTER answering once the bytes were sent to the slave rather than when the slave reported them: push2SlaveMaxOffset moved by the write side (apache/rocketmq#1155 and #3015 show how any wrong value of push2SlaveMaxOffset lets puts return before the slave synced).',
} satisfies PlantedBug;
