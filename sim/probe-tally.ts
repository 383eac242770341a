// A run's coverage tally: how many times each probe of core/probes.ts was hit, counted by the world
// its nodes run in (one tally a world, so nothing global, and runs on one worker do not mix). It
// is kept apart from the trace: counting a probe never changes the trace hash.
import { PROBE_NAMES, type ProbeName } from '../core/probes.ts';

/** Each probe hit in a run and how many times, in the registry's order; probes not hit are absent. */
export type ProbeHits = Readonly<Partial<Record<ProbeName, number>>>;

export class ProbeTally {
  private readonly counts = new Map<ProbeName, number>();

  hit(name: ProbeName): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  count(name: ProbeName): number {
    return this.counts.get(name) ?? 0;
  }

  /** The hits in the registry's order (so the same run always gives the same object). */
  hits(): ProbeHits {
    const out: Partial<Record<ProbeName, number>> = {};
    for (const name of PROBE_NAMES) {
      const n = this.counts.get(name);
      if (n !== undefined) out[name] = n;
    }
    return out;
  }
}
