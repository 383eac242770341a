// The master side of RocketMQ 4.x master/slave replication (HAService, HAConnection with its
// ReadSocketService and WriteSocketService, GroupTransferService), event-driven. No DLedger and
// no automatic failover: a slave never becomes a master by itself.
// - One HAConnection per slave connection, made when the slave connects. Nothing is sent until
//   the slave's first report: that offset is where the transfer starts (a slave with an empty
//   log, offset 0, starts at the first byte of the master's last CommitLog file). Then the
//   master streams: every batch of what is written after nextTransferFromWhere, at most
//   haTransferBatchSize and never across a file (getData stops at a file end), with no wait for
//   acks; when nothing is new it polls every 100 ms or is woken by a SYNC_MASTER put, and after
//   haSendHeartbeatInterval of silence it sends an empty transfer as a heartbeat.
// - Every report is an ack: push2SlaveMaxOffset is the highest ever reported, for all slaves
//   (it never goes down while the master runs). A later report beyond the master's own max
//   offset closes the connection. A connection silent for haHousekeepingInterval, or broken
//   (Net.onDisconnect), is dropped.
// - GroupTransferService: a SYNC_MASTER put waits until push2SlaveMaxOffset reaches the end of
//   its record, or answers FLUSH_SLAVE_TIMEOUT after slaveTimeout; a put when no slave is
//   connected, or the slave is haSlaveFallbehindMax behind, is answered SLAVE_NOT_AVAILABLE at
//   once (isSlaveOK). The message is stored in every case.
// Simplifications: the network has no bandwidth, so a backlog goes out at once (TCP's flow
// control is not modelled); a report on a connection the master does not know (the slave's
// old one broke silently and the sim opened a new one) opens a new HAConnection, as the
// slave's reconnect would.
import type { ChannelId, Env, TimerId } from '../../env.ts';
import type { DefaultMessageStore } from '../../store/message-store.ts';
import type { PutMessageResult, PutMessageStatus } from '../../store/put-message-result.ts';
import type { BrokerConfig } from '../broker-config.ts';
import type { HaMessage, HaTransfer } from './ha-protocol.ts';

export type HaConfig = Pick<
  BrokerConfig,
  | 'haSendHeartbeatInterval'
  | 'haHousekeepingInterval'
  | 'haTransferBatchSize'
  | 'haSlaveFallbehindMax'
  | 'slaveTimeout'
  | 'haMasterAddress'
>;

/** The HA keys of broker.conf with RocketMQ's defaults. */
export const HA_DEFAULTS: HaConfig = {
  haSendHeartbeatInterval: 5_000,
  haHousekeepingInterval: 20_000,
  haTransferBatchSize: 32 * 1024,
  haSlaveFallbehindMax: 256 * 1024 * 1024,
  slaveTimeout: 3_000,
  haMasterAddress: undefined,
};

/** WriteSocketService's wait for new CommitLog data when it has nothing to send. */
export const TRANSFER_POLL_MS = 100;

/** One slave connection as the master sees it. */
export class HAConnection {
  /** The slave's first report: where the transfer starts (-1: none yet). */
  slaveRequestOffset = -1;
  /** The slave's last report. */
  slaveAckOffset = -1;
  /** Next byte to send (-1: not decided until the first report). */
  nextTransferFromWhere = -1;
  lastWriteTimestamp: number;
  lastReadTimestamp: number;
  private timer: TimerId | undefined;
  closed = false;

  constructor(
    private readonly service: HAService,
    readonly slaveAddress: string,
    readonly channel: ChannelId,
    readonly session: number,
  ) {
    const now = service.env.now();
    this.lastWriteTimestamp = now;
    this.lastReadTimestamp = now;
    this.schedule();
  }

  /** ReadSocketService: one offset report. False: the report is impossible and the connection goes. */
  onReport(maxOffset: number): boolean {
    this.lastReadTimestamp = this.service.env.now();
    if (this.slaveRequestOffset < 0) {
      this.slaveRequestOffset = maxOffset;
    } else if (maxOffset > this.service.store.commitLog.maxOffset()) {
      this.service.env.probe('ha.report-beyond-master');
      return false;
    }
    this.slaveAckOffset = maxOffset;
    this.service.notifyTransferSome(maxOffset);
    this.transfer();
    return true;
  }

  /** WriteSocketService: sends what the CommitLog has beyond nextTransferFromWhere, batch by batch. */
  transfer(): void {
    if (this.closed || this.slaveRequestOffset < 0) return;
    const { store, config, env } = this.service;
    if (this.nextTransferFromWhere < 0) {
      if (this.slaveRequestOffset === 0) {
        const max = store.commitLog.maxOffset();
        this.nextTransferFromWhere = max - (max % store.config.mappedFileSizeCommitLog);
        if (this.nextTransferFromWhere > 0) env.probe('ha.transfer-skips-earlier-files');
      } else {
        this.nextTransferFromWhere = this.slaveRequestOffset;
      }
      env.trace('ha.transfer-from', { slave: this.slaveAddress, offset: this.nextTransferFromWhere });
    }
    const log = store.commitLog;
    while (this.nextTransferFromWhere < log.maxOffset()) {
      // In place, then only the batch is copied: the slave must not see the master's pages.
      const available = log.getData(this.nextTransferFromWhere);
      if (available === undefined || available.length === 0) break;
      const data = available.slice(0, Math.min(available.length, config.haTransferBatchSize));
      this.send(data);
      this.nextTransferFromWhere += data.length;
    }
    if (env.now() - this.lastWriteTimestamp > config.haSendHeartbeatInterval) {
      this.send(new Uint8Array(0));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) this.service.env.cancelTimer(this.timer);
    this.timer = undefined;
  }

  private send(data: Uint8Array): void {
    const body: HaTransfer = {
      type: 'ha.transfer',
      session: this.session,
      offset: this.nextTransferFromWhere,
      data,
    };
    this.service.env.net.oneway(this.slaveAddress, body);
    this.lastWriteTimestamp = this.service.env.now();
  }

  private schedule(): void {
    this.timer = this.service.env.setTimer(TRANSFER_POLL_MS, this.poll);
  }

  /** One callback for every poll, made once: a connection polls ten times a second. */
  private readonly poll = (): void => {
    this.timer = undefined;
    const { env, config } = this.service;
    if (env.now() - this.lastReadTimestamp > config.haHousekeepingInterval) {
      env.probe('ha.master-housekeeping');
      this.service.removeConnection(this, 'housekeeping');
      return;
    }
    this.transfer();
    if (!this.closed) this.schedule();
  };
}

interface TransferRequest {
  readonly nextOffset: number;
  readonly done: (status: PutMessageStatus) => void;
  timer: TimerId | undefined;
}

/** Holds SYNC_MASTER puts until the slave has their bytes, or slaveTimeout passed. */
export class GroupTransferService {
  private requests: TransferRequest[] = [];

  constructor(
    private readonly env: Env,
    private readonly slaveTimeout: number,
    private readonly push2SlaveMaxOffset: () => number,
  ) {}

  putRequest(nextOffset: number, done: (status: PutMessageStatus) => void): void {
    if (this.push2SlaveMaxOffset() >= nextOffset) return done('PUT_OK');
    const request: TransferRequest = { nextOffset, done, timer: undefined };
    request.timer = this.env.setTimer(this.slaveTimeout, () => {
      request.timer = undefined;
      this.requests = this.requests.filter((r) => r !== request);
      if (this.push2SlaveMaxOffset() >= nextOffset) return request.done('PUT_OK');
      this.env.probe('ha.flush-slave-timeout');
      request.done('FLUSH_SLAVE_TIMEOUT');
    });
    this.requests.push(request);
  }

  /** push2SlaveMaxOffset grew: every request it covers is answered, in order. */
  notifyTransferSome(): void {
    const acked = this.push2SlaveMaxOffset();
    const ready = this.requests.filter((r) => r.nextOffset <= acked);
    if (ready.length === 0) return;
    if (ready.length > 1) this.env.probe('ha.slave-ack-answers-several');
    this.requests = this.requests.filter((r) => r.nextOffset > acked);
    for (const request of ready) {
      if (request.timer !== undefined) this.env.cancelTimer(request.timer);
      request.done('PUT_OK');
    }
  }

  get waiting(): number {
    return this.requests.length;
  }

  shutdown(): void {
    if (this.requests.length > 0) this.env.probe('ha.shutdown-drops-waiting');
    for (const request of this.requests) {
      if (request.timer !== undefined) this.env.cancelTimer(request.timer);
    }
    this.requests = [];
  }
}

/** The master's replication service: its slave connections and the SYNC_MASTER wait. */
export class HAService {
  private readonly connections = new Map<string, HAConnection>();
  private push2Slave = 0;
  readonly groupTransfer: GroupTransferService;

  constructor(
    readonly env: Env,
    readonly store: DefaultMessageStore,
    readonly config: HaConfig,
  ) {
    this.groupTransfer = new GroupTransferService(env, config.slaveTimeout, () => this.push2Slave);
  }

  /** Registers for broken connections; call once, when the broker starts. */
  start(): void {
    this.env.net.onDisconnect((peer, channel) => {
      const conn = this.connections.get(peer);
      if (conn !== undefined && conn.channel === channel) this.removeConnection(conn, 'disconnect');
    });
  }

  /** The highest CommitLog offset any slave has reported (RocketMQ's push2SlaveMaxOffset). */
  get push2SlaveMaxOffset(): number {
    return this.push2Slave;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  connection(slaveAddress: string): HAConnection | undefined {
    return this.connections.get(slaveAddress);
  }

  /** A slave is connected and less than haSlaveFallbehindMax behind `masterPutWhere`. */
  isSlaveOK(masterPutWhere: number): boolean {
    return this.connections.size > 0 && masterPutWhere - this.push2Slave < this.config.haSlaveFallbehindMax;
  }

  notifyTransferSome(offset: number): void {
    if (offset <= this.push2Slave) return;
    this.push2Slave = offset;
    this.groupTransfer.notifyTransferSome();
  }

  /** New CommitLog data: every connection sends now instead of at its next poll (wakeupAll). */
  wakeupAll(): void {
    for (const conn of [...this.connections.values()]) conn.transfer();
  }

  /** HA traffic from a slave. */
  handle(from: string, body: HaMessage, channel: ChannelId): void {
    if (body.type === 'ha.transfer') return;
    const current = this.connections.get(from);
    const same = current !== undefined && current.channel === channel && current.session === body.session;
    if (body.type === 'ha.close') {
      if (same) this.removeConnection(current, 'closed by slave');
      return;
    }
    let conn = same ? current : undefined;
    if (conn === undefined) {
      if (current !== undefined) {
        this.env.probe('ha.connection-replaced');
        this.removeConnection(current, 'replaced');
      }
      conn = new HAConnection(this, from, channel, body.session);
      this.connections.set(from, conn);
      this.env.trace('ha.connection', { slave: from, channel, session: body.session });
    }
    if (body.type === 'ha.report' && !conn.onReport(body.maxOffset)) {
      this.removeConnection(conn, `slave reported ${body.maxOffset}, beyond the master's max offset`);
    }
  }

  /**
   * The step between the store's answer and the producer's, for a SYNC_MASTER (CommitLog's
   * submitReplicaRequest): `waitStoreMsgOK` is the message's WAIT property (false: no wait).
   */
  readonly waitForSlave = (
    result: PutMessageResult,
    done: (result: PutMessageResult) => void,
    waitStoreMsgOK = true,
  ): void => {
    const append = result.appendResult;
    const stored = result.status === 'PUT_OK' || result.status === 'FLUSH_DISK_TIMEOUT';
    if (!stored || append === undefined || !waitStoreMsgOK) return done(result);
    const nextOffset = append.wroteOffset + append.wroteBytes;
    const combine = (replica: PutMessageStatus) =>
      done(replica === 'PUT_OK' ? result : { ...result, status: replica });
    if (!this.isSlaveOK(nextOffset)) {
      if (this.connections.size === 0) this.env.probe('ha.slave-not-available');
      else this.env.probe('ha.slave-fall-behind');
      return combine('SLAVE_NOT_AVAILABLE');
    }
    this.groupTransfer.putRequest(nextOffset, combine);
    this.wakeupAll();
  };

  removeConnection(conn: HAConnection, why: string): void {
    conn.close();
    if (this.connections.get(conn.slaveAddress) === conn) this.connections.delete(conn.slaveAddress);
    this.env.trace('ha.connection-closed', { slave: conn.slaveAddress, channel: conn.channel, why });
  }

  shutdown(): void {
    for (const conn of [...this.connections.values()]) this.removeConnection(conn, 'shutdown');
    this.groupTransfer.shutdown();
  }
}
