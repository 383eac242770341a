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
import type { ConsumeValue, History, Op, SendValue } from './history.ts';

interface SendStarted {
  readonly key: string;
  readonly topic: string;
  readonly process: string;
  readonly shardingKey?: string;
}

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
  const started = new Map<string, SendStarted>();
  const mayBeStored = new Set<string>();
  /** Deliveries so far per (group, message key). */
  const attempts = new Map<string, number>();
  const add = (op: Omit<Op, 'index'>) => {
    (op as { index?: number }).index = ops.length;
    ops.push(op as Op);
  };
  for (const r of records) {
    const f = r.fields ?? {};
    if (r.event === 'producer.send') {
      const sent: SendStarted = {
        key: String(f.keys ?? f.uniqKey),
        topic: String(f.topic),
        process: r.node,
        ...(f.shardingKey !== undefined && { shardingKey: String(f.shardingKey) }),
      };
      started.set(String(f.uniqKey), sent);
      add({ time: r.t, type: 'invoke', process: r.node, f: 'send', value: sendValue(sent, f) });
    } else if (r.event === 'producer.attempt-result') {
      if (f.result === 'SENT_ONEWAY' || (f.error !== undefined && !DEFINITE_FAILURE.test(String(f.error)))) {
        mayBeStored.add(String(f.uniqKey));
      }
    } else if (r.event === 'producer.send-result') {
      const sent = started.get(String(f.uniqKey));
      if (sent === undefined) continue;
      const error = f.error === undefined ? undefined : String(f.error);
      add({
        time: r.t,
        type: outcomeOf(f, error, mayBeStored.has(String(f.uniqKey))),
        process: sent.process,
        f: 'send',
        value: sendValue(sent, f),
        ...(error && { error }),
      });
    } else if (r.event === 'consumer.deliver') {
      const delivery = `${f.group}\u0000${f.key}`;
      attempts.set(delivery, (attempts.get(delivery) ?? 0) + 1);
      const value = consumeValue(r.node, f, attempts.get(delivery)!);
      add({ time: r.t, type: 'ok', process: r.node, f: 'consume', value });
    } else if (r.event === 'admin.reset-offset') {
      const value = { group: String(f.group), topic: String(f.topic), timestamp: Number(f.timestamp) };
      add({ time: r.t, type: 'ok', process: 'admin', f: 'reset-offset', value });
    } else if (r.event === 'app.effect') {
      add({
        time: r.t,
        type: 'ok',
        process: r.node,
        f: 'effect',
        value: { key: String(f.key), group: String(f.group) },
      });
    } else if (r.node === 'nemesis') {
      add({ time: r.t, type: 'info', process: 'nemesis', f: r.event, value: f });
    }
  }
  return ops;
}

/** Errors after which the broker cannot have stored the message. */
const DEFINITE_FAILURE = /^(RemotingConnectException|MQBrokerException|MQClientException)/;

function outcomeOf(f: Record<string, unknown>, error: string | undefined, mayBeStored: boolean): Op['type'] {
  if (error === undefined) return f.sendStatus === undefined ? 'info' : 'ok';
  return mayBeStored ? 'info' : 'fail';
}

function sendValue(sent: SendStarted, f: Record<string, unknown>): SendValue {
  // Filled in place, not spread: one object per op (a run has three ops a message).
  const value: { -readonly [K in keyof SendValue]: SendValue[K] } = {
    key: sent.key,
    topic: sent.topic,
    uniqKey: String(f.uniqKey),
  };
  if (sent.shardingKey !== undefined) value.shardingKey = sent.shardingKey;
  if (f.sendStatus !== undefined) {
    value.sendStatus = String(f.sendStatus);
    value.brokerName = String(f.brokerName);
    value.queueId = Number(f.queueId);
    value.queueOffset = Number(f.queueOffset);
  }
  return value;
}

function consumeValue(node: string, f: Record<string, unknown>, attempt: number): ConsumeValue {
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
