// Seeds judged on a pool of workers in a fixed order, each group of jobs (a scenario's sweep, a
// matrix cell) stopping at its first failing seed: no job of a group above that seed is started,
// every job below it is finished, and results above it are dropped. So what is kept (which seeds
// ran, each group's first failure) is the same whatever the number of lanes or the order in which
// answers come back, and the same for a range run whole or in shards. Jobs come from an iterator,
// so a long range is never built in memory; an interrupted search says which seeds were done.

export interface Job {
  /** The group the job belongs to (a matrix cell; one group for a sweep). */
  group: string;
  seed: number;
}

export class OrderedSearch<T> {
  private readonly results = new Map<string, Map<number, T>>();
  private readonly stopAt = new Map<string, number>();
  private completed = 0;

  constructor(private readonly failed: (result: T) => boolean) {}

  /** Runs the jobs in their order on `lanes` lanes; `onDone` after each answer with the count so far. */
  async run(
    jobs: Iterator<Job>,
    lanes: number,
    runJob: (job: Job) => Promise<T>,
    onDone?: (completed: number) => void,
  ): Promise<void> {
    const next = (): Job | undefined => {
      for (let step = jobs.next(); !step.done; step = jobs.next()) {
        if (step.value.seed < this.firstFailure(step.value.group)) return step.value;
      }
      return undefined;
    };
    const lane = async (): Promise<void> => {
      for (let job = next(); job !== undefined; job = next()) {
        const result = await runJob(job);
        this.record(job, result);
        onDone?.(++this.completed);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  }

  private record(job: Job, result: T): void {
    let group = this.results.get(job.group);
    if (group === undefined) this.results.set(job.group, (group = new Map()));
    group.set(job.seed, result);
    if (this.failed(result)) this.stopAt.set(job.group, Math.min(this.firstFailure(job.group), job.seed));
  }

  /** The group's first failing seed so far (Infinity while none failed). */
  firstFailure(group: string): number {
    return this.stopAt.get(group) ?? Infinity;
  }

  /** The group's results up to and including its first failure, in seed order. */
  kept(group: string): T[] {
    const stop = this.firstFailure(group);
    return [...(this.results.get(group) ?? [])]
      .filter(([seed]) => seed <= stop)
      .sort(([a], [b]) => a - b)
      .map(([, result]) => result);
  }

  /** Whether the group needs nothing more at this seed: judged, or above its first failure. */
  isDone(group: string, seed: number): boolean {
    return seed > this.firstFailure(group) || this.results.get(group)?.has(seed) === true;
  }
}
