// RocketMQ's RunningFlags, the marks that make a store refuse puts (SERVICE_NOT_AVAILABLE): the
// disk nearly full (set and cleared by the disk-space checks, clean-commit-log-service.ts), a
// ConsumeQueue entry that could not be written after its retries, an IndexFile that could not be
// created (both set for good: only a restart, with a new store, clears them). Dispatch to the
// ConsumeQueues ignores the disk-full mark, so what was stored before it is still dispatched.
export class RunningFlags {
  diskFull = false;
  logicsQueueError = false;
  indexFileError = false;

  isWriteable(): boolean {
    return !this.diskFull && this.isCQWriteable();
  }

  isCQWriteable(): boolean {
    return !this.logicsQueueError && !this.indexFileError;
  }
}
