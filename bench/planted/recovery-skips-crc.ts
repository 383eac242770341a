// Planted bug (npm run planted): recovery-skips-crc.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'recovery-skips-crc',
  area: 'store',
  file: 'core/store/store-recovery.ts',
  find: '    checkCRC: parts.config.checkCRCOnRecover,',
  replace: '    checkCRC: false,',
  rocketmq:
    'CRC not checked on recovery, so a corrupted or torn record is kept and served (checkCRCOnRecover exists for this; apache/rocketmq#501 fixed recovery keeping damaged records).',
} satisfies PlantedBug;
