// Planted bug (npm run planted): ha-timeout-answers-put-ok.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-timeout-answers-put-ok',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: "      this.env.probe('ha.flush-slave-timeout');\n      request.done('FLUSH_SLAVE_TIMEOUT');",
  replace: "      this.env.probe('ha.flush-slave-timeout');\n      request.done('PUT_OK');",
  rocketmq:
    "GroupTransferService's timeout answered as success (a wakeupCustomer(transferOK) whose flag is ignored), so SYNC_MASTER answers SEND_OK for a message no slave has.",
} satisfies PlantedBug;
