// What the push consumer and the lite pull consumer share (in RocketMQ 4.9.x each of
// DefaultMQPushConsumerImpl and DefaultLitePullConsumerImpl writes it out): a group in a client
// instance whose queues a RebalancePushImpl assigns and pulls through a PullAPIWrapper, and the MQConsumerInner answers the instance
// asks for (its heartbeat's ConsumerData, the topics whose routes it polls, new routes' queues).
// Starting ends with updateTopicSubscribeInfoWhenSubscriptionChanged: every subscribed topic's
// route from a NameServer, then one heartbeat and the first rebalance; leaving sends
// UNREGISTER_CLIENT, stops the instance if nothing else uses it and drops every queue.
import type { Env } from '../env.ts';
import type { ConsumerData } from '../protocol/heartbeat-data.ts';
import { ClientConfigurable } from './client-config.ts';
import type { MessageQueue } from './message-queue.ts';
import type { MQClientInstance, MQConsumerInner } from './mq-client-instance.ts';
import type { OffsetStore } from './offset-store.ts';
import { PullAPIWrapper } from './pull-api-wrapper.ts';
import type { ConsumeFromWhere, RebalancePushImpl } from './rebalance.ts';
import { ScheduledExecutor } from './scheduled-executor.ts';

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';
export type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

export abstract class RebalancingConsumer
  extends ClientConfigurable<MQClientInstance>
  implements MQConsumerInner
{
  protected abstract readonly consumeType: ConsumerData['consumeType'];
  protected messageModel: MessageModel = 'CLUSTERING';
  protected consumeFromWhere: ConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET';
  protected pullThresholdForQueue = 1000;
  protected pullThresholdSizeForQueue = 100;
  protected rebalanceImpl: RebalancePushImpl | undefined;
  protected offsetStore: OffsetStore | undefined;
  protected pullAPIWrapper: PullAPIWrapper | undefined;
  protected serviceState: ServiceState = 'CREATE_JUST';
  protected readonly scheduled: ScheduledExecutor;

  constructor(
    readonly consumerGroup: string,
    protected readonly env: Env,
  ) {
    super(env);
    this.scheduled = new ScheduledExecutor(env);
  }

  setConsumeFromWhere(where: ConsumeFromWhere): void {
    this.consumeFromWhere = where;
  }

  setPullThresholdForQueue(n: number): void {
    this.pullThresholdForQueue = n;
  }
  /** In MiB. */
  setPullThresholdSizeForQueue(n: number): void {
    this.pullThresholdSizeForQueue = n;
  }
  getOffsetStore(): OffsetStore | undefined {
    return this.offsetStore;
  }
  getRebalanceImpl(): RebalancePushImpl | undefined {
    return this.rebalanceImpl;
  }

  abstract doRebalance(): void;

  // ---- MQConsumerInner ----

  consumerData(): ConsumerData {
    return {
      groupName: this.consumerGroup,
      consumeType: this.consumeType,
      messageModel: this.messageModel,
      consumeFromWhere: this.consumeFromWhere,
      subscriptionDataSet: this.rebalanceImpl?.subscriptionDataSet() ?? [],
    };
  }

  subscriptionTopics(): string[] {
    return [...(this.rebalanceImpl?.subscriptionInner.keys() ?? [])];
  }

  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.rebalanceImpl?.isSubscribeTopicNeedUpdate(topic) ?? false;
  }

  updateTopicSubscribeInfo(topic: string, queues: MessageQueue[]): void {
    this.rebalanceImpl?.updateTopicSubscribeInfo(topic, queues);
  }

  // ---- starting and leaving ----

  /** The last step of start: the parts in place, the client instance started, running. */
  protected startWith(
    factory: MQClientInstance,
    offsetStore: OffsetStore,
    rebalance: RebalancePushImpl,
  ): void {
    this.factory = factory;
    this.offsetStore = offsetStore;
    this.rebalanceImpl = rebalance;
    this.pullAPIWrapper = new PullAPIWrapper(factory, this.consumerGroup);
    factory.start();
    this.serviceState = 'RUNNING';
  }

  /** Every subscribed topic's route, then (if still running) a heartbeat and the first rebalance. */
  protected fetchRoutesThenRebalance(factory: MQClientInstance, rebalance: RebalancePushImpl): void {
    const topics = [...rebalance.subscriptionInner.keys()];
    let left = topics.length;
    for (const topic of topics) {
      factory.updateTopicRouteInfoFromNameServer(topic, () => {
        if (--left > 0 || this.serviceState !== 'RUNNING') return;
        factory.sendHeartbeatToAllBroker();
        this.doRebalance();
      });
    }
  }

  /** UNREGISTER_CLIENT, then the instance stops if unused and the queues are dropped; `done` after. */
  protected leave(factory: MQClientInstance, traceEvent: string, done: () => void): void {
    factory.unregisterConsumer(this.consumerGroup, () => {
      factory.shutdown();
      this.rebalanceImpl?.destroy();
      this.env.trace(traceEvent, { group: this.consumerGroup, clientId: factory.clientId });
      done();
    });
  }
}
