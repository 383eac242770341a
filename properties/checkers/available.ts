// available: a send fails only when RocketMQ 4.9 would have let it fail. Its producer
// (DefaultMQProducerImpl.sendDefaultImpl for sync sends, MQClientAPIImpl.onExceptionImpl for
// async ones) retries a failed attempt at once, on another broker when the route has one, until
// 1 + retryTimesWhenSendFailed (sync) or 1 + retryTimesWhenSendAsyncFailed (async) attempts were
// made or sendMsgTimeout, counted from the call, is spent; it does not retry a broker's refusal
// outside retryResponseCodes (sync) or any broker's refusal (async). So a plain send is flagged
// when it failed although, by what the world saw:
// - retries were left: fewer SEND_MESSAGE requests went on the wire for it than its attempts,
//   at least one did (its route was known), it failed before sendMsgTimeout had passed on the
//   producer's clock (no clock jump of the producer meanwhile), and the last answer a broker
//   gave it (if any) is one RocketMQ retries;
// - or a retry went to the group whose attempt had just failed although every route the
//   NameServers had given the producer for the topic named another group it could write to
//   (TopicPublishInfo.selectOneMessageQueue avoids lastBrokerName whenever it can);
// - and a master of the topic (of another group, for a retry gone to the same one) was running
//   and reachable from the producer for the whole send (no kill, power loss, shutdown, pause or
//   disk loss of it, no partition, isolation or reset between the two from its start to its
//   end), so a retry had somewhere to go.
// With the latency fault tolerance on (sendLatencyFaultEnable, off by default), a retry goes to
// a broker the producer has not set aside, so the other group counts only if none of the
// producer's attempts there in the last 600 s went unanswered or took 500 ms or more (a failure
// sets a broker aside for 600 s, an answer after 550 ms for 30 s or more; MQFaultStrategy).
// Not checked: ordered sends (sendSelectImpl makes one attempt), one-way sends, sends still
// pending at the end, and attempts that fail before the wire (no address for the broker).
import { ResponseCode } from '../../core/protocol/response-code.ts';
import type { RouteSeen, SendAnswerSeen, SendRequestSeen } from '../answers.ts';
import {
  formatTime,
  historyIndex,
  isSend,
  type History,
  type Op,
  type SendOp,
  type Violation,
} from '../history.ts';

/** What one producer promises: its mode, how many attempts a send gets, and its time budget. */
export interface ProducerPromise {
  readonly mode: 'sync' | 'async' | 'oneway';
  /** 1 + retryTimesWhenSendFailed (sync) or 1 + retryTimesWhenSendAsyncFailed (async). */
  readonly attempts: number;
  /** sendMsgTimeout in world ms, as long as the producer's clock measures it. */
  readonly timeoutMs: number;
  /** sendLatencyFaultEnable: a retry avoids the brokers the producer has set aside. */
  readonly latencyFaultEnable?: boolean;
}

export interface AvailabilityInput {
  /** By producer address. */
  readonly producers: ReadonlyMap<string, ProducerPromise>;
  /** The topic's masters. */
  readonly masters: readonly { readonly address: string; readonly brokerName: string }[];
  readonly requests: readonly SendRequestSeen[];
  readonly answers: readonly SendAnswerSeen[];
  readonly routes: readonly RouteSeen[];
}

/**
 * DefaultMQProducer.retryResponseCodes in 4.9: the broker refusals a sync send retries. Written
 * here from RocketMQ's source, not imported from core/: the checker must not take core's word.
 */
const SYNC_RETRIED = new Set<number>([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
]);

export function checkAvailable(history: History, input: AvailabilityInput): Violation[] {
  const faults = appliedFaults(history);
  // Indexed at the first failed send: most runs have none.
  let requests: Map<string, SendRequestSeen[]> | undefined;
  let answers: Map<string, SendAnswerSeen[]> | undefined;
  const violations: Violation[] = [];
  const { sends } = historyIndex(history);
  for (let i = 0; i < sends.length; i++) {
    const op = sends[i]!;
    if (op.type === 'invoke') continue;
    const promise = input.producers.get(op.process);
    const failed = op.type === 'fail' || (op.type === 'info' && op.error !== undefined);
    if (!failed || op.value.shardingKey !== undefined || promise === undefined) continue;
    if (promise.mode === 'oneway') continue;
    const start = invokedAt(sends, i, op);
    if (start === undefined) continue;
    const within = <T extends { time: number; producer: string }>(list: T[] | undefined) =>
      (list ?? []).filter((x) => x.producer === op.process && x.time >= start && x.time <= op.time);
    requests ??= byUniqKey(input.requests);
    answers ??= byUniqKey(input.answers);
    const sent = within(requests.get(String(op.value.uniqKey)));
    const answered = within(answers.get(String(op.value.uniqKey)));
    const routes = input.routes.filter((r) => r.producer === op.process && r.topic === op.value.topic);
    const setAside = promise.latencyFaultEnable
      ? setAsideBy(op.process, input.requests, requests, answers)
      : () => false;
    const repeated = retriedOnFailedGroup(sent, routes, setAside);
    const owed = retryOwed(op, start, promise, sent.length, answered.at(-1), faults) ?? repeated?.why;
    if (owed === undefined) continue;
    const reachable = input.masters.find(
      (m) =>
        m.brokerName !== repeated?.group &&
        reachableThroughout(faults, op.process, m.address, start, op.time),
    );
    if (reachable === undefined) continue;
    violations.push({
      property: 'available',
      key: op.value.key,
      explanation: `the ${promise.mode} send of ${op.value.key} by ${op.process} failed at ${formatTime(op.time)} (${op.error ?? 'no result'}) after ${sent.length} of its ${promise.attempts} attempts, ${owed}, while ${reachable.address} was running and reachable throughout: RocketMQ would have tried again${repeated === undefined ? '' : ' elsewhere'}`,
    });
  }
  return violations;
}

/** When the send `sends[at]` completes was called: its producer's last invocation of the key before it. */
function invokedAt(sends: readonly SendOp[], at: number, op: SendOp): number | undefined {
  // A failed send is rare and its call lies within its sendMsgTimeout: a walk back, not an index.
  for (let i = at - 1; i >= 0; i--) {
    const earlier = sends[i]!;
    if (
      isSend(earlier) &&
      earlier.type === 'invoke' &&
      earlier.process === op.process &&
      earlier.value.key === op.value.key
    )
      return earlier.time;
  }
  return undefined;
}

function byUniqKey<T extends { uniqKey: string }>(list: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of list) {
    const same = map.get(item.uniqKey);
    if (same === undefined) map.set(item.uniqKey, [item]);
    else same.push(item);
  }
  return map;
}

/** Why a retry was owed when the send failed, or undefined when RocketMQ would have given up too. */
function retryOwed(
  op: SendOp,
  start: number,
  promise: ProducerPromise,
  attempts: number,
  lastAnswer: SendAnswerSeen | undefined,
  faults: readonly Op[],
): string | undefined {
  const elapsed = op.time - start;
  // The producer reads whole milliseconds: its costTime may reach the budget 1 ms of world time early.
  if (attempts === 0 || attempts >= promise.attempts || elapsed + 1 >= promise.timeoutMs) return undefined;
  const jumped = faults.some(
    (f) => f.f === 'clock-jump' && nodeOf(f) === op.process && f.time >= start && f.time <= op.time,
  );
  if (jumped) return undefined;
  if (lastAnswer !== undefined && lastAnswer.code !== ResponseCode.SUCCESS) {
    if (promise.mode === 'async' || !SYNC_RETRIED.has(lastAnswer.code)) return undefined;
  }
  return `${formatTime(elapsed)} into its ${formatTime(promise.timeoutMs)} sendMsgTimeout`;
}

/**
 * Two attempts in a row on the wire to one group although every route the producer had been
 * given by then named another writable group: RocketMQ's retry would have gone there.
 */
function retriedOnFailedGroup(
  sent: readonly SendRequestSeen[],
  routes: readonly RouteSeen[],
  setAside: (group: string, at: number) => boolean,
): { group: string; why: string } | undefined {
  for (let k = 1; k < sent.length; k++) {
    const [failed, retry] = [sent[k - 1]!, sent[k]!];
    if (failed.brokerName !== retry.brokerName) continue;
    const known = routes.filter((r) => r.time <= retry.time);
    const elsewhere = (r: RouteSeen) =>
      r.writable.some((g) => g !== failed.brokerName && !setAside(g, retry.time));
    if (known.length === 0 || !known.every(elsewhere)) continue;
    return {
      group: failed.brokerName,
      why: `its retry at ${formatTime(retry.time)} went back to ${failed.brokerName}, whose attempt had just failed, though its routes named ${known
        .at(-1)!
        .writable.filter((g) => g !== failed.brokerName)
        .join(', ')}`,
    };
  }
  return undefined;
}

/** Not-available periods of the latency fault tolerance: a failure's (600 s), a slow answer's. */
const SET_ASIDE_MS = 600_000;
const SLOW_ANSWER_MS = 500;

/**
 * Whether the producer may have set the group aside by `at`: one of its attempts there in the
 * SET_ASIDE_MS before went unanswered or was answered SLOW_ANSWER_MS or more after it left (a
 * margin below 4.9's first step, 550 ms, for the producer's own measure of the latency).
 */
function setAsideBy(
  producer: string,
  requests: readonly SendRequestSeen[],
  byKey: ReadonlyMap<string, SendRequestSeen[]>,
  answers: ReadonlyMap<string, SendAnswerSeen[]>,
): (group: string, at: number) => boolean {
  // An attempt's answer comes from its broker before the message's next attempt leaves.
  const answerOf = (r: SendRequestSeen) => {
    const next = byKey.get(r.uniqKey)?.find((n) => n.producer === producer && n.time > r.time);
    return answers
      .get(r.uniqKey)
      ?.find(
        (a) =>
          a.producer === producer &&
          a.broker === r.broker &&
          a.time >= r.time &&
          a.time <= (next?.time ?? Infinity),
      );
  };
  return (group, at) =>
    requests.some((r) => {
      if (r.producer !== producer || r.brokerName !== group || r.time > at || r.time < at - SET_ASIDE_MS)
        return false;
      const answer = answerOf(r);
      return answer === undefined || answer.time - r.time >= SLOW_ANSWER_MS;
    });
}

/** The nemesis ops the world applied (one followed by its `skipped` op was not). */
function appliedFaults(history: History): Op[] {
  const { nemesis } = historyIndex(history);
  return nemesis.filter((op, i) => {
    if (op.f === 'skipped') return false;
    const next = nemesis[i + 1];
    if (next?.f !== 'skipped' || next.time !== op.time) return true;
    const skipped = next.value as { fault?: string; node?: string };
    return !(skipped.fault === op.f && skipped.node === nodeOf(op));
  });
}

function nodeOf(op: Op): string | undefined {
  return (op.value as { node?: string }).node;
}

const DOWN = new Set(['kill', 'power-off', 'shutdown', 'pause', 'disk-loss']);
const UP = new Set(['restart', 'resume']);

/** Whether `master` ran and the network joined it to `producer` from `from` to `to`, no fault between. */
function reachableThroughout(
  faults: readonly Op[],
  producer: string,
  master: string,
  from: number,
  to: number,
): boolean {
  const net = new Blocked();
  let down = false;
  const cut = () => down || net.has(producer, master);
  for (const op of faults) {
    if (op.time > to) break;
    const during = op.time > from;
    // The state before this op held from `from` (or the previous op) up to it.
    if (during && cut()) return false;
    const v = op.value as FaultValue;
    // A restart of a running process kills it first: its connections break.
    if (during && v.node === master && op.f === 'restart') return false;
    if (v.node === master && DOWN.has(op.f)) down = true;
    else if (v.node === master && UP.has(op.f)) down = false;
    else if (op.f === 'reset' && during && [v.a, v.b].includes(producer) && [v.a, v.b].includes(master))
      return false;
    else net.apply(op.f, v);
  }
  return !cut();
}

interface FaultValue {
  node?: string;
  from?: string[];
  to?: string[];
  oneWay?: boolean;
  a?: string;
  b?: string;
}

/** The network's partitions as the nemesis ops left them. */
class Blocked {
  private readonly pairs = new Set<string>();
  private readonly isolated = new Set<string>();

  has(a: string, b: string): boolean {
    return (
      this.isolated.has(a) ||
      this.isolated.has(b) ||
      this.pairs.has(`${a}>${b}`) ||
      this.pairs.has(`${b}>${a}`)
    );
  }

  apply(f: string, v: FaultValue): void {
    if (f === 'heal') {
      this.pairs.clear();
      this.isolated.clear();
    } else if (f === 'isolate' && v.node !== undefined) this.isolated.add(v.node);
    else if (f === 'partition') {
      for (const a of v.from ?? []) for (const b of v.to ?? []) this.pairs.add(`${a}>${b}`);
    }
  }
}
