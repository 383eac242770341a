// The slave side of RocketMQ 4.x replication (HAService.HAClient), event-driven: a loop on a
// 1 s timer (the client's select(1000)) that connects to the master when it knows its address,
// reports the CommitLog max offset when haSendHeartbeatInterval has passed since the last report,
// and closes a connection on which the master has said nothing for haHousekeepingInterval.
// On each transfer it checks that the bytes start where its own CommitLog ends (an empty log
// takes any start, which the master puts at a file boundary), appends them, and reports the new
// max offset at once. A transfer that does not fit closes the connection; the next connection
// reports the real max offset, so the master starts over from there.
// As in 4.9, the first report on a new connection waits for haSendHeartbeatInterval (connect
// sets the last-write time), and a connect that failed is retried after 5 s.
// Deviation: 4.9's HAClient measures its housekeeping interval from its own last write, so a
// master that goes silent is only noticed when TCP fails; here it is measured from the last
// frame read from the master, which the master's 5 s heartbeats keep fresh.
import type { ChannelId, Env, TimerId } from '../../env.ts';
import type { DefaultMessageStore } from '../../store/message-store.ts';
import type { HaMessage } from './ha-protocol.ts';
import type { HaConfig } from './ha-service.ts';

/** The client loop's period (its select timeout). */
export const CLIENT_TICK_MS = 1_000;
/** How long the client waits after a failed or broken connection before connecting again. */
export const RECONNECT_DELAY_MS = 5_000;
/** Connection numbers per incarnation (one a second for 30 years), and how many bases there are. */
const SESSIONS_PER_INCARNATION = 1_000_000_000;
const SESSION_BASES = 1_000_000;

export class HAClient {
  private masterAddress: string | undefined;
  /**
   * The current connection's number. A restarted slave must not take a frame meant for its
   * previous incarnation (the master's old HAConnection writes on until it notices, and in 4.9
   * that socket's bytes never reach the new process): so each incarnation numbers its
   * connections from a base of its own, drawn once.
   */
  private session: number;
  private connected = false;
  private currentReportedOffset = 0;
  private lastWriteTimestamp = 0;
  private lastReadTimestamp = 0;
  private connectNotBefore = 0;
  private timer: TimerId | undefined;

  constructor(
    private readonly env: Env,
    private readonly store: DefaultMessageStore,
    private readonly config: HaConfig,
  ) {
    if (config.haMasterAddress !== undefined) this.masterAddress = config.haMasterAddress;
    this.session = env.rng.int(SESSION_BASES) * SESSIONS_PER_INCARNATION;
  }

  /** Starts the loop and listens for broken connections; call once, when the broker starts. */
  start(): void {
    this.env.net.onDisconnect((peer) => {
      if (this.connected && peer === this.masterAddress) this.closeMaster('disconnect', RECONNECT_DELAY_MS);
    });
    this.tick();
  }

  /** The master's HA address, from haMasterAddress or the NameServer's answer to registration. */
  updateMasterAddress(address: string): void {
    if (address === this.masterAddress) return;
    this.env.trace('ha.master-address', { old: this.masterAddress ?? null, new: address });
    if (this.connected) this.closeMaster('master address changed', 0);
    this.masterAddress = address;
  }

  get master(): string | undefined {
    return this.masterAddress;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** A frame from the master. */
  handle(from: string, body: HaMessage, _channel: ChannelId): void {
    if (body.type !== 'ha.transfer') return;
    if (!this.connected || from !== this.masterAddress || body.session !== this.session) return;
    this.lastReadTimestamp = this.env.now();
    const slaveMax = this.store.commitLog.maxOffset();
    if (slaveMax !== 0 && slaveMax !== body.offset) {
      this.env.probe('ha.slave-offset-mismatch');
      this.closeMaster(`master sent offset ${body.offset}, slave has ${slaveMax}`, 0);
      return;
    }
    if (body.data.length > 0 && !this.store.appendToCommitLog(body.offset, body.data)) {
      this.closeMaster(`append at ${body.offset} refused`, 0);
      return;
    }
    this.reportSlaveMaxOffsetPlus();
  }

  shutdown(): void {
    if (this.timer !== undefined) this.env.cancelTimer(this.timer);
    this.timer = undefined;
    if (this.connected) this.closeMaster('shutdown', 0);
  }

  private tick(): void {
    const now = this.env.now();
    if (!this.connected) {
      if (this.masterAddress !== undefined && now >= this.connectNotBefore) this.connectMaster();
    } else {
      if (now - this.lastWriteTimestamp > this.config.haSendHeartbeatInterval) {
        this.report(this.currentReportedOffset);
      }
      if (now - this.lastReadTimestamp > this.config.haHousekeepingInterval) {
        this.env.probe('ha.slave-housekeeping');
        this.closeMaster('housekeeping: the master said nothing', 0);
      }
    }
    this.timer = this.env.setTimer(CLIENT_TICK_MS, () => this.tick());
  }

  private connectMaster(): void {
    this.session++;
    this.connected = true;
    this.currentReportedOffset = this.store.commitLog.maxOffset();
    const now = this.env.now();
    this.lastWriteTimestamp = now;
    this.lastReadTimestamp = now;
    this.env.net.oneway(this.masterAddress!, { type: 'ha.connect', session: this.session });
    this.env.trace('ha.connect', { master: this.masterAddress, session: this.session });
  }

  private reportSlaveMaxOffsetPlus(): void {
    const max = this.store.commitLog.maxOffset();
    if (max > this.currentReportedOffset) {
      this.currentReportedOffset = max;
      this.report(max);
    }
  }

  private report(maxOffset: number): void {
    this.env.net.oneway(this.masterAddress!, { type: 'ha.report', session: this.session, maxOffset });
    this.lastWriteTimestamp = this.env.now();
  }

  private closeMaster(why: string, reconnectDelayMs: number): void {
    if (why !== 'disconnect') {
      this.env.net.oneway(this.masterAddress!, { type: 'ha.close', session: this.session });
    }
    this.connected = false;
    this.connectNotBefore = this.env.now() + reconnectDelayMs;
    this.env.trace('ha.close', { master: this.masterAddress, session: this.session, why });
  }
}
