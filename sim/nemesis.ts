// The nemesis: faults as data. A fault schedule is a list of timed fault events, so fast-check can
// generate and shrink it, a report can draw it, and a replay applies exactly the same faults.
// Each event names its node(s) by address; `at` is world time in ms from the start of the run.
// What each fault does to a node is stated in node.ts, network.ts, disk.ts and clock.ts.
import { z } from 'zod';
import { configIssue, parseOrThrow } from '../core/config-error.ts';
import { MAX_CLOCK_SKEW_MS } from './clock.ts';

const at = z.number().nonnegative();
const node = z.string().min(1);
const onNode = <F extends string>(fault: F) => z.strictObject({ at, fault: z.literal(fault), node });

export const faultSchema = z.discriminatedUnion('fault', [
  onNode('kill'),
  onNode('power-off'),
  onNode('restart'),
  onNode('shutdown'),
  onNode('pause'),
  onNode('resume'),
  onNode('disk-loss'),
  onNode('isolate'),
  /**
   * Another process fills the machine's disk (a log, a dump: one preallocated file) until only
   * `freeBytes` are left free; free-disk deletes that file. A disk without a capacity is left alone.
   */
  z.strictObject({ at, fault: z.literal('fill-disk'), node, freeBytes: z.number().int().nonnegative() }),
  onNode('free-disk'),
  /** One flipped bit in `path`; a path ending in '/' names a directory: its last file by name (for a CommitLog, the newest). */
  z.strictObject({ at, fault: z.literal('corrupt'), node, path: z.string().min(1).optional() }),
  z.strictObject({
    at,
    fault: z.literal('partition'),
    from: z.array(node).min(1),
    to: z.array(node).min(1),
    oneWay: z.boolean().default(false),
  }),
  z.strictObject({ at, fault: z.literal('heal') }),
  z.strictObject({ at, fault: z.literal('reset'), a: node, b: node }),
  z.strictObject({
    at,
    fault: z.literal('clock-jump'),
    node,
    deltaMs: z.number().min(-MAX_CLOCK_SKEW_MS).max(MAX_CLOCK_SKEW_MS),
  }),
]);
/** The file another process fills a disk with (fill-disk), outside every store. */
export const FILL_PATH = 'other/fill';

export const faultScheduleSchema = z.array(faultSchema);

export type Fault = z.output<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;
export type FaultKind = Fault['fault'];

/** The addresses a fault names. */
export function faultNodes(fault: Fault): string[] {
  switch (fault.fault) {
    case 'partition':
      return [...fault.from, ...fault.to];
    case 'heal':
      return [];
    case 'reset':
      return [fault.a, fault.b];
    default:
      return [fault.node];
  }
}

/** Parses a schedule and checks that every address it names is a node of the world. */
export function parseFaultSchedule(input: unknown, nodes: ReadonlySet<string>): Fault[] {
  const schedule = parseOrThrow(faultScheduleSchema, input, 'fault schedule');
  schedule.forEach((fault, index) => {
    for (const address of faultNodes(fault)) {
      if (!nodes.has(address)) {
        const known = [...nodes].join(', ');
        throw configIssue('fault schedule', [index], `unknown node "${address}" (nodes: ${known})`, fault);
      }
    }
  });
  return schedule;
}
