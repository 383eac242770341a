// Planted bug (npm run planted): group-commit-acks-before-flush.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'group-commit-acks-before-flush',
  area: 'store',
  file: 'core/store/commit-log-flush.ts',
  find: '    this.waiting = [];\n    // Woken with nothing waiting',
  replace:
    "    this.waiting = [];\n    for (const request of batch) this.settle(request, 'PUT_OK');\n    // Woken with nothing waiting",
  rocketmq:
    "GroupCommitService answering PUT_OK before the flush that covers the record completed; the group commit's result has been wrong before: apache/rocketmq#3408 (flushOK computed from the first of two flushes) and #7523 (always FLUSH_DISK_TIMEOUT with transientStorePoolEnable).",
} satisfies PlantedBug;
