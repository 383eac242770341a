// queue-exclusive over generated runs of one orderly queue: owners that change only across a fault
// pass; a consumer that consumes again after another took the queue, with no
// fault between, is flagged, that delivery only; concurrently consuming groups are not judged.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { historyOf } from './history-builder.ts';
import { checkQueueExclusive } from './queue-exclusive.ts';

/** Runs of deliveries of one queue: a consumer (c0-c2), how many, and whether a fault follows. */
const runs = fc.array(
  fc.record({ who: fc.nat(2), count: fc.integer({ min: 1, max: 4 }), fault: fc.boolean() }),
  {
    minLength: 1,
    maxLength: 12,
  },
);

function build(list: { who: number; count: number; fault: boolean }[], plantAfter?: number) {
  let n = 0;
  return historyOf((h) => {
    list.forEach((run, i) => {
      for (let k = 0; k < run.count; k++) h.consume(`m${n++}`, { consumer: `c${run.who}` });
      if (run.fault) h.fault('kill', { node: `c${run.who}` });
      if (i === plantAfter) h.consume(`m${n++}`, { consumer: 'intruder' });
    });
  });
}

describe('queue-exclusive', () => {
  ptest.prop([runs])('owners that change only across faults pass', (list) => {
    // Every change of owner comes after a fault.
    const fair = list.map((r, i) => ({ ...r, fault: r.fault || list[i + 1]?.who !== r.who }));
    expect(checkQueueExclusive(build(fair), new Set(['G']))).toEqual([]);
  });

  ptest.prop([runs, fc.nat()])(
    'a consumer that comes back with no fault since another took the queue is flagged, once',
    (list, pick) => {
      // c0 owns the queue throughout; an intruder consumes once after run `at`, and c0 goes on.
      const own = [...list.map((r) => ({ ...r, who: 0, fault: false })), { who: 0, count: 1, fault: false }];
      const history = build(own, pick % list.length);
      const violations = checkQueueExclusive(history, new Set(['G']));
      expect(violations).toHaveLength(1);
      expect(violations[0]!.explanation).toMatch(
        /^group G: c0 consumed m\d+ .* though intruder had consumed/,
      );
      // A group not consuming orderly is not judged.
      expect(checkQueueExclusive(history, new Set(['other-group']))).toEqual([]);
    },
  );
});
