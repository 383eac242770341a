// Sequences of what can happen to one broker's store: puts (to a few topics and queues, of
// varied sizes, some delayed), time passing, and the node stopping by a kill, a power loss or a
// clean shutdown (it restarts at once). Shrinks toward fewer, smaller operations.
import fc from 'fast-check';
import type { StopKind } from '../harness/store-node.ts';

export type StoreOperation =
  | { op: 'put'; topic: number; queueId: number; bodySize: number; delayLevel: number }
  | { op: 'advance'; ms: number }
  | { op: 'stop'; kind: StopKind };

export interface StoreOperationOptions {
  stops: readonly StopKind[];
  maxLength: number;
}

export function storeOperationsArb({
  stops,
  maxLength,
}: StoreOperationOptions): fc.Arbitrary<StoreOperation[]> {
  const put = fc.record({
    op: fc.constant('put' as const),
    topic: fc.integer({ min: 0, max: 2 }),
    queueId: fc.integer({ min: 0, max: 1 }),
    bodySize: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 1_500 })),
    delayLevel: fc.oneof(
      { weight: 9, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 18 }) },
    ),
  });
  const advance = fc.record({
    op: fc.constant('advance' as const),
    ms: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 15_000 })),
  });
  const arbs: fc.Arbitrary<StoreOperation>[] = [put, put, put, advance];
  if (stops.length > 0)
    arbs.push(fc.record({ op: fc.constant('stop' as const), kind: fc.constantFrom(...stops) }));
  return fc.array(fc.oneof(...arbs), { maxLength, size: 'max' });
}
