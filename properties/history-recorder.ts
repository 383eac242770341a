// Turns a run's trace into a Jepsen-style history: each producer send is an invocation and its
// completion, each delivery to a listener a consume op, each operator reset and handler effect an
// op, and each nemesis action a nemesis op. A send completes:
// - ok when the broker answered with a SendStatus (SEND_OK or a stored-but-not-OK status);
// - fail when nothing can have been stored: no attempt was made, or every attempt failed
//   definitely (the connection could not be made, or the broker refused with an error code);
// - info otherwise: an attempt timed out or its connection broke after the request went out, or
//   the send was one-way (never answered), so the message may be stored.
// The trace must have been kept (World keepTrace).
import type { TraceRecord } from '../sim/trace.ts';
import type { ConsumeValue, History, Op, SendOp, SendValue } from './history.ts';

const HISTORY_EVENTS = new Set([
  'producer.send',
  'producer.attempt-result',
  'producer.send-result',
  'consumer.deliver',
  'admin.reset-offset',
  'app.effect',
]);

/** The trace records recordHistory reads: a run that writes no report keeps only these. */
export function isHistoryRecord(node: string, event: string): boolean {
  return node === 'nemesis' || HISTORY_EVENTS.has(event);
}

export function recordHistory(records: readonly TraceRecord[]): History {
  const ops: Op[] = [];
  /** Each send's invocation, by UNIQ_KEY: its completion takes the key, topic and producer from it. */
  const started = new Map<string, SendOp>();
  const mayBeStored = new Set<string>();
  /** Deliveries so far per group and message key. */
  const attempts = new Map<string, Map<string, number>>();
  // Indexed: a pass made once a run runs mostly unoptimized, where for-of makes an iterator result
  // an element.
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const f = r.fields ?? NO_FIELDS;
    // Each op is one literal, its index in it: Jepsen's field order, with no property added later.
    if (r.event === 'producer.send') {
      const uniqKey = String(f.uniqKey);
      const key = String(f.keys ?? f.uniqKey);
      const value = sendValue(key, String(f.topic), uniqKey, f.shardingKey, f);
      const op: SendOp = { time: r.t, type: 'invoke', process: r.node, f: 'send', value, index: ops.length };
      started.set(uniqKey, op);
      ops.push(op);
    } else if (r.event === 'producer.attempt-result') {
      if (f.result === 'SENT_ONEWAY' || (f.error !== undefined && !DEFINITE_FAILURE.test(String(f.error)))) {
        mayBeStored.add(String(f.uniqKey));
      }
    } else if (r.event === 'producer.send-result') {
      const uniqKey = String(f.uniqKey);
      const sent = started.get(uniqKey);
      if (sent === undefined) continue;
      const { key, topic, shardingKey } = sent.value;
      const value = sendValue(key, topic, uniqKey, shardingKey, f);
      const error = f.error === undefined ? undefined : String(f.error);
      const type = outcomeOf(f, error, mayBeStored.has(uniqKey));
      const { process } = sent;
      const index = ops.length;
      ops.push(
        error
          ? { time: r.t, type, process, f: 'send', value, error, index }
          : { time: r.t, type, process, f: 'send', value, index },
      );
    } else if (r.event === 'consumer.deliver') {
      const value = consumeValue(r.node, f, attemptOf(attempts, String(f.group), String(f.key)));
      ops.push({ time: r.t, type: 'ok', process: r.node, f: 'consume', value, index: ops.length });
    } else if (r.event === 'admin.reset-offset') {
      const value = { group: String(f.group), topic: String(f.topic), timestamp: Number(f.timestamp) };
      ops.push({ time: r.t, type: 'ok', process: 'admin', f: 'reset-offset', value, index: ops.length });
    } else if (r.event === 'app.effect') {
      const value = { key: String(f.key), group: String(f.group) };
      ops.push({ time: r.t, type: 'ok', process: r.node, f: 'effect', value, index: ops.length });
    } else if (r.node === 'nemesis') {
      const value = r.fields ?? {};
      ops.push({ time: r.t, type: 'info', process: 'nemesis', f: r.event, value, index: ops.length });
    }
  }
  return ops;
}

const NO_FIELDS: Readonly<Record<string, unknown>> = {};

/** Counts one more delivery of `key` to `group`; returns which it is (1 for the first). */
function attemptOf(attempts: Map<string, Map<string, number>>, group: string, key: string): number {
  let byKey = attempts.get(group);
  if (byKey === undefined) attempts.set(group, (byKey = new Map()));
  const attempt = (byKey.get(key) ?? 0) + 1;
  byKey.set(key, attempt);
  return attempt;
}

/** Errors after which the broker cannot have stored the message. */
const DEFINITE_FAILURE = /^(RemotingConnectException|MQBrokerException|MQClientException)/;

function outcomeOf(
  f: Readonly<Record<string, unknown>>,
  error: string | undefined,
  mayBeStored: boolean,
): Op['type'] {
  if (error === undefined) return f.sendStatus === undefined ? 'info' : 'ok';
  return mayBeStored ? 'info' : 'fail';
}

/**
 * One literal for each of the four shapes, in the order the fields were always written (the
 * JSON-lines export keeps it): no field added to an object after it is made.
 */
function sendValue(
  key: string,
  topic: string,
  uniqKey: string,
  sharding: unknown,
  f: Readonly<Record<string, unknown>>,
): SendValue {
  const shardingKey = sharding === undefined ? undefined : String(sharding);
  if (f.sendStatus === undefined) {
    return shardingKey === undefined ? { key, topic, uniqKey } : { key, topic, uniqKey, shardingKey };
  }
  const sendStatus = String(f.sendStatus);
  const brokerName = String(f.brokerName);
  const queueId = Number(f.queueId);
  const queueOffset = Number(f.queueOffset);
  return shardingKey === undefined
    ? { key, topic, uniqKey, sendStatus, brokerName, queueId, queueOffset }
    : { key, topic, uniqKey, shardingKey, sendStatus, brokerName, queueId, queueOffset };
}

function consumeValue(node: string, f: Readonly<Record<string, unknown>>, attempt: number): ConsumeValue {
  return {
    key: String(f.key),
    uniqKey: String(f.uniqKey),
    group: String(f.group),
    consumer: node,
    topic: String(f.topic),
    brokerName: String(f.brokerName),
    queueId: Number(f.queueId),
    queueOffset: Number(f.queueOffset),
    reconsumeTimes: Number(f.reconsumeTimes),
    storeTimestamp: Number(f.storeTimestamp),
    attempt,
  };
}
