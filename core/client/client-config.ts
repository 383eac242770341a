// ClientConfig (RocketMQ 4.9.x): what producers and consumers configure about their client
// instance, with its defaults, and the setters they share (Java's DefaultMQProducer and
// DefaultMQPushConsumer extend ClientConfig). Simplifications: no namespace, VIP channel, unit
// mode or TLS settings.
import type { Env } from '../env.ts';

/** ClientConfig's instanceName before it is replaced by the process id. */
export const DEFAULT_INSTANCE_NAME = 'DEFAULT';

export interface ClientConfig {
  namesrvAddr?: string;
  clientIP: string;
  instanceName: string;
  /** Route poll period (ms). */
  pollNameServerInterval: number;
  /** Heartbeat period (ms). */
  heartbeatBrokerInterval: number;
  /** Timeout of the instance's own requests: routes, heartbeats, unregister (ms). */
  mqClientApiTimeout: number;
}

/** ClientConfig's defaults for a process at `env.address`. */
export function defaultClientConfig(env: Pick<Env, 'address'>): ClientConfig {
  return {
    clientIP: env.address.split(':')[0]!,
    instanceName: DEFAULT_INSTANCE_NAME,
    pollNameServerInterval: 30_000,
    heartbeatBrokerInterval: 30_000,
    mqClientApiTimeout: 3_000,
  };
}

/** What a running client's settings reach of its client instance. */
interface NameServerAddressHolder {
  updateNameServerAddressList(namesrvAddr: string): void;
}

/** The settings every producer and consumer has; `factory` is its client instance once started. */
export abstract class ClientConfigurable<F extends NameServerAddressHolder> {
  protected readonly clientConfig: ClientConfig;
  protected factory: F | undefined;

  constructor(env: Pick<Env, 'address'>) {
    this.clientConfig = defaultClientConfig(env);
  }

  setNamesrvAddr(namesrvAddr: string): void {
    this.clientConfig.namesrvAddr = namesrvAddr;
    this.factory?.updateNameServerAddressList(namesrvAddr);
  }
  getNamesrvAddr(): string | undefined {
    return this.clientConfig.namesrvAddr;
  }
  setInstanceName(instanceName: string): void {
    this.clientConfig.instanceName = instanceName;
  }
  setPollNameServerInterval(ms: number): void {
    this.clientConfig.pollNameServerInterval = ms;
  }
  setHeartbeatBrokerInterval(ms: number): void {
    this.clientConfig.heartbeatBrokerInterval = ms;
  }
  getMQClientInstance(): F | undefined {
    return this.factory;
  }
}
