// Planted bug (npm run planted): cq-truncate-keeps-entry-at-cut.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'cq-truncate-keeps-entry-at-cut',
  area: 'store',
  file: 'core/store/consume-queue.ts',
  find: 'if (!isValidCqEntry(commitLogOffset, size) || commitLogOffset >= below) break;',
  replace: 'if (!isValidCqEntry(commitLogOffset, size) || commitLogOffset > below) break;',
  rocketmq:
    'ConsumeQueue truncation off by one: an entry pointing exactly at the cut keeps pointing at bytes that will be overwritten; apache/rocketmq#2571 questions this very comparison (offset >= phyOffset vs offset + size > phyOffset), #495 shows CQ and CommitLog disagreeing after two abnormal stops.',
} satisfies PlantedBug;
