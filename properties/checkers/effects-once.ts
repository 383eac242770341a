// effects-once: a consumer whose handler is idempotent (it records each message's effect in the
// application's store once, keyed by the message key) applies each message's effect at most once
// per group, however often RocketMQ delivers it (at-least-once). Duplicate deliveries themselves
// are the duplicated checker's business; here only a second effect is a violation.
import { formatTime, historyIndex, type EffectOp, type History, type Violation } from '../history.ts';

export function checkEffectsOnce(history: History): Violation[] {
  const firstEffects = new Map<string, Map<string, EffectOp>>(); // group -> key -> first effect
  const violations: Violation[] = [];
  const { effects } = historyIndex(history);
  // Indexed, as recordHistory's one-shot pass (properties/history-recorder.ts).
  for (let i = 0; i < effects.length; i++) {
    const op = effects[i]!;
    const { key, group } = op.value;
    let byKey = firstEffects.get(group);
    if (byKey === undefined) firstEffects.set(group, (byKey = new Map()));
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, op);
      continue;
    }
    violations.push({
      property: 'effects-once',
      key,
      explanation: `group ${group} applied the effect of ${key} more than once: first by ${first.process} at ${formatTime(first.time)}, again by ${op.process} at ${formatTime(op.time)}`,
    });
  }
  return violations;
}
