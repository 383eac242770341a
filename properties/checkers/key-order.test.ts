// key-order per producer over generated runs of several producers sending the same sharding keys
// at once: any interleaving of their sequences in the queue (each producer's in its own order)
// passes, however the producers raced; one producer's two messages of a key consumed the wrong way
// round are flagged, naming the later-sent one.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { History, Op } from '../history.ts';
import { deliveryOf } from './history-builder.ts';
import { checkKeyOrder } from './key-order.ts';

interface Sent {
  key: string;
  producer: string;
  shard: string;
}

/** Each producer's own sequence: producer p sends `count` messages over `shards` sharding keys. */
const sequences = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 15 }))
  .map(([producers, shards, count]) =>
    Array.from({ length: producers }, (_, p) =>
      Array.from({ length: count }, (_, i): Sent => ({
        key: `m${p * 100 + i}`,
        producer: `p${p + 1}`,
        shard: `k${i % shards}`,
      })),
    ),
  );

/** A merge of the sequences that keeps each one's order, drawn by `picks`. */
function interleave(seqs: Sent[][], picks: number[]): Sent[] {
  const rest = seqs.map((s) => [...s]);
  const out: Sent[] = [];
  for (let i = 0; rest.some((s) => s.length > 0); i++) {
    const live = rest.filter((s) => s.length > 0);
    out.push(live[(picks[i % Math.max(1, picks.length)] ?? 0) % live.length]!.shift()!);
  }
  return out;
}

/** Sends acknowledged in `acked` order (invoke and ok each), then consumed in `consumed` order. */
function run(acked: Sent[], consumed: Sent[]): History {
  const ops: Op[] = [];
  const add = (op: Omit<Op, 'index' | 'time'>) =>
    ops.push({ ...op, index: ops.length, time: ops.length } as Op);
  for (const s of acked) {
    const value = { key: s.key, topic: 'T', uniqKey: `U-${s.key}`, shardingKey: s.shard };
    add({ type: 'invoke', process: s.producer, f: 'send', value });
    add({ type: 'ok', process: s.producer, f: 'send', value: { ...value, sendStatus: 'SEND_OK' } });
  }
  for (const s of consumed) add({ type: 'ok', process: 'c1', f: 'consume', value: deliveryOf(s.key) });
  return ops;
}

const picks = fc.array(fc.nat(), { maxLength: 60 });

describe('key-order, per producer', () => {
  ptest.prop([sequences, picks, picks])(
    'producers racing on the same keys: any interleaving of their own orders passes',
    (seqs, ackPicks, queuePicks) => {
      // The acknowledgements interleave one way, the queue (and so consumption) another.
      const history = run(interleave(seqs, ackPicks), interleave(seqs, queuePicks));
      expect(checkKeyOrder(history)).toEqual([]);
    },
  );

  ptest.prop([sequences, picks, fc.nat(), fc.nat()])(
    "one producer's two messages of a key consumed the wrong way round are flagged",
    (seqs, queuePicks, whose, which) => {
      const seq = seqs[whose % seqs.length]!;
      const sameKey = seq.flatMap((a, i) =>
        seq
          .slice(i + 1)
          .filter((b) => b.shard === a.shard)
          .map((b) => [a, b] as const),
      );
      fc.pre(sameKey.length > 0);
      const [earlier, later] = sameKey[which % sameKey.length]!;
      const order = interleave(seqs, queuePicks);
      const [i, j] = [order.indexOf(earlier), order.indexOf(later)];
      [order[i], order[j]] = [later, earlier];
      const flagged = checkKeyOrder(run(seqs.flat(), order)).map((v) => v.key);
      expect(flagged).toContain(earlier.key);
      expect(flagged.every((k) => seq.some((s) => s.key === k))).toBe(true);
    },
  );
});
