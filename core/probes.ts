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
  // ---- store (core/store) ----
  'store.commitlog-file-roll':
    'a record did not fit in the CommitLog file: an END_OF_FILE blank fills its tail and the next file opens',
  'store.cq-file-roll': 'a ConsumeQueue file is full and the next one opens',
  'store.disk-full':
    'the disk check found more than 90% of the disk used: the store refuses puts (SERVICE_NOT_AVAILABLE) until it is not',
  'store.put-disk-error':
    "a put found no room on the disk for the CommitLog's next file (it is created whole): CREATE_MAPEDFILE_FAILED",
  'store.group-commit-flush-timeout':
    'SYNC_FLUSH: a put waited syncFlushTimeout for its flush and is answered FLUSH_DISK_TIMEOUT',
  'store.group-commit-shared': 'SYNC_FLUSH: one fsync answered several waiting puts (a group commit)',
  'store.recover-abnormal': 'the store starts after a crash (abort file present): abnormal recovery',
  'store.recover-no-checkpoint': 'the store starts with CommitLog files but no checkpoint file',
  'store.recover-from-earlier-file':
    'abnormal recovery starts from a CommitLog file before the last (the checkpoint is older than the last file)',
  'store.recover-cut-invalid-record':
    'recovery cut the CommitLog at an invalid record (torn, corrupt or unflushed) before its end',
  'store.recover-crc-mismatch': 'recovery found a record whose body fails its CRC (checkCRCOnRecover)',
  'store.recover-cq-truncated':
    'recovery cut ConsumeQueue entries that point past the end of the valid CommitLog',
  'store.recover-redispatch-restored':
    "abnormal recovery's re-dispatch wrote a ConsumeQueue entry the queue had lost",
  'store.redispatch-already-there': 're-dispatch found an entry already in its ConsumeQueue and skipped it',
  'store.reput-unreadable':
    'dispatch met an unreadable record (a master skips what it read, a slave waits for the rest)',
  'store.pull-offset-overflow-badly':
    "a pull asked for an offset past the queue's end (the queue lost its tail, or the consumer is ahead)",
  'store.retention-deleted':
    'retention deleted CommitLog files: expired (fileReservedTime), or the oldest on a disk over 85% used',
  // ---- ha (core/broker/ha) ----
  'ha.slave-not-available':
    'SYNC_MASTER: no slave connected: the put is answered SLAVE_NOT_AVAILABLE at once',
  'ha.slave-fall-behind':
    'SYNC_MASTER: the slave is haSlaveFallbehindMax or more behind: SLAVE_NOT_AVAILABLE at once',
  'ha.flush-slave-timeout':
    'SYNC_MASTER: no slave acknowledged the put within slaveTimeout: FLUSH_SLAVE_TIMEOUT',
  'ha.shutdown-drops-waiting':
    'a master shut down while SYNC_MASTER puts waited for the slave (they are never answered)',
  'ha.report-beyond-master':
    "a slave reported an offset beyond the master's CommitLog (the master lost data): the connection is closed",
  'ha.connection-replaced': 'a slave reported on a new connection, which replaces its old one',
  'ha.master-housekeeping': 'the master dropped a slave connection silent for haHousekeepingInterval',
  'ha.slave-housekeeping': 'the slave closed a master connection silent for haHousekeepingInterval',
  'ha.transfer-skips-earlier-files':
    "an empty slave's transfer starts at the master's last CommitLog file, not at its first byte",
  'ha.slave-offset-mismatch':
    'the slave got a transfer that does not start where its CommitLog ends: it reconnects',
  'ha.slave-ack-answers-several':
    'SYNC_MASTER: one slave acknowledgement answered several puts waiting for it (a group transfer)',
  // ---- broker (core/broker) ----
  'broker.lock-refused': 'an orderly consumer asked for a queue lock another client holds, and was refused',
  'broker.lock-expired-taken':
    'an orderly consumer took a queue lock that another client held and let expire',
  'broker.offset-lowered':
    "a consumer group's committed offset was moved back (a commit below the stored one)",
  'broker.short-polling-hold':
    'longPollingEnable=false: a pull that found nothing is held shortPollingTimeMills',
  'broker.slave-pull-retry':
    'a slave without offsetCheckInSlave answered a bad pull offset PULL_RETRY_IMMEDIATELY instead of moving it',
  'broker.send-back-to-dlq': 'a send-back went to %DLQ%<group> (retries used up, or a negative level)',
  'broker.send-back-lookup-failed':
    'a send-back named a CommitLog offset whose message the store no longer has',
  'broker.send-back-put-failed': "a send-back's put to the retry topic failed: SYSTEM_ERROR",
  'broker.schedule-put-failed':
    "a due delayed message's put failed: retried 100 ms later (a duplicate if it was stored)",
  'broker.schedule-offset-corrected':
    "a delay level's saved progress was outside its queue at load and was clamped",
  'broker.schedule-time-corrected':
    "a delayed message's delivery time was further ahead than its level allows (the clock went back): due now",
  'broker.consumer-channel-closed': "a consumer's connection closed: it leaves its group, which is told",
  'broker.consumer-expired': 'a consumer silent for 120 s was dropped from its group',
  'broker.config-loaded-from-bak':
    'a config file (offsets, topics, delay progress) was unreadable: its .bak was loaded',
  'broker.register-failed': "a broker's registration with a NameServer failed",
  'broker.slave-sync-failed': "a slave's copy of a master's table (topics, offsets, delay progress) failed",
  // ---- namesrv (core/namesrv) ----
  'namesrv.broker-expired': 'a NameServer dropped a broker silent for 120 s',
  'namesrv.broker-channel-destroyed':
    "a broker's connection to a NameServer closed: the broker is removed at once",
  'namesrv.broker-unregistered': 'a broker unregistered (a clean shutdown)',
  'namesrv.broker-group-removed':
    "the last broker of a group is gone: the group and its topics' routes go too",
  'namesrv.slave-without-master':
    'a slave registered while its master was not live: it learns no master address',
  'namesrv.route-without-master':
    'a route was answered with a broker group that has no master, only slaves (clients read from a slave)',
  // ---- client (core/client) ----
  'client.send-retry-other-broker':
    'a sync send failed (or was not SEND_OK) and is retried on another broker of the topic',
  'client.send-retry-same-broker': 'a sync send failed and is retried on the same broker (no other one)',
  'client.send-timeout-spent': "a send's retries used up sendMsgTimeout: it fails without another attempt",
  'client.send-async-retry':
    'an async send failed on the network and is retried (retryTimesWhenSendAsyncFailed)',
  'client.send-no-route': 'a send found no route for its topic',
  'client.route-update-failed':
    'a NameServer did not answer a route query (the client tries another next time)',
  'client.heartbeat-failed': 'a heartbeat to a broker failed',
  'client.pull-failed': 'a pull failed (network or an error code): the queue is pulled again 3 s later',
  'client.pull-offset-illegal':
    'a pull was answered OFFSET_ILLEGAL (PULL_OFFSET_MOVED): the queue is dropped and its offset moved',
  'client.pull-from-slave': 'a pull went to a slave (the master suggested it, or the master is gone)',
  'client.pull-flow-control':
    'a pull waited: too many messages, bytes or too wide a span cached for the queue (flow control)',
  'client.consume-skipped-dropped': 'a consume request of a queue given away was skipped before the listener',
  'client.consume-result-discarded':
    'a consume result came back after its queue was given away: discarded, the new owner consumes again',
  'client.retry-message-consumed': 'a message redelivered from %RETRY%<group> reached the listener',
  'client.send-back-failed': "a failed message's send-back failed: it is consumed again here 5 s later",
  'client.consume-timeout-send-back':
    'a message still being consumed past consumeTimeout was sent back (level 3) and dropped from the process queue',
  'client.consume-timeout-send-back-failed': "a consume timeout's send-back failed: the message stays",
  'client.rebalance-queue-removed': 'a rebalance gave a queue to another consumer of the group',
  'client.rebalance-pull-expired': 'a queue not pulled for 120 s was dropped by a rebalance',
  'client.cid-list-failed': "a rebalance could not learn the group's consumers from a broker",
  'client.offset-read-failed':
    "a queue's offset could not be read from its broker: it is not taken this rebalance",
  'client.reset-offset':
    "a broker's RESET_CONSUMER_CLIENT_OFFSET moved the consumer's offsets (backtracking)",
  'client.orderly-lock-failed':
    'orderly: a rebalance could not lock a queue at the broker, so it is not taken',
  'client.orderly-not-locked':
    'orderly: the queue is not locked (or its lock is over 30 s old): consumption waits',
  'client.orderly-suspend': 'orderly: the listener asked to suspend (or threw): the batch is consumed again',
  'client.orderly-unlock-waits':
    'orderly: a removed queue is still being consumed: its unlock waits for the listener',
  'client.local-offset-file-corrupt': "broadcasting: the consumer's offsets file was unreadable at start",
} as const satisfies Readonly<Record<`${ProbeArea}.${string}`, string>>;

export type ProbeName = keyof typeof PROBES;

/** Every probe's name, in the registry's order (grouped by area). */
export const PROBE_NAMES = Object.keys(PROBES) as ProbeName[];

export function probeArea(name: ProbeName): ProbeArea {
  return name.slice(0, name.indexOf('.')) as ProbeArea;
}
