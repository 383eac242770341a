// Planted bug (npm run planted): orderly-ignores-lock-expiry.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'orderly-ignores-lock-expiry',
  area: 'client',
  file: 'core/client/consume-message-orderly-service.ts',
  find: "    if (!pq.locked || pq.isLockExpired(env.now())) {\n      env.probe('client.orderly-not-locked');",
  replace: "    if (!pq.locked) {\n      env.probe('client.orderly-not-locked');",
  rocketmq:
    "Orderly consumption trusting a lock it has not renewed for longer than the client's 30 s (ProcessQueue.isLockExpired not checked between batches), so it keeps consuming after the broker let another consumer take the queue.",
} satisfies PlantedBug;
