// The message-flow diagram's data: one lane per node, every request, response and one-way message
// the network delivered (from the trace, capped around the report's focus time so a long run
// stays a readable page), and the fault windows drawn across the lanes (from the nemesis records:
// a crash lasts until its restart, a pause until its resume, a partition until the heal).
import { requestCodeName } from '../../core/protocol/request-code.ts';
import { responseCodeName } from '../../core/protocol/response-code.ts';
import type { NodeSpec } from '../../scenarios/topology.ts';
import type { TraceRecord } from '../../sim/trace.ts';

export interface Lane {
  name: string;
  address: string;
  role: string;
}

/** [time, receiving lane, sending lane, kind (0 request, 1 response, 2 one-way), label]. */
export type NetEvent = [number, number, number, 0 | 1 | 2, string];

export interface FaultWindow {
  kind: string;
  start: number;
  /** Absent: an instant fault (disk loss, clock jump, reset, corruption) or one never undone. */
  end?: number;
  lanes: number[];
  label: string;
}

/** Deliveries embedded in one page; beyond this, those nearest the focus time are kept. */
export const MAX_NET_EVENTS = 20_000;

export class LaneIndex {
  readonly lanes: Lane[];
  private readonly byAddress = new Map<string, number>();

  constructor(nodes: readonly NodeSpec[]) {
    this.lanes = nodes.map(({ name, address, role }) => ({ name, address, role }));
    this.lanes.forEach((lane, i) => this.byAddress.set(lane.address, i));
  }

  /** A lane per address; an address no node spec names gets a lane of its own. */
  of(address: string): number {
    let lane = this.byAddress.get(address);
    if (lane === undefined) {
      lane = this.lanes.push({ name: address, address, role: 'other' }) - 1;
      this.byAddress.set(address, lane);
    }
    return lane;
  }

  name(address: string): string {
    return this.lanes[this.of(address)]!.name;
  }
}

const KINDS: Record<string, 0 | 1 | 2> = { 'net.request': 0, 'net.response': 1, 'net.oneway': 2 };

function labelText(kind: 0 | 1 | 2, label: unknown): string {
  if (typeof label !== 'number') return label === null || label === undefined ? '' : String(label);
  return kind === 1 ? responseCodeName(label) : requestCodeName(label);
}

export function netEvents(trace: readonly TraceRecord[], lanes: LaneIndex, focusMs: number) {
  const all: NetEvent[] = [];
  for (const r of trace) {
    const kind = KINDS[r.event];
    if (kind === undefined) continue;
    const from = lanes.of(String(r.fields?.from));
    all.push([r.t, lanes.of(r.node), from, kind, labelText(kind, r.fields?.label)]);
  }
  if (all.length <= MAX_NET_EVENTS) return { total: all.length, events: all };
  const nearest = [...all].sort((a, b) => Math.abs(a[0] - focusMs) - Math.abs(b[0] - focusMs));
  const events = nearest.slice(0, MAX_NET_EVENTS).sort((a, b) => a[0] - b[0]);
  return { total: all.length, events };
}

const DOWN = new Set(['kill', 'power-off', 'shutdown']);
const INSTANT = new Set(['disk-loss', 'clock-jump', 'reset', 'corrupt']);

interface NemesisRecord {
  t: number;
  kind: string;
  fields: Record<string, unknown>;
}

function addressesOf(fields: Record<string, unknown>): string[] {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  return [
    ...list(fields.node),
    ...list(fields.from),
    ...list(fields.to),
    ...list(fields.a),
    ...list(fields.b),
  ];
}

function faultLabel({ kind, fields }: NemesisRecord, lanes: LaneIndex): string {
  if (kind === 'partition') {
    const side = (v: unknown) => (Array.isArray(v) ? v.map((a) => lanes.name(String(a))).join(', ') : '');
    return `partition ${side(fields.from)} ${fields.oneWay ? '→' : '|'} ${side(fields.to)}`;
  }
  if (kind === 'clock-jump') return `clock-jump ${String(fields.deltaMs)} ms`;
  return `${kind} ${addressesOf(fields)
    .map((a) => lanes.name(a))
    .join(' ↔ ')}`;
}

/** Pairs each fault with what undoes it; instant faults and unhealed ones stay open-ended. */
export function faultWindows(trace: readonly TraceRecord[], lanes: LaneIndex): FaultWindow[] {
  const records: NemesisRecord[] = trace
    .filter((r) => r.node === 'nemesis' && r.event !== 'skipped')
    .map((r) => ({ t: r.t, kind: r.event, fields: { ...r.fields } }));
  const windows: FaultWindow[] = [];
  const open: { window: FaultWindow; closedBy: string; address?: string }[] = [];
  for (const r of records) {
    const addresses = addressesOf(r.fields);
    const closing = closers(r.kind);
    for (let i = open.length - 1; i >= 0; i--) {
      const o = open[i]!;
      if (!closing.includes(o.closedBy) || (o.address !== undefined && o.address !== addresses[0])) continue;
      o.window.end = r.t;
      open.splice(i, 1);
    }
    if (!isFault(r.kind)) continue;
    const window = {
      kind: r.kind,
      start: r.t,
      lanes: addresses.map((a) => lanes.of(a)),
      label: faultLabel(r, lanes),
    };
    windows.push(window);
    const closedBy = DOWN.has(r.kind)
      ? 'down'
      : r.kind === 'pause'
        ? 'pause'
        : r.kind === 'fill-disk'
          ? 'fill'
          : 'network';
    if (!INSTANT.has(r.kind))
      open.push({ window, closedBy, ...(closedBy !== 'network' && { address: addresses[0] }) });
  }
  return windows;
}

/** Which open windows a nemesis record ends. */
function closers(kind: string): string[] {
  if (kind === 'restart') return ['down', 'pause'];
  if (kind === 'resume') return ['pause'];
  if (kind === 'heal') return ['network'];
  if (kind === 'free-disk') return ['fill'];
  return [];
}

function isFault(kind: string): boolean {
  return !['restart', 'resume', 'heal', 'free-disk'].includes(kind);
}
