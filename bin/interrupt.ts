// Ctrl-C (SIGINT) or SIGTERM during a long command: say what was done and the command that goes
// on from there, stop the workers, write nothing, and exit 130 (as a shell does for SIGINT).
// Work guarded by the handle never settles once interrupted (stopping the workers fails the tasks
// they were running), so the command cannot go on to print or write a half result.
export interface Interruptible {
  guard<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

export function onInterrupt(report: () => string, stop: () => Promise<void>): Interruptible {
  let interrupted = false;
  const never = new Promise<never>(() => {});
  const handler = () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${report()}\n`);
    void stop()
      .catch(() => {})
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    guard: (work) =>
      work.then(
        (value) => (interrupted ? never : value),
        (error: unknown) => (interrupted ? never : Promise.reject(error)),
      ),
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
