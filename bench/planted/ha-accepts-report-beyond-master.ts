// Planted bug (npm run planted): ha-accepts-report-beyond-master.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'ha-accepts-report-beyond-master',
  area: 'ha',
  file: 'core/broker/ha/ha-service.ts',
  find: "    } else if (maxOffset > this.service.store.commitLog.maxOffset()) {\n      this.service.env.probe('ha.report-beyond-master');\n      return false;\n    }",
  replace: '    }',
  rocketmq:
    "apache/rocketmq#3015 and #1155: a report beyond the master's own log accepted as the slave's ack; push2SlaveMaxOffset then covers puts the slave never received ('subsequent writes may return to the producer before the slave synced'), fixed by closing the connection (#3016).",
} satisfies PlantedBug;
