// What a master and its slaves say to each other for CommitLog replication (RocketMQ 4.x HA,
// no DLedger). RocketMQ runs it on its own TCP port (listenPort + 1) as raw frames: the slave
// writes its CommitLog max offset as 8 bytes, the master writes [offset 8][size 4][bytes]
// (ha-frame.ts). The broker's HA parts speak these messages on its Net: a simulated node has one
// address, so they travel there as bodies with a distinct `type`, and the broker's serve() hands
// them to the HA parts (isHaMessage); a live broker's Net carries them on the HA port in those
// frames (live/ha-transport.ts).
// `session` stands for one slave-side TCP connection (HAClient.connectMaster to closeMaster):
// the master keys its HAConnection on it, and the slave ignores frames of a session it closed,
// as the bytes of a closed socket are never read.

/** The slave opened a connection (the master's AcceptSocketService makes an HAConnection). */
export interface HaConnect {
  readonly type: 'ha.connect';
  readonly session: number;
}

/** The slave's CommitLog max offset: its first report is where to start, every one is an ack. */
export interface HaReport {
  readonly type: 'ha.report';
  readonly session: number;
  readonly maxOffset: number;
}

/** The slave closed its connection (what the master's read of -1 bytes tells it). */
export interface HaClose {
  readonly type: 'ha.close';
  readonly session: number;
}

/** CommitLog bytes from `offset`, within one file; empty as the master's heartbeat. */
export interface HaTransfer {
  readonly type: 'ha.transfer';
  readonly session: number;
  readonly offset: number;
  readonly data: Uint8Array;
}

export type HaMessage = HaConnect | HaReport | HaClose | HaTransfer;

const HA_TYPES: ReadonlySet<string> = new Set(['ha.connect', 'ha.report', 'ha.close', 'ha.transfer']);

/** Whether a body the broker received is HA traffic (to be handed to BrokerHa.handle). */
export function isHaMessage(body: unknown): body is HaMessage {
  if (typeof body !== 'object' || body === null) return false;
  const type = (body as { type?: unknown }).type;
  return typeof type === 'string' && HA_TYPES.has(type);
}
