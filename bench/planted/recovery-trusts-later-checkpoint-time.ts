// Planted bug (npm run planted): recovery-trusts-later-checkpoint-time.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'recovery-trusts-later-checkpoint-time',
  area: 'store',
  file: 'core/store/checkpoint-format.ts',
  find: '  return Math.max(0, Math.min(cp.physicMsgTimestamp, cp.logicsMsgTimestamp) - 3000);',
  replace: '  return Math.max(0, Math.max(cp.physicMsgTimestamp, cp.logicsMsgTimestamp) - 3000);',
  rocketmq:
    'Abnormal recovery choosing its start file by the later of the CommitLog and ConsumeQueue checkpoint times instead of the earlier, so ConsumeQueue entries lost with the page cache are not rebuilt (apache/rocketmq#678, #1434: recovery starting too late loses dispatch).',
} satisfies PlantedBug;
