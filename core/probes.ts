// Coverage probes (FoundationDB's CODE_PROBE, TigerBeetle's marks): each is a named line at a rare
// or error branch of core/ (a recovery from an earlier file, a CRC failure, a flush timeout, a
// send retried on another broker...), reached through Env.probe. A probe only says that the
// branch ran: it changes nothing in the run and is not part of the trace, so the trace hash does
// not move. A run's tally says which rare paths its seed reached; summed over a sweep or the
// matrix, which paths no run reaches, so what a "holds" was never tested against is visible.
// The registry is static (every probe is listed here, each called at exactly one place in core/,
// which a test checks), so a probe that no run hits can be reported by name.

export const PROBE_AREAS = ['store', 'ha', 'broker', 'namesrv', 'client'] as const;
export type ProbeArea = (typeof PROBE_AREAS)[number];

/** Every probe: `<area>.<what>` → the branch it marks, in words. */
export const PROBES = {
  // ---- store ----
  'store.commitlog-file-roll':
    'a record did not fit in the CommitLog file: an END_OF_FILE blank fills its tail and the next file opens',
  'store.recover-abnormal': 'the store starts after a crash (abort file present): abnormal recovery',
  'store.recover-cut-invalid-record':
    'recovery cut the CommitLog at an invalid record (torn, corrupt or unflushed) before its end',
  'store.group-commit-flush-timeout':
    'SYNC_FLUSH: a put waited syncFlushTimeout for its flush and is answered FLUSH_DISK_TIMEOUT',
  // ---- ha ----
  'ha.slave-not-available':
    'SYNC_MASTER: no slave connected, or one too far behind: the put is answered SLAVE_NOT_AVAILABLE',
  'ha.flush-slave-timeout':
    'SYNC_MASTER: no slave acknowledged the put within slaveTimeout: FLUSH_SLAVE_TIMEOUT',
  // ---- broker ----
  'broker.lock-expired-taken':
    'an orderly consumer took a queue lock that another client held and let expire',
  // ---- client ----
  'client.send-retry-other-broker':
    'a sync send failed (or was not SEND_OK) and is retried on another broker of the topic',
  'client.pull-offset-illegal':
    'a pull was answered OFFSET_ILLEGAL (PULL_OFFSET_MOVED): the queue is dropped and its offset moved',
} as const satisfies Readonly<Record<`${ProbeArea}.${string}`, string>>;

export type ProbeName = keyof typeof PROBES;

/** Every probe's name, in the registry's order (grouped by area). */
export const PROBE_NAMES = Object.keys(PROBES) as ProbeName[];

export function probeArea(name: ProbeName): ProbeArea {
  return name.slice(0, name.indexOf('.')) as ProbeArea;
}
