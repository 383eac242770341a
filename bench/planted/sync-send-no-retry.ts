// Planted bug (npm run planted): sync-send-no-retry.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'sync-send-no-retry',
  area: 'client',
  file: 'core/client/default-mq-producer-impl.ts',
  find: "    if (mode === 'ASYNC' && fromAsyncCall) return this.finish(op, error);",
  replace: '    if (fromAsyncCall) return this.finish(op, error);',
  rocketmq:
    "The producer not retrying at all: a sync send's network failure or retried broker code ends the send at once (the async path's rule applied to sync sends), though retryTimesWhenSendFailed is 2.",
} satisfies PlantedBug;
