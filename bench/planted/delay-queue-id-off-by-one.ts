// Planted bug (npm run planted): delay-queue-id-off-by-one.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'delay-queue-id-off-by-one',
  area: 'store',
  file: 'core/store/commit-log.ts',
  find: '    return { ...request, topic: SCHEDULE_TOPIC, queueId: capped - 1, properties };',
  replace: '    return { ...request, topic: SCHEDULE_TOPIC, queueId: capped, properties };',
  rocketmq:
    "delayLevel2QueueId off by one (RocketMQ: queueId = delayLevel - 1): each level's messages land in the next level's queue, the last level's in a queue nobody reads.",
} satisfies PlantedBug;
