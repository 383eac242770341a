// Planted bug (npm run planted): offset-read-failure-as-none.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'offset-read-failure-as-none',
  area: 'client',
  file: 'core/client/rebalance.ts',
  find: '      if (lastOffset !== -1) return done(-1);\n',
  replace: '',
  rocketmq:
    "A failed offset read taken as 'no offset', so the queue starts from CONSUME_FROM_LAST_OFFSET and skips its backlog (4.9.x added computePullFromWhereWithException for this; apache/rocketmq#1825, #4909 show the start-offset rules going wrong).",
} satisfies PlantedBug;
