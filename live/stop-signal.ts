// What a live command waits for before its clean stop: SIGTERM or SIGINT, on which a JVM runs its
// shutdown hooks. Light on purpose (no other import), so a command registers it before anything
// else runs: a signal during the start is then not lost to Node's default, which would end the
// process without the clean shutdown.

/** Resolves at the first SIGTERM or SIGINT. */
export function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
