// Planted bug (npm run planted): ha-waits-for-record-start.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-waits-for-record-start',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: '    const nextOffset = append.wroteOffset + append.wroteBytes;',
  replace: '    const nextOffset = append.wroteOffset;',
  rocketmq:
    "The replication wait asking for the record's start offset instead of its end (RocketMQ: wroteOffset + wroteBytes), so a put is answered as soon as the slave has everything before it.",
} satisfies PlantedBug;
