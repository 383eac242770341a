// Planted bug (npm run planted): send-back-failure-answered-success.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'send-back-failure-answered-success',
  area: 'broker',
  file: 'core/broker/send-message-processor.ts',
  find: "      if (status === 'PUT_OK') return answer(ResponseCode.SUCCESS);",
  replace:
    "      if (status === 'PUT_OK' || status === 'SERVICE_NOT_AVAILABLE' || status === 'UNKNOWN_ERROR') return answer(ResponseCode.SUCCESS);",
  rocketmq:
    'A send-back whose put failed answered SUCCESS, so the consumer commits past a message stored nowhere (a put failure mapped to the wrong code).',
} satisfies PlantedBug;
