// A broker's replication parts, by role, behind one face for the broker process: a master
// (ASYNC_MASTER or SYNC_MASTER) runs the HAService its slaves connect to, a SLAVE runs the
// HAClient. RocketMQ 4.x master/slave only: no DLedger, no automatic failover.
// Wiring: the broker's serve() hands every body for which isHaMessage is true to handle() (no
// reply: all HA frames are one-way); start() after the store started, shutdown() before the
// store's; the send processor calls afterPut between the store's answer and the producer's; a
// slave learns its master from haMasterAddress or from updateMasterAddress (the NameServer's
// answer to registration, haServerAddr).
import type { ChannelId, Env } from '../../env.ts';
import type { DefaultMessageStore } from '../../store/message-store.ts';
import type { PutMessageResult } from '../../store/put-message-result.ts';
import { HAClient } from './ha-client.ts';
import type { HaMessage } from './ha-protocol.ts';
import { HAService, type HaConfig } from './ha-service.ts';

export class BrokerHa {
  /** The master's side; undefined on a slave. */
  readonly service: HAService | undefined;
  /** The slave's side; undefined on a master. */
  readonly client: HAClient | undefined;
  private readonly syncMaster: boolean;

  constructor(env: Env, store: DefaultMessageStore, config: HaConfig) {
    const role = store.config.brokerRole;
    this.syncMaster = role === 'SYNC_MASTER';
    this.service = role === 'SLAVE' ? undefined : new HAService(env, store, config);
    this.client = role === 'SLAVE' ? new HAClient(env, store, config) : undefined;
  }

  start(): void {
    this.service?.start();
    this.client?.start();
  }

  /** HA traffic the broker's serve() received (isHaMessage(body) was true). */
  handle(from: string, body: HaMessage, channel: ChannelId): void {
    this.service?.handle(from, body, channel);
    this.client?.handle(from, body, channel);
  }

  /**
   * The AfterPut step: a SYNC_MASTER waits for its slave (SLAVE_NOT_AVAILABLE,
   * FLUSH_SLAVE_TIMEOUT, or the store's own status once the slave has the bytes); other roles
   * pass the result through. `waitStoreMsgOK` is the message's WAIT property (default true);
   * AfterPut's two-argument form means true.
   */
  readonly afterPut = (
    result: PutMessageResult,
    done: (result: PutMessageResult) => void,
    waitStoreMsgOK = true,
  ): void => {
    if (!this.syncMaster || this.service === undefined) return done(result);
    this.service.waitForSlave(result, done, waitStoreMsgOK);
  };

  /** A slave's master HA address, learned from the NameServer; ignored on a master. */
  updateMasterAddress(address: string): void {
    this.client?.updateMasterAddress(address);
  }

  shutdown(): void {
    this.service?.shutdown();
    this.client?.shutdown();
  }
}
