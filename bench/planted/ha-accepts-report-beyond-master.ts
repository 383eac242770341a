// Planted bug (npm run planted): ha-accepts-report-beyond-master.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-accepts-report-beyond-master',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: "    } else if (maxOffset > this.service.store.commitLog.maxOffset()) {\n      this.service.env.probe('ha.report-beyond-master');\n      return false;\n    }",
  replace: '    }',
  rocketmq:
    "A slave's report beyond the master's own log accepted (the check missing, as in HAConnection before it had one): after a master lost its tail to a power loss, push2SlaveMaxOffset counts bytes of the old history the slave holds as acknowledgements of new puts.",
} satisfies PlantedBug;
