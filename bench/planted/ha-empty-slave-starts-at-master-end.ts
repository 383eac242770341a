// Planted bug (npm run planted): ha-empty-slave-starts-at-master-end.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-empty-slave-starts-at-master-end',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: '        this.nextTransferFromWhere = max - (max % store.config.mappedFileSizeCommitLog);',
  replace: '        this.nextTransferFromWhere = max;',
  rocketmq:
    "An empty slave's transfer starting at the master's current end instead of the start of its last file (RocketMQ: masterOffset - masterOffset % mappedFileSizeCommitLog; apache/rocketmq#3661 discusses what an empty or far-behind slave gets), so it never has the current file's earlier records.",
} satisfies PlantedBug;
