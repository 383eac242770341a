// A message's path through the run, for the report's message view and the diagram's highlights:
// its send (invoked, each attempt and its result, then ok, fail or unknown as the history judged
// it), each delivery with its consumer, queue and reconsumeTimes, each send-back to the retry
// topic or the DLQ, each delay-level hop and each effect, in virtual-time order. Built from the
// trace records that carry the message's key or UNIQ_KEY and from the history's send outcomes.
import { groupOps, isSend, type History, type SendOp } from '../../properties/history.ts';
import type { TraceRecord } from '../../sim/trace.ts';
import type { LaneIndex } from './flow-data.ts';

export interface PathStep {
  t: number;
  lane: number;
  event: string;
  text: string;
  /** How the step ended, for colouring: a send outcome or a delivery. */
  outcome?: 'ok' | 'fail' | 'info' | 'deliver';
}

/** A highlighted message's request to a broker and the answer, as the diagram draws them. */
export interface MessageArrow {
  key: string;
  t0: number;
  from: number;
  t1: number;
  to: number;
  text: string;
}

type Fields = Record<string, unknown>;

/** Trace records by every key and UNIQ_KEY they name, built once per report. */
export function recordsByKey(trace: readonly TraceRecord[]): Map<string, TraceRecord[]> {
  const index = new Map<string, TraceRecord[]>();
  const add = (k: unknown, r: TraceRecord) => {
    if (typeof k !== 'string') return;
    const list = index.get(k) ?? [];
    if (list.at(-1) !== r) list.push(r);
    index.set(k, list);
  };
  for (const r of trace) {
    if (r.fields === undefined || r.event.startsWith('net.')) continue;
    add(r.fields.uniqKey, r);
    add(r.fields.key, r);
    add(r.fields.keys, r);
  }
  return index;
}

const s = (v: unknown) => String(v ?? '');

function stepText(r: TraceRecord): string | undefined {
  const f: Fields = r.fields ?? {};
  switch (r.event) {
    case 'producer.send':
      return `send invoked (${s(f.mode)}) to topic ${s(f.topic)}, tags ${s(f.tags)}`;
    case 'producer.attempt':
      return `attempt ${s(f.attempt)} → ${s(f.broker)} (${s(f.brokerAddr)}) queue ${s(f.queueId)}`;
    case 'producer.attempt-result':
      return f.error === undefined
        ? `attempt ${s(f.attempt)}: ${s(f.result)}${f.queueOffset === undefined ? '' : ` at offset ${s(f.queueOffset)}`}`
        : `attempt ${s(f.attempt)} failed: ${s(f.error)}`;
    case 'consumer.deliver':
      return (
        `delivered to ${s(f.group)} (${s(f.clientId)}) from ${s(f.queueTopic)} ${s(f.brokerName)}/${s(f.queueId)}` +
        `@${s(f.queueOffset)}, reconsumeTimes ${s(f.reconsumeTimes)}`
      );
    case 'consumer.send-back':
      return `${f.dlq ? 'sent to the DLQ' : 'sent back for retry'} by ${s(f.group)} after reconsumeTimes ${s(f.reconsumeTimes)}: ${s(f.outcome)}`;
    case 'schedule.delivered':
      return `delay elapsed: moved from SCHEDULE_TOPIC_XXXX to ${s(f.topic ?? f.realTopic)}`;
    case 'app.effect':
      return `the handler applied its effect (${s(f.group)})`;
    case 'producer.send-result':
      return undefined; // the history's outcome says it, with Jepsen's ok / fail / info
    default:
      return `${r.event} ${JSON.stringify(f)}`;
  }
}

function outcomeStep(op: SendOp, lanes: LaneIndex): PathStep {
  const v = op.value;
  const where = v.brokerName === undefined ? '' : ` at ${v.brokerName}/${v.queueId}@${v.queueOffset}`;
  const what = {
    invoke: 'invoked',
    ok: `acknowledged ${v.sendStatus ?? ''}`,
    fail: 'failed',
    info: 'unknown',
  };
  const error = op.error === undefined ? '' : `: ${op.error}`;
  const text = `send ${what[op.type]}${where}${error}`;
  return {
    t: op.time,
    lane: lanes.of(op.process),
    event: `send ${op.type}`,
    text,
    outcome: op.type as PathStep['outcome'],
  };
}

/** Each key's send operations, in history order (built once per report). */
export function sendsByKey(history: History): Map<string, SendOp[]> {
  return groupOps(history, isSend, (op) => op.value.key);
}

/** The path of one message key; empty if the run never sent it. */
export function messagePath(
  key: string,
  sendsOf: ReadonlyMap<string, readonly SendOp[]>,
  byKey: ReadonlyMap<string, readonly TraceRecord[]>,
  lanes: LaneIndex,
): PathStep[] {
  const sends = sendsOf.get(key) ?? [];
  const uniqKeys = new Set(sends.map((op) => op.value.uniqKey).filter((u) => u !== undefined));
  const records = new Set([...(byKey.get(key) ?? []), ...[...uniqKeys].flatMap((u) => byKey.get(u) ?? [])]);
  const steps: PathStep[] = sends.filter((op) => op.type !== 'invoke').map((op) => outcomeStep(op, lanes));
  for (const r of records) {
    const text = stepText(r);
    if (text === undefined) continue;
    const outcome = r.event === 'consumer.deliver' ? 'deliver' : undefined;
    steps.push({ t: r.t, lane: lanes.of(r.node), event: r.event, text, ...(outcome && { outcome }) });
  }
  return steps.sort((a, b) => a.t - b.t);
}

const SEND_CODES = new Set([10, 310]);

/** Each attempt of a highlighted message: producer → broker, and the broker's answer back. */
export function messageArrows(
  key: string,
  byKey: ReadonlyMap<string, readonly TraceRecord[]>,
  sendRequests: readonly TraceRecord[],
  lanes: LaneIndex,
): MessageArrow[] {
  const arrows: MessageArrow[] = [];
  const records = byKey.get(key) ?? [];
  const uniq = records.find((r) => r.event === 'producer.send')?.fields?.uniqKey;
  const all = typeof uniq === 'string' ? (byKey.get(uniq) ?? []) : records;
  for (const attempt of all.filter((r) => r.event === 'producer.attempt')) {
    const f: Fields = attempt.fields ?? {};
    const arrival = sendRequests.find(
      (r) => r.t >= attempt.t && r.node === f.brokerAddr && r.fields?.from === attempt.node,
    );
    if (arrival === undefined) continue;
    const producer = lanes.of(attempt.node);
    const broker = lanes.of(arrival.node);
    arrows.push({
      key,
      t0: attempt.t,
      from: producer,
      t1: arrival.t,
      to: broker,
      text: `${key} attempt ${s(f.attempt)}`,
    });
    const result = all.find((r) => r.event === 'producer.attempt-result' && r.fields?.attempt === f.attempt);
    if (result?.fields?.error === undefined && result !== undefined) {
      arrows.push({
        key,
        t0: arrival.t,
        from: broker,
        t1: result.t,
        to: producer,
        text: `${key} ${s(result.fields?.result)}`,
      });
    }
  }
  return arrows;
}

/** The SEND_MESSAGE requests the network delivered, in time order (for messageArrows). */
export function sendRequests(trace: readonly TraceRecord[]): TraceRecord[] {
  return trace.filter((r) => r.event === 'net.request' && SEND_CODES.has(Number(r.fields?.label)));
}
