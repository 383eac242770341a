// The charts' data: the sampler's once-a-virtual-second snapshots turned into one series per line
// (per queue: max offset and each group's committed offset, the lag being their difference; per
// broker: CommitLog written, flushed and dispatched positions), thinned to a few hundred points so
// an hours-long run stays a small page. A missing value (broker down, nothing committed) is null.
import type { Sample } from '../../scenarios/sampler.ts';

export interface ChartData {
  t: number[];
  brokers: Record<
    string,
    { written: (number | null)[]; flushed: (number | null)[]; dispatched: (number | null)[] }
  >;
  queues: Record<string, { maxOffset: (number | null)[]; committed: Record<string, (number | null)[]> }>;
}

export const MAX_POINTS = 400;

/** Every k-th sample (and the last), so no more than `max` remain. */
export function thin<T>(samples: readonly T[], max = MAX_POINTS): T[] {
  if (samples.length <= max) return [...samples];
  const step = Math.ceil(samples.length / max);
  const kept = samples.filter((_, i) => i % step === 0);
  if (kept.at(-1) !== samples.at(-1)) kept.push(samples.at(-1)!);
  return kept;
}

export function chartData(series: readonly Sample[]): ChartData {
  const samples = thin(series);
  const brokerNames = [...new Set(samples.flatMap((s) => Object.keys(s.brokers)))].sort();
  const queueIds = [...new Set(samples.flatMap((s) => Object.keys(s.queues)))].sort(byQueue);
  const data: ChartData = { t: samples.map((s) => s.t), brokers: {}, queues: {} };
  for (const name of brokerNames) {
    const at = (k: 'written' | 'flushed' | 'dispatched') => samples.map((s) => s.brokers[name]?.[k] ?? null);
    data.brokers[name] = { written: at('written'), flushed: at('flushed'), dispatched: at('dispatched') };
  }
  for (const id of queueIds) {
    const groups = [...new Set(samples.flatMap((s) => Object.keys(s.queues[id]?.committed ?? {})))].sort();
    const committed: Record<string, (number | null)[]> = {};
    for (const g of groups) committed[g] = samples.map((s) => s.queues[id]?.committed[g] ?? null);
    data.queues[id] = { maxOffset: samples.map((s) => s.queues[id]?.maxOffset ?? null), committed };
  }
  return data;
}

/** `broker-a/2` before `broker-a/10`. */
function byQueue(a: string, b: string): number {
  const [an, aq] = a.split('/');
  const [bn, bq] = b.split('/');
  return an === bn ? Number(aq) - Number(bq) : an! < bn! ? -1 : 1;
}
