// Everything one run's page shows, as the JSON embedded in it: the header and lesson, the
// verdicts and the message accounting (the same numbers as run.json), the anomalies with the
// virtual time each points at, the flow diagram's lanes, deliveries and fault windows, the
// highlighted messages' paths and arrows, their CommitLog records decoded from the final stores,
// and the charts' series. Caps keep a run of tens of thousands of messages a page a browser opens.
import { isConsume, isSend, type History, type Violation } from '../../properties/history.ts';
import type { RunResult } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/scenario-schema.ts';
import { runJson } from '../run-report.ts';
import { chartData, type ChartData } from './chart-data.ts';
import {
  faultWindows,
  LaneIndex,
  netEvents,
  type FaultWindow,
  type Lane,
  type NetEvent,
} from './flow-data.ts';
import { messageTopics, storedRecords, type StoredRecord } from './message-records.ts';
import {
  messageArrows,
  messagePath,
  recordsByKey,
  sendRequests,
  sendsByKey,
  type MessageArrow,
  type PathStep,
} from './message-paths.ts';

export interface Anomaly {
  id: string;
  property: string;
  guaranteed: boolean;
  key: string;
  explanation: string;
  /** Where the diagram shows it; absent when the key is not a message (a ConsumeQueue entry). */
  t?: number;
}

export interface MessageData {
  steps: PathStep[];
  /** Decoded from the final stores, for the capped set of messages; absent for the others. */
  records?: StoredRecord[];
}

export interface RunReportData {
  summary: ReturnType<typeof runJson>;
  title: string;
  lesson: Scenario['lesson'];
  anomalies: Anomaly[];
  anomaliesTotal: number;
  focusMs: number;
  lanes: Lane[];
  net: { total: number; events: NetEvent[] };
  faults: FaultWindow[];
  highlighted: string[];
  arrows: MessageArrow[];
  messages: Record<string, MessageData>;
  messagesTotal: number;
  charts: ChartData;
}

export const LIMITS = { anomalies: 200, highlighted: 12, records: 40, firstMessages: 20, paths: 2_000 };

/** Anomalies of broken guarantees first (they are the counterexample), then the reported ones. */
function anomalies(result: RunResult, history: History): Anomaly[] {
  const ordered = [...result.checks].sort((a, b) => Number(b.guaranteed) - Number(a.guaranteed));
  const all = ordered.flatMap((c) => c.all.map((v) => ({ v, guaranteed: c.guaranteed })));
  const times = keyTimes(history);
  return all.slice(0, LIMITS.anomalies).map(({ v, guaranteed }, i) => {
    const t = anomalyTime(v, times.get(v.key));
    return {
      id: `anomaly-${i + 1}`,
      property: v.property,
      guaranteed,
      key: v.key,
      explanation: v.explanation,
      ...(t !== undefined && { t }),
    };
  });
}

interface KeyTimes {
  sent?: number;
  acked?: number;
  consumed: number[];
}

function keyTimes(history: History): Map<string, KeyTimes> {
  const times = new Map<string, KeyTimes>();
  const of = (key: string) => times.get(key) ?? times.set(key, { consumed: [] }).get(key)!;
  for (const op of history) {
    if (isSend(op) && op.type === 'invoke') of(op.value.key).sent ??= op.time;
    else if (isSend(op)) of(op.value.key).acked = op.time;
    else if (isConsume(op)) of(op.value.key).consumed.push(op.time);
  }
  return times;
}

/** A duplicate is seen at its second delivery, a lost message after its acknowledgement. */
function anomalyTime(v: Violation, times: KeyTimes | undefined): number | undefined {
  if (times === undefined) return undefined;
  if (v.property === 'duplicated' && times.consumed.length > 1) return times.consumed[1];
  if (v.property === 'lost') return times.acked ?? times.sent;
  return times.consumed[0] ?? times.acked ?? times.sent;
}

function sentKeys(history: History): string[] {
  return [
    ...new Set(
      history
        .filter((op) => isSend(op) && op.type === 'invoke')
        .map((op) => (op.value as { key: string }).key),
    ),
  ];
}

export function runReportData(result: RunResult, scenario: Scenario): RunReportData {
  const { history, trace } = result;
  const lanes = new LaneIndex(result.nodes);
  const found = anomalies(result, history);
  const broken = found.filter((a) => a.guaranteed);
  const keysOf = (list: Anomaly[]) => [...new Set(list.map((a) => a.key))];
  const sent = sentKeys(history);
  const sentSet = new Set(sent);
  const highlighted = keysOf(broken.length > 0 ? broken : found)
    .filter((k) => sentSet.has(k))
    .slice(0, LIMITS.highlighted);
  const focusMs = found.find((a) => a.t !== undefined)?.t ?? trace.find((r) => r.node === 'nemesis')?.t ?? 0;
  const byKey = recordsByKey(trace);
  const anomalyKeys = keysOf(found).filter((k) => sentSet.has(k));
  const pathKeys = [...new Set([...anomalyKeys, ...sent])].slice(0, LIMITS.paths);
  const recordKeys = new Set([
    ...anomalyKeys.slice(0, LIMITS.records),
    ...sent.slice(0, LIMITS.firstMessages),
  ]);
  const topics = messageTopics(
    scenario.workload.topic,
    scenario.topology.consumerGroups.map((g) => g.group),
  );
  const messages: Record<string, MessageData> = {};
  const sends = sendsByKey(history);
  for (const key of pathKeys) {
    const steps = messagePath(key, sends, byKey, lanes);
    messages[key] = recordKeys.has(key)
      ? { steps, records: storedRecords(result.brokers, topics, key) }
      : { steps };
  }
  const requests = sendRequests(trace);
  return {
    summary: runJson(result),
    title: scenario.title,
    lesson: scenario.lesson,
    anomalies: found,
    anomaliesTotal: result.checks.reduce((n, c) => n + c.violations, 0),
    focusMs,
    net: netEvents(trace, lanes, focusMs),
    faults: faultWindows(trace, lanes),
    highlighted,
    arrows: highlighted.flatMap((k) => messageArrows(k, byKey, requests, lanes)),
    messages,
    messagesTotal: sent.length,
    charts: chartData(result.series),
    lanes: lanes.lanes,
  };
}
