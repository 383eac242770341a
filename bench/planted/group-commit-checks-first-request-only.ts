// Planted bug (npm run planted): group-commit-checks-first-request-only.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'group-commit-checks-first-request-only',
  area: 'store',
  file: 'core/store/commit-log-flush.ts',
  find: 'const flushOK = this.commitLog.queue.flushedWhere >= request.nextOffset;',
  replace: 'const flushOK = this.commitLog.queue.flushedWhere >= batch[0]!.nextOffset;',
  rocketmq:
    "A group commit judging every request of a batch by the first one's offset: apache/rocketmq#3408 is this family (doCommit's flushOK not re-checked for requests whose record lies in the next file), #1102 reworked which requests join the commit list.",
} satisfies PlantedBug;
