// The fault templates of the guarantees matrix (claims-matrix.ts): what each fault a cell names does,
// as a swarm spec or an exact schedule over the base workload's 35 s of sending. A template
// changes only the faults and the disks; what a fault needs of the cell's configuration (file
// sizes, broker.conf, handlers) is set where the cell is built.
import type { ScenarioInput } from './scenario-schema.ts';

export type FaultName =
  | 'swarm'
  | 'none'
  | 'process-kill'
  | 'power-loss'
  | 'index-roll-power-loss'
  | 'master-disk-loss'
  | 'partition'
  | 'consumer-crash'
  | 'pause'
  | 'clock-skew'
  | 'bit-rot'
  | 'slave-cut-shutdown'
  | 'slow-disk-power-loss'
  | 'lazy-flush-power-loss'
  | 'broadcasting-power-loss'
  | 'checkpoint-power-loss'
  | 'index-roll-lazy-physic-power-loss'
  | 'takeover-partition'
  | 'stale-route-restart'
  | 'lock-lapse';

const window = { fromMs: 5_000, toMs: 30_000 };

type Swarm = Extract<NonNullable<ScenarioInput['faults']>, { generate: unknown }>['generate'];

/**
 * `faults` faults of `kinds` on `targets`, drawn over the sending window; each is undone after a
 * time drawn from `recoverAfterMs` when given (a clock jump has nothing to undo).
 */
function drawn(
  faults: number,
  kinds: Swarm['kinds'],
  targets: Swarm['targets'],
  recoverAfterMs?: [number, number],
  more: Partial<Swarm> = {},
): Partial<ScenarioInput> {
  return {
    faults: {
      generate: { faults, kinds, targets, ...window, ...(recoverAfterMs && { recoverAfterMs }), ...more },
    },
  };
}

/** A node's power fails at `offAt` and comes back at `onAt`. */
function powerCycle(node: string, offAt: number, onAt: number) {
  return [
    { at: offAt, fault: 'power-off' as const, node },
    { at: onAt, fault: 'restart' as const, node },
  ];
}

/** What each fault does, as a swarm spec over the base workload's 35 s of sending. */
export const FAULTS: Record<FaultName, Partial<ScenarioInput>> = {
  swarm: drawn(
    6,
    { kill: 1, 'power-off': 1, pause: 1, partition: 1, isolate: 1, reset: 1, 'clock-jump': 1 },
    ['namesrv', 'master', 'slave', 'producer', 'consumer'],
    undefined,
    { swarm: true },
  ),
  none: { faults: { schedule: [] } },
  'process-kill': drawn(2, { kill: 1 }, ['master'], [500, 15_000]),
  'bit-rot': {
    // A kill as in process-kill, and as it strikes one bit flips in the master's newest CommitLog
    // file (bit rot that recovery may or may not see: RocketMQ's CRC covers the body only).
    ...drawn(2, { kill: 1 }, ['master'], [500, 15_000], { corruptOnCrash: 'store/commitlog/' }),
  },
  'slave-cut-shutdown': {
    // The master is cut from its slave (SYNC_MASTER puts wait up to slaveTimeout), then shut down
    // cleanly while they wait, and started again (soon: meanwhile consumers ahead of the slave
    // retry their pulls there at once); then the slave loses its disk and starts empty, once the
    // master's 16 KiB CommitLog files (cell()) have rolled.
    faults: {
      schedule: [
        { at: 14_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
        { at: 15_000, fault: 'shutdown', node: 'broker-a-master' },
        { at: 20_000, fault: 'heal' },
        { at: 21_000, fault: 'restart', node: 'broker-a-master' },
        { at: 50_000, fault: 'disk-loss', node: 'broker-a-slave1' },
        { at: 51_000, fault: 'restart', node: 'broker-a-slave1' },
      ],
    },
  },
  'slow-disk-power-loss': {
    // The master's fsyncs take 100-300 ms against a syncFlushTimeout of 200 ms (cell()), and a
    // handler fails every 5th message once: puts, send-backs and due delayed messages time out
    // on the flush, and the power fails while the slave already has what the master never forced.
    // At 40 s the broker rewrites consumerOffset.json and delayOffset.json (every 5 s and 10 s
    // from its start): their .bak first, forced, then the file; the power fails 250 ms later,
    // and again at 52 s.
    faults: {
      schedule: [
        ...powerCycle('broker-a-master', 40_250, 43_000),
        ...powerCycle('broker-a-master', 52_000, 54_000),
      ],
    },
    disk: { master: { flushLatencyMs: 100, flushLatencyMaxMs: 300 } },
  },
  'lazy-flush-power-loss': {
    // The flush service forces the CommitLog only every 30 s or 64 KiB (cell()), a handler fails
    // every 5th message once: the power fails with the retries' delayed messages of the last
    // 30 s unforced, though the delay service had delivered some and saved its progress.
    faults: {
      schedule: [...powerCycle('broker-a-master', 55_000, 57_000)],
    },
  },
  'broadcasting-power-loss': {
    // A BROADCASTING consumer with its own instanceName (cell()) keeps its offsets.json across
    // restarts; it rewrites it every 5 s from 10 s after its start without fsync, so at 22 s the
    // file is a second old and unflushed when the power fails, and its disk tears the page (the
    // group's 16 queues make the file span sectors): the next start reads a broken file.
    faults: {
      schedule: [...powerCycle('consumer-1', 22_000, 26_000)],
    },
    disk: { consumer: { tornWriteProbability: 1 } },
  },
  'takeover-partition': {
    // Two broker groups (cell()). consumer-2 dies while consumer-1 is cut from broker-b's master:
    // told by broker-a, consumer-1 takes consumer-2's queues, and its QUERY_CONSUMER_OFFSET for
    // those on broker-b is lost in the cut; the cut heals before the read times out (3 s), so a
    // consumer that took the failed read for "no offset" would start CONSUME_FROM_LAST_OFFSET at
    // the queues' end, past what consumer-2 left. consumer-2 comes back at 30 s.
    faults: {
      schedule: [
        { at: 10_000, fault: 'partition', from: ['consumer-1'], to: ['broker-b-master'] },
        { at: 10_100, fault: 'kill', node: 'consumer-2' },
        { at: 11_000, fault: 'heal' },
        { at: 30_000, fault: 'restart', node: 'consumer-2' },
      ],
    },
  },
  'stale-route-restart': {
    // broker-a's master is cut from the NameServer, then killed: the NameServer never sees its
    // connection close and keeps routing to it (until its 120 s expiry). Both producers restart
    // meanwhile with empty latency fault tables (the cell turns sendLatencyFaultEnable on): a
    // send whose first attempt meets broker-a is refused at once and must be retried on broker-b.
    faults: {
      schedule: [
        { at: 10_000, fault: 'partition', from: ['namesrv-1'], to: ['broker-a-master'] },
        { at: 10_500, fault: 'kill', node: 'broker-a-master' },
        { at: 11_000, fault: 'kill', node: 'producer-1' },
        { at: 11_000, fault: 'kill', node: 'producer-2' },
        { at: 11_500, fault: 'restart', node: 'producer-1' },
        { at: 11_500, fault: 'restart', node: 'producer-2' },
        { at: 20_000, fault: 'heal' },
        { at: 20_500, fault: 'restart', node: 'broker-a-master' },
      ],
    },
  },
  'lock-lapse': {
    // consumer-2 holds broker-b's queues, where all three keys hash (SelectMessageQueueByHash). It
    // is paused while the workload (cell(): 360 messages, 1.5-2.5 s calls) is sent, pulls its
    // backlog when it resumes, renews its locks (every 20 s), and at 62 s is cut from both masters,
    // which see its connections reset and drop it: consumer-1 takes its queues, and gets their
    // locks once consumer-2's, no longer renewed, have lived their 60 s. consumer-2's own locks
    // are 30 s old well before: it must stop consuming the backlog it still holds by then.
    faults: {
      schedule: [
        { at: 2_000, fault: 'pause', node: 'consumer-2' },
        { at: 20_000, fault: 'resume', node: 'consumer-2' },
        { at: 62_000, fault: 'partition', from: ['consumer-2'], to: ['broker-a-master', 'broker-b-master'] },
        { at: 62_000, fault: 'reset', a: 'consumer-2', b: 'broker-a-master' },
        { at: 62_000, fault: 'reset', a: 'consumer-2', b: 'broker-b-master' },
      ],
    },
  },
  'power-loss': drawn(2, { 'power-off': 1 }, ['master'], [500, 15_000]),
  'index-roll-power-loss': {
    // The master loses power at 36 s, as its 16 KiB CommitLog files and 200-entry IndexFiles
    // (cell()) roll every few seconds of the burst: the last IndexFile roll flushed the checkpoint,
    // claiming ConsumeQueue entries still in the page cache (see "What the harness has found").
    faults: {
      schedule: [...powerCycle('broker-a-master', 36_000, 39_000)],
    },
  },
  'checkpoint-power-loss': {
    // The ConsumeQueues' thorough flush at 20 s (cell(): every 20 s, 15-entry files, so each queue
    // forces its three dirty files one after the other, 20 ms each) is still under way when the power
    // fails at 20.03 s: the checkpoint it writes once they are durable must not be on disk yet.
    faults: { schedule: [...powerCycle('broker-a-master', 20_030, 23_000)] },
    disk: { master: { flushLatencyMs: 20 } },
  },
  'index-roll-lazy-physic-power-loss': {
    // index-roll-power-loss's power loss, with no full CommitLog flush before it (cell():
    // flushCommitLogThoroughInterval 60 s): the checkpoint's CommitLog time is still 0, so the
    // older of its two times sends recovery back to the first file, past what the roll claimed.
    faults: { schedule: [...powerCycle('broker-a-master', 36_000, 39_000)] },
  },
  'master-disk-loss': {
    // The slave loses its disk 1 s into a burst (600 messages from 12 s, cell()) and starts
    // empty: its master sends it its last CommitLog file, the whole log here (1 MiB files, cell()).
    // Then replication is cut and the master's disk is lost mid-burst: what it acknowledged since
    // exists nowhere else, unless a SYNC_MASTER refused SEND_OK for it, and what it acknowledged
    // before the slave's loss is on the new slave only. The consumers are paused from before the
    // burst (a long GC), so they have not pulled any of it into their memory either.
    faults: {
      schedule: [
        { at: 11_000, fault: 'pause', node: 'consumer-1' },
        { at: 11_000, fault: 'pause', node: 'consumer-2' },
        { at: 13_000, fault: 'disk-loss', node: 'broker-a-slave1' },
        { at: 14_000, fault: 'restart', node: 'broker-a-slave1' },
        // A cut of a second: the frames sent meanwhile are lost with their connection, and the
        // first after the heal starts past the slave's end; the slave closes and reconnects.
        { at: 22_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
        { at: 23_000, fault: 'heal' },
        { at: 24_000, fault: 'partition', from: ['broker-a-master'], to: ['broker-a-slave1'] },
        { at: 26_000, fault: 'disk-loss', node: 'broker-a-master' },
        { at: 29_000, fault: 'resume', node: 'consumer-1' },
        { at: 29_000, fault: 'resume', node: 'consumer-2' },
      ],
    },
  },
  partition: drawn(2, { partition: 1, isolate: 1 }, ['master', 'producer', 'consumer'], [2_000, 40_000]),
  'consumer-crash': drawn(2, { kill: 1 }, ['consumer'], [500, 10_000]),
  pause: drawn(2, { pause: 1 }, ['master', 'consumer'], [1_000, 30_000]),
  'clock-skew': drawn(3, { 'clock-jump': 1 }, ['master', 'producer', 'consumer']),
};
