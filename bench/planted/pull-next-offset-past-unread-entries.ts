// Planted bug (npm run planted): pull-next-offset-past-unread-entries.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'pull-next-offset-past-unread-entries',
  area: 'store',
  file: 'core/store/get-message.ts',
  find: '  result.nextBeginOffset = offset + i;',
  replace: '  result.nextBeginOffset = offset + entries.length;',
  rocketmq:
    "getMessage's nextBeginOffset counted over the entries looked at, not those consumed, so a batch cut by maxMsgNums or the transfer limits skips the rest (apache/rocketmq#10955: a message never reaches the client, skipped in the pull).",
} satisfies PlantedBug;
