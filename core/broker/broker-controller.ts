// The broker process (RocketMQ's BrokerStartup + BrokerController): from one broker.conf it
// builds the store and the managers, loads their files, recovers the store, starts replication,
// the delay service (masters only), the slave's synchronization of its master's config tables
// (slaves only, slave-synchronize.ts) and the NameServer registration, and serves requests by code.
// Startup refuses to go on when a config file cannot be loaded, as BrokerController.initialize
// does: the process stays up but serves nothing, and says why in the trace.
// Shutdown, in RocketMQ's order: stop the scheduled tasks (the slave's synchronization),
// unregister from the NameServers, stop the delay service,
// replication and the store (which flushes and removes its abort file), then persist offsets.
// Simplifications: in the simulation one address per node carries client and HA traffic alike
// (RocketMQ listens on listenPort and listenPort+1, as a live broker does: BrokerEndpoints); no
// transactions (no check-back service), no ACL, no statistics.
import { parseOrThrow } from '../config-error.ts';
import type { ChannelId, Env, Process, ProcessMain, Reply } from '../env.ts';
import { parseHost } from '../message/host.ts';
import { brokerRegistrationConfigSchema, BrokerRegistration } from '../namesrv/broker-registration.ts';
import { isRemotingCommand, response } from '../protocol/remoting-command.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { DefaultMessageStore } from '../store/message-store.ts';
import { brokerConfFrom, parseBrokerConf, type BrokerConf } from './broker-config.ts';
import type { BrokerContext, RequestProcessor } from './broker-context.ts';
import { ConsumerOffsetManager } from './consumer-offset-manager.ts';
import { BrokerHa } from './ha/broker-ha.ts';
import { isHaMessage } from './ha/ha-protocol.ts';
import { adminProcessors } from './admin-processor.ts';
import { topicAdminProcessors } from './topic-admin-processor.ts';
import { consumerManageProcessors } from './consumer-manage-processor.ts';
import { ClientHousekeepingService, clientManageProcessors, ConsumerManager } from './consumer-manager.ts';
import { pullMessageProcessors } from './pull-message-processor.ts';
import { PullRequestHoldService } from './pull-request-hold-service.ts';
import { queryMessageProcessors } from './query-message-processor.ts';
import { RebalanceLockManager } from './rebalance-lock-manager.ts';
import { ScheduleMessageService } from './schedule-message-service.ts';
import { sendMessageProcessors } from './send-message-processor.ts';
import { slaveSyncProcessors } from './slave-sync-processor.ts';
import { SlaveSynchronize } from './slave-synchronize.ts';
import { SubscriptionGroupManager } from './subscription-group-manager.ts';
import { TopicConfigManager } from './topic-config-manager.ts';
import { PermName } from '../protocol/perm-name.ts';
import { retryTopic } from '../protocol/mix-all.ts';

/** Where the process is reached, beyond its Env's address. */
export interface BrokerEndpoints {
  /**
   * Where its HA service listens (brokerIP2:listenPort+1 on a live broker), registered with the
   * NameServers for slaves to connect to; the broker's own address when absent (a simulated node
   * has one address for all its traffic).
   */
  readonly haServerAddr?: string;
}

/**
 * A broker from broker.conf text or settings, checked before the world runs: a bad conf names the
 * key and the problem, and the broker never starts.
 */
export function brokerMain(
  conf: string | Readonly<Record<string, unknown>> | BrokerConf,
  endpoints: BrokerEndpoints = {},
): ProcessMain {
  const parsed =
    typeof conf === 'string' ? parseBrokerConf(conf) : isBrokerConf(conf) ? conf : brokerConfFrom(conf);
  return (env) => new BrokerController(env, parsed, endpoints);
}

function isBrokerConf(value: object): value is BrokerConf {
  return 'broker' in value && 'store' in value;
}

export class BrokerController implements Process {
  readonly ctx: BrokerContext;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly ha: BrokerHa;
  readonly consumers: ConsumerManager;
  private readonly hold: PullRequestHoldService;
  private readonly housekeeping: ClientHousekeepingService;
  private readonly processors = new Map<number, RequestProcessor>();
  private readonly schedule: ScheduleMessageService | undefined;
  /** The slave's copying of its master's config tables; undefined on a master. */
  readonly slaveSync: SlaveSynchronize | undefined;
  private readonly registration: BrokerRegistration | undefined;
  private started = false;

  constructor(
    private readonly env: Env,
    readonly conf: BrokerConf,
    private readonly endpoints: BrokerEndpoints = {},
  ) {
    const brokerName = conf.broker.brokerName ?? env.address.split(':')[0]!;
    const root = conf.store.storePathRootDir;
    // Before the store: recovery's dispatch already reports arrivals.
    this.hold = new PullRequestHoldService(env, conf.broker, (topic, queueId) =>
      this.ctx.store.getMaxOffsetInQueue(topic, queueId),
    );
    const store = new DefaultMessageStore({
      env,
      config: conf.store,
      storeHost: parseHost(env.address),
      onArriving: this.hold.arriving,
    });
    const offsets = new ConsumerOffsetManager(env, root);
    this.topics = new TopicConfigManager({
      env,
      broker: conf.broker,
      storePathRootDir: root,
      onTopicCreated: () => this.registration?.registerBrokerAll(),
    });
    this.groups = new SubscriptionGroupManager({
      env,
      autoCreateSubscriptionGroup: conf.broker.autoCreateSubscriptionGroup,
      storePathRootDir: root,
    });
    const locks = new RebalanceLockManager(env);
    this.ctx = { env, conf, brokerName, brokerAddr: env.address, store, offsets, locks, topics: this.topics };
    this.ha = new BrokerHa(env, store, conf.broker);
    this.consumers = new ConsumerManager(env, conf.broker);
    this.housekeeping = new ClientHousekeepingService(env, [this.consumers]);
    const master = conf.store.brokerRole !== 'SLAVE';
    // (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
    const flushDelayOffsetInterval = conf.broker.flushDelayOffsetInterval;
    this.schedule = master ? new ScheduleMessageService({ env, store, flushDelayOffsetInterval }) : undefined;
    this.slaveSync = master
      ? undefined
      : new SlaveSynchronize({
          env,
          topics: this.topics,
          offsets,
          groups: this.groups,
          storePathRootDir: root,
        });
    this.registration = this.makeRegistration(brokerName);
    this.start();
  }

  /** A clean stop, in RocketMQ's order; `done` once everything is durable. */
  shutdown(done: () => void): void {
    if (!this.started) return done();
    this.started = false;
    this.slaveSync?.shutdown();
    const { store, offsets } = this.ctx;
    const unregister = (next: () => void) => (this.registration ? this.registration.shutdown(next) : next());
    const stopSchedule = (next: () => void) => (this.schedule ? this.schedule.shutdown(next) : next());
    unregister(() =>
      stopSchedule(() => {
        this.hold.shutdown();
        this.housekeeping.shutdown();
        this.ha.shutdown();
        store.shutdown(() => offsets.shutdown(done));
      }),
    );
  }

  private start(): void {
    const { env, ctx } = this;
    const failed = this.loadFailures();
    if (failed.length > 0) {
      env.trace('broker.start-failed', { cannotLoad: failed });
      return;
    }
    ctx.store.start();
    this.hold.start();
    this.housekeeping.start();
    env.net.onDisconnect(this.housekeeping.onChannelClose);
    this.ha.start();
    this.schedule?.start();
    // (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
    ctx.offsets.start(this.conf.broker.flushConsumerOffsetInterval);
    this.installProcessors();
    env.net.serve((from, body, reply, channel) => this.serve(from, body, reply, channel));
    // handleSlaveSynchronize, then the first registration, whose answer gives the master's address.
    this.slaveSync?.start();
    this.registration?.start();
    this.started = true;
    env.trace('boot', { line: this.bootLine() });
  }

  /** The config files that cannot be read (BrokerController.initialize's loads). */
  private loadFailures(): string[] {
    const loads: [string, () => boolean][] = [
      ['topics.json', () => this.topics.load()],
      ['consumerOffset.json', () => this.ctx.offsets.load()],
      ['subscriptionGroup.json', () => this.groups.load()],
      ['delayOffset.json', () => this.schedule?.load() ?? true],
    ];
    return loads.filter(([, load]) => !load()).map(([name]) => name);
  }

  private installProcessors(): void {
    const { ctx, consumers } = this;
    const tables = [
      sendMessageProcessors({ ctx, topics: this.topics, groups: this.groups, afterPut: this.ha.afterPut }),
      queryMessageProcessors(ctx.store),
      clientManageProcessors(ctx, consumers, undefined, (group) => {
        const config = this.groups.findSubscriptionGroupConfig(group);
        if (config === undefined) return;
        this.topics.createTopicInSendMessageBackMethod(
          retryTopic(group),
          config.retryQueueNums,
          PermName.PERM_READ | PermName.PERM_WRITE,
          0,
        );
      }),
      pullMessageProcessors(ctx, consumers, this.hold).processors,
      consumerManageProcessors(ctx, consumers),
      adminProcessors(ctx, consumers),
      topicAdminProcessors(ctx, this.topics, () => this.registration?.registerBrokerAll()),
      slaveSyncProcessors({
        topics: this.topics,
        offsets: ctx.offsets,
        groups: this.groups,
        schedule: this.schedule,
      }),
    ];
    for (const table of tables) for (const [code, processor] of table) this.processors.set(code, processor);
  }

  private serve(from: string, body: unknown, reply: Reply | undefined, channel: ChannelId): void {
    if (isHaMessage(body)) return this.ha.handle(from, body, channel);
    if (!isRemotingCommand(body))
      return reply?.answer(response(ResponseCode.SYSTEM_ERROR, 'not a RemotingCommand'));
    const processor = this.processors.get(body.code);
    if (processor === undefined) {
      const remark = `request code ${body.code} is not supported`;
      return reply?.answer(response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark));
    }
    processor(body, reply, from, channel);
  }

  private makeRegistration(brokerName: string): BrokerRegistration | undefined {
    const { broker } = this.conf;
    if (broker.namesrvAddr === undefined) return undefined;
    const config = parseOrThrow(
      brokerRegistrationConfigSchema,
      {
        namesrvAddr: broker.namesrvAddr,
        brokerClusterName: broker.brokerClusterName,
        brokerName,
        brokerId: broker.brokerId,
        registerNameServerPeriod: broker.registerNameServerPeriod,
        registerBrokerTimeoutMills: broker.registerBrokerTimeoutMills,
        ...(this.endpoints.haServerAddr !== undefined && { haServerAddr: this.endpoints.haServerAddr }),
      },
      'broker registration',
    );
    return new BrokerRegistration(this.env, config, {
      topicConfig: () => this.topics.topicConfigWrapper(broker.brokerPermission),
      onResult: (_namesrv, outcome) => {
        if (!outcome.ok) return;
        if (outcome.master && broker.haMasterAddress === undefined) {
          this.ha.updateMasterAddress(outcome.master.haServerAddr);
        }
        // Whatever haMasterAddress says, the tables are copied from the master the NameServer names.
        this.slaveSync?.setMasterAddr(outcome.master?.masterAddr);
      },
    });
  }

  /** BrokerStartup's line: "The broker[NAME, ADDR] boot success. serializeType=JSON and name server is ADDRS". */
  private bootLine(): string {
    const { namesrvAddr } = this.conf.broker;
    const tail = namesrvAddr === undefined ? '' : ` and name server is ${namesrvAddr}`;
    return `The broker[${this.ctx.brokerName}, ${this.ctx.brokerAddr}] boot success. serializeType=JSON${tail}`;
  }
}
