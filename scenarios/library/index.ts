// The built-in scenarios, in teaching order: the quick start, then durability (flush, replication),
// then delivery (producer retries, consumer crashes, retries and the DLQ), then order, then the
// store, operations (backtracking, NameServers) and time, and finally the application's own part.
import type { ScenarioInput } from '../scenario-schema.ts';
import { scenario as quickStart } from './quick-start.ts';
import { scenario as asyncFlushKill } from './async-flush-kill.ts';
import { scenario as asyncFlushPowerLoss } from './async-flush-power-loss.ts';
import { scenario as syncFlushPowerLoss } from './sync-flush-power-loss.ts';
import { scenario as asyncMasterDiskLoss } from './async-master-disk-loss.ts';
import { scenario as syncMasterDiskLoss } from './sync-master-disk-loss.ts';
import { scenario as producerRetryDuplicates } from './producer-retry-duplicates.ts';
import { scenario as consumerCrashRedelivery } from './consumer-crash-redelivery.ts';
import { scenario as retriesToDlq } from './retries-to-dlq.ts';
import { scenario as consumeTimeoutRedelivery } from './consume-timeout-redelivery.ts';
import { scenario as orderlyConsumerCrash } from './orderly-consumer-crash.ts';
import { scenario as orderedBrokerFailure } from './ordered-broker-failure.ts';
import { scenario as concurrentReordering } from './concurrent-reordering.ts';
import { scenario as consumeQueueRebuild } from './consume-queue-rebuild.ts';
import { scenario as backtrackByTime } from './backtrack-by-time.ts';
import { scenario as namesrvDivergence } from './namesrv-divergence.ts';
import { scenario as pausedOrderlyLockExpiry } from './paused-orderly-lock-expiry.ts';
import { scenario as clockSkew } from './clock-skew.ts';
import { scenario as idempotentHandler } from './idempotent-handler.ts';
import { scenario as broadcastingPowerLoss } from './broadcasting-power-loss.ts';

export const BUILT_IN_SCENARIOS: readonly ScenarioInput[] = [
  quickStart,
  asyncFlushKill,
  asyncFlushPowerLoss,
  syncFlushPowerLoss,
  asyncMasterDiskLoss,
  syncMasterDiskLoss,
  producerRetryDuplicates,
  consumerCrashRedelivery,
  retriesToDlq,
  consumeTimeoutRedelivery,
  orderlyConsumerCrash,
  orderedBrokerFailure,
  concurrentReordering,
  consumeQueueRebuild,
  backtrackByTime,
  namesrvDivergence,
  pausedOrderlyLockExpiry,
  clockSkew,
  idempotentHandler,
  broadcastingPowerLoss,
];

export function findScenario(name: string): ScenarioInput | undefined {
  return BUILT_IN_SCENARIOS.find((s) => s.name === name);
}
