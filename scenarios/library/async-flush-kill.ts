// ASYNC_FLUSH broker whose process is killed (kill -9) mid-workload and restarted: the page cache
// belongs to the OS, not the process, so nothing acknowledged is lost.
import type { ScenarioInput } from '../scenario-schema.ts';

export const scenario = {
  name: 'async-flush-kill',
  title: 'ASYNC_FLUSH: killing the broker process loses nothing',
  lesson: {
    teaches: 'A process crash does not lose acknowledged messages, even with asynchronous flushing.',
    expect:
      'The master is killed at 8 s and restarted at 10 s: the 19 sends during the outage fail (the connection is refused), but the restarted broker recovers all 131 acknowledged messages, the queues go on from the same offsets, and every acknowledged message is consumed (lost holds at seeds 1-5).',
    why: 'With ASYNC_FLUSH the broker acknowledges once the message is in the mapped CommitLog file, i.e. in the OS page cache; FlushRealTimeService writes it to disk later (every 500 ms once flushCommitLogLeastPages = 4 pages are dirty). A kill -9 ends the JVM but the kernel still holds the dirty pages and writes them back, so recovery finds every record.',
  },
  seed: 1,
  topology: { brokers: [{ brokerName: 'broker-a', flushDiskType: 'ASYNC_FLUSH' }] },
  workload: { messages: 150, intervalMs: 100 },
  faults: {
    schedule: [
      { at: 8_000, fault: 'kill', node: 'broker-a-master' },
      { at: 10_000, fault: 'restart', node: 'broker-a-master' },
    ],
  },
  run: { durationMs: 40_000, drainMs: 60_000 },
  guarantees: ['lost', 'unexpected', 'cq-consistent'],
  demonstrates: [],
} satisfies ScenarioInput;
