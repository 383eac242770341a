// Planted bug (npm run planted): cq-truncate-keeps-entry-at-cut.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'cq-truncate-keeps-entry-at-cut',
  area: 'store',
  file: 'core/store/consume-queue.ts',
  find: 'const below = (e: CqEntry): boolean => isValidCqEntry(e) && e.commitLogOffset < phyOffset;',
  replace: 'const below = (e: CqEntry): boolean => isValidCqEntry(e) && e.commitLogOffset <= phyOffset;',
  rocketmq:
    'ConsumeQueue truncation off by one: an entry pointing exactly at the cut keeps pointing at bytes that will be overwritten; apache/rocketmq#2571 questions this very comparison (offset >= phyOffset vs offset + size > phyOffset), #495 shows CQ and CommitLog disagreeing after two abnormal stops.',
} satisfies PlantedBug;
