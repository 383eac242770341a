// Planted bug (npm run planted): abnormal-recovery-starts-one-file-late.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'abnormal-recovery-starts-one-file-late',
  area: 'store',
  file: 'core/store/store-recovery.ts',
  find: '    if (first !== undefined && first !== 0 && first <= safe) return i;',
  replace:
    '    if (first !== undefined && first !== 0 && first <= safe) return Math.min(i + 1, files.length - 1);',
  rocketmq:
    "Abnormal recovery starting from the file after the one the checkpoint points into, so the records between are never re-dispatched: apache/rocketmq#1434 (recoverAbnormally only rebuilds the last file; the previous file's undispatched tail is lost).",
} satisfies PlantedBug;
