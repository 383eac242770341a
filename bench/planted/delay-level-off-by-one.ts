// Planted bug (npm run planted): delay-level-off-by-one.
import type { PlantedBug } from '../planted-bug.ts';

export default {
  name: 'delay-level-off-by-one',
  area: 'store',
  file: 'core/store/reput-message-service.ts',
  find: '  return (level, storeTimestamp) => storeTimestamp + delays[Math.min(level, delays.length) - 1]!;',
  replace:
    '  return (level, storeTimestamp) => storeTimestamp + delays[Math.min(level, delays.length - 1)]!;',
  rocketmq:
    "Delay level off by one (levels are 1-based: RocketMQ's delayLevelTable.put(i + 1, ...)); level L waits level L+1's time.",
} satisfies PlantedBug;
