// A small builder of histories for checker tests: dense indexes, and times that follow the index
// (0, 1, 2, ...) until a test sets them with `at(ms)`, so order-only tests need not think of time.
import type { ConsumeValue, EffectValue, History, Op, ResetOffsetValue, SendValue } from '../history.ts';

export interface Builder {
  /** From now on every op gets time `ms`, until the next `at`. */
  at(ms: number): void;
  send(key: string, type?: Op['type'], value?: Partial<SendValue>): void;
  consume(key: string, value?: Partial<ConsumeValue>): void;
  fault(f: string, value: unknown): void;
  reset(value: ResetOffsetValue): void;
  effect(key: string, group?: string, consumer?: string): void;
}

/** Builds a history op by op, with dense indexes; times are the index unless set with `at`. */
export function historyOf(build: (h: Builder) => void): History {
  const ops: Op[] = [];
  let fixedTime: number | undefined;
  const add = (op: Omit<Op, 'index' | 'time'>) =>
    ops.push({ ...op, index: ops.length, time: fixedTime ?? ops.length } as Op);
  const h: Builder = {
    at: (ms) => {
      fixedTime = ms;
    },
    send: (key, type = 'ok', value = {}) => {
      const v: SendValue = { key, topic: 'T', uniqKey: `U-${key}`, ...value };
      add({
        type: 'invoke',
        process: 'p1',
        f: 'send',
        value: { key, topic: v.topic, shardingKey: v.shardingKey },
      });
      if (type !== 'invoke') add({ type, process: 'p1', f: 'send', value: v });
    },
    consume: (key, value = {}) => {
      // A redelivery comes from the group's retry topic, a new record each time, unless the test says.
      const base = deliveryOf(key);
      const retry =
        (value.reconsumeTimes ?? 0) > 0 ? { topic: `%RETRY%${value.group ?? base.group}`, queueOffset: ops.length } : {};
      add({ type: 'ok', process: value.consumer ?? 'c1', f: 'consume', value: { ...base, ...retry, ...value } });
    },
    fault: (f, value) => add({ type: 'info', process: 'nemesis', f, value }),
    reset: (value) => add({ type: 'ok', process: 'admin', f: 'reset-offset', value }),
    effect: (key, group = 'G', consumer = 'c1') => {
      const value: EffectValue = { key, group };
      add({ type: 'ok', process: consumer, f: 'effect', value });
    },
  };
  build(h);
  return ops;
}

/** Key "m<n>" lives at offset n of broker-a/0 unless a test says otherwise. */
export function deliveryOf(key: string): ConsumeValue {
  const n = Number(key.slice(1));
  return {
    key,
    uniqKey: `U-${key}`,
    group: 'G',
    consumer: 'c1',
    topic: 'T',
    brokerName: 'broker-a',
    queueId: 0,
    queueOffset: n,
    reconsumeTimes: 0,
    storeTimestamp: 1_000 + n,
    attempt: 1,
  };
}
