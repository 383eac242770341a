// The history of a run, as Jepsen records one: each client operation is an invocation followed by
// its completion (ok: it happened; fail: it did not; info: unknown, e.g. a timeout), and each
// fault is a nemesis operation. Checkers are pure functions of a history (and, where they need
// it, of the final stores). Field names are Jepsen's (index, time, type, process, f, value,
// error), so the JSON-lines export can be read by Jepsen's and Elle's tools.
// `time` is world time in ms (Jepsen uses ns since the start; the export converts).

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** A producer's send: `key` identifies the message in the workload (its KEYS). */
export interface SendValue {
  readonly key: string;
  readonly topic: string;
  /** The message id the producer set once and kept across retries. */
  readonly uniqKey?: string;
  /** For ordered workloads: the sharding key whose order must be kept. */
  readonly shardingKey?: string;
  /** Known on ok: where the broker stored it. */
  readonly brokerName?: string;
  readonly queueId?: number;
  readonly queueOffset?: number;
  /** On ok: SEND_OK, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE (all stored). */
  readonly sendStatus?: string;
}

/** One delivery of a message to a consumer's listener. */
export interface ConsumeValue {
  readonly key: string;
  readonly uniqKey: string;
  readonly group: string;
  readonly consumer: string;
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly reconsumeTimes: number;
  /** The broker's clock when it stored the message (epoch ms). */
  readonly storeTimestamp: number;
  /** Which delivery of this message to this group it is (1 for the first). */
  readonly attempt: number;
}

/** An operator's reset of a group's offsets to the first message stored at or after `timestamp`. */
export interface ResetOffsetValue {
  readonly group: string;
  readonly topic: string;
  /** Epoch ms, on the brokers' clocks. */
  readonly timestamp: number;
}

/** A consumer handler's side effect on the application's own store (an order paid, a row written). */
export interface EffectValue {
  readonly key: string;
  readonly group: string;
}

interface OpBase {
  readonly index: number;
  readonly time: number;
  readonly process: string;
  readonly error?: string;
}

export type SendOp = OpBase & { readonly type: OpType; readonly f: 'send'; readonly value: SendValue };
/** Deliveries are recorded as they happen: one `ok` each, no invocation. */
export type ConsumeOp = OpBase & { readonly type: 'ok'; readonly f: 'consume'; readonly value: ConsumeValue };
export type NemesisOp = OpBase & {
  readonly type: 'info';
  readonly process: 'nemesis';
  readonly f: string;
  readonly value: unknown;
};
/** mqadmin resetOffsetByTime, as an operator runs it: recorded once the broker answered. */
export type ResetOffsetOp = OpBase & {
  readonly type: 'ok';
  readonly process: 'admin';
  readonly f: 'reset-offset';
  readonly value: ResetOffsetValue;
};
export type EffectOp = OpBase & { readonly type: 'ok'; readonly f: 'effect'; readonly value: EffectValue };
export type Op = SendOp | ConsumeOp | NemesisOp | ResetOffsetOp | EffectOp;
export type History = readonly Op[];

export const isSend = (op: Op): op is SendOp => op.f === 'send';
export const isConsume = (op: Op): op is ConsumeOp => op.f === 'consume';
export const isNemesis = (op: Op): op is NemesisOp => op.process === 'nemesis';
export const isResetOffset = (op: Op): op is ResetOffsetOp => op.f === 'reset-offset';
export const isEffect = (op: Op): op is EffectOp => op.f === 'effect';

/** What every checker returns: the property's name and, per violation, a sentence a learner can follow. */
export interface Violation {
  readonly property: string;
  readonly key: string;
  readonly explanation: string;
}

/**
 * What the checkers of a run ask of a history, derived in one pass (each checker walking the whole
 * history again cost more than its own work): its sends, completions, deliveries, effects and
 * faults, each in history order. Histories only grow (the recorder appends), so a longer one than
 * the cached is derived again.
 */
export interface HistoryIndex {
  /** Every send op, invocations and completions. */
  readonly sends: readonly SendOp[];
  /** The completion of each send, by key (the last one if a key was sent more than once). */
  readonly sendOutcomes: ReadonlyMap<string, SendOp>;
  /** The keys invoked and never completed (with sendOutcomes': every key whose send was at least invoked). */
  readonly unfinishedKeys: ReadonlySet<string>;
  /** Deliveries grouped by consumer group. */
  readonly deliveriesByGroup: ReadonlyMap<string, readonly ConsumeOp[]>;
  /** Each group's first delivery of each key (a group's own map: no group-and-key text a delivery). */
  readonly firstDeliveries: ReadonlyMap<string, ReadonlyMap<string, ConsumeOp>>;
  readonly effects: readonly EffectOp[];
  readonly nemesis: readonly NemesisOp[];
  /** Nemesis ops and operators' offset resets: what may explain a redelivery. */
  readonly faultsAndResets: readonly (NemesisOp | ResetOffsetOp)[];
}

const indexes = new WeakMap<History, { length: number; index: HistoryIndex }>();

export function historyIndex(history: History): HistoryIndex {
  const hit = indexes.get(history);
  if (hit !== undefined && hit.length === history.length) return hit.index;
  const index = indexOf(history);
  indexes.set(history, { length: history.length, index });
  return index;
}

function indexOf(history: History): HistoryIndex {
  const sends: SendOp[] = [];
  const sendOutcomes = new Map<string, SendOp>();
  const deliveriesByGroup = new Map<string, ConsumeOp[]>();
  const firstDeliveries = new Map<string, Map<string, ConsumeOp>>();
  const effects: EffectOp[] = [];
  const nemesis: NemesisOp[] = [];
  const faultsAndResets: (NemesisOp | ResetOffsetOp)[] = [];
  // Indexed, as recordHistory's pass: no iterator result an op.
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (isSend(op)) {
      sends.push(op);
      if (op.type !== 'invoke') sendOutcomes.set(op.value.key, op);
    } else if (isConsume(op)) {
      const { group, key } = op.value;
      const deliveries = deliveriesByGroup.get(group);
      if (deliveries === undefined) {
        deliveriesByGroup.set(group, [op]);
        firstDeliveries.set(group, new Map([[key, op]]));
      } else {
        deliveries.push(op);
        const firsts = firstDeliveries.get(group)!;
        if (!firsts.has(key)) firsts.set(key, op);
      }
    } else if (isEffect(op)) effects.push(op);
    if (isNemesis(op)) nemesis.push(op);
    if (isNemesis(op) || isResetOffset(op)) faultsAndResets.push(op);
  }
  // A set of the few unfinished keys rather than of every key attempted.
  const unfinishedKeys = new Set<string>();
  for (let i = 0; i < sends.length; i++) {
    const { key } = sends[i]!.value;
    if (!sendOutcomes.has(key)) unfinishedKeys.add(key);
  }
  return {
    sends,
    sendOutcomes,
    unfinishedKeys,
    deliveriesByGroup,
    firstDeliveries,
    effects,
    nemesis,
    faultsAndResets,
  };
}

/** The completion of each send, by key (the last one if a key was sent more than once). */
export const sendOutcomes = (history: History) => historyIndex(history).sendOutcomes;

/** Deliveries grouped by consumer group, each in history order. */
export const deliveriesByGroup = (history: History) => historyIndex(history).deliveriesByGroup;

/** Each group's first delivery of each key. Whether and when a group consumed a message is what most checkers ask. */
export const firstDeliveries = (history: History) => historyIndex(history).firstDeliveries;

/** The ops `is` selects, grouped by `key`, each group in history order. */
export function groupOps<T extends Op>(
  history: History,
  is: (op: Op) => op is T,
  key: (op: T) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const op of history) {
    if (!is(op)) continue;
    const k = key(op);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [op]);
    else list.push(op);
  }
  return groups;
}

/** A time for an explanation: whole ms, or seconds with a tenth past ten seconds. */
export function formatTime(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One JSON object a line, Jepsen's fields, time in ns. */
export function toJsonLines(history: History): string {
  return history.map((op) => JSON.stringify({ ...op, time: op.time * 1_000_000 })).join('\n') + '\n';
}
