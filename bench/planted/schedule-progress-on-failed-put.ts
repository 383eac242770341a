// Planted bug (npm run planted): schedule-progress-on-failed-put.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'schedule-progress-on-failed-put',
  area: 'broker',
  file: 'core/broker/schedule-message-service.ts',
  find: "    const fields = { level, offset, topic: request.topic, queueId: request.queueId };\n    if (result.status !== 'PUT_OK') {",
  replace:
    "    const fields = { level, offset, topic: request.topic, queueId: request.queueId };\n    this.offsetTable.set(level, offset + 1);\n    if (result.status !== 'PUT_OK') {",
  rocketmq:
    "ScheduleMessageService moving a level's progress past a message whose delivery put failed: apache/rocketmq#9249 / #9248 (on a failed delivery the next task is scheduled from nextOffset instead of currOffset, losing the message), #3966.",
} satisfies PlantedBug;
