// Planted bug (npm run planted): ha-no-slave-answers-put-ok.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-no-slave-answers-put-ok',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: "      return combine('SLAVE_NOT_AVAILABLE');",
  replace: '      return done(result);',
  rocketmq:
    'handleHA not setting SLAVE_NOT_AVAILABLE when isSlaveOK is false, so a SYNC_MASTER without its slave answers SEND_OK for master-only data (apache/rocketmq#2706 / #3349: replication failing and the answer still SEND_OK; #2528).',
} satisfies PlantedBug;
