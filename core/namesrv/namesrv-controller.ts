// The NameServer process (NamesrvController with its DefaultRequestProcessor and
// BrokerHousekeepingService): it answers REGISTER_BROKER, UNREGISTER_BROKER,
// GET_ROUTEINFO_BY_TOPIC and GET_BROKER_CLUSTER_INFO from its RouteInfoManager, drops a broker at
// once when that broker's connection breaks, and every scanNotActiveBrokerInterval (first after
// 5 s, as in 4.x) drops brokers silent for brokerChannelExpiredTime. NameServers never talk to
// each other: each knows only what brokers told it, so two of them can disagree.
// Its state is memory only; a restart begins empty and refills as brokers register again.
// Simplifications: no KV config (so no order-topic config in routes or register answers), no
// Netty idle-channel close, no expired channel closed by the NameServer (the broker is not told),
// none of the admin requests. A code it does not serve is answered REQUEST_CODE_NOT_SUPPORTED
// (RocketMQ's default processor sends no answer, so the caller would wait for its timeout).
import { z } from 'zod';
import type { ChannelId, Env, Process, ProcessMain, Reply, TimerId } from '../env.ts';
import {
  getRouteInfoRequestHeaderSchema,
  registerBrokerBodySchema,
  registerBrokerRequestHeaderSchema,
  unRegisterBrokerRequestHeaderSchema,
} from '../protocol/namesrv-headers.ts';
import {
  isRemotingCommand,
  malformed,
  response,
  type RemotingCommand,
} from '../protocol/remoting-command.ts';
import { RequestCode, requestCodeName } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import { plainSafeParse } from '../protocol/plain-reader.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import type { TopicConfigSerializeWrapper } from '../protocol/topic-config.ts';
import { BROKER_CHANNEL_EXPIRED_TIME, RouteInfoManager } from './route-info-manager.ts';

const positiveMs = z.number().int().positive();

const readRegisterHeader = plainSafeParse(registerBrokerRequestHeaderSchema);
const readRegisterBody = plainSafeParse(registerBrokerBodySchema.optional());
const readRouteInfoHeader = plainSafeParse(getRouteInfoRequestHeaderSchema);

export const namesrvConfigSchema = z.strictObject({
  /** 4.x scans every 10 s (a constant there); 5.x makes it configurable with 5 s. */
  scanNotActiveBrokerInterval: positiveMs.default(10_000),
  /** Silence after which a broker is dropped (4.x's BROKER_CHANNEL_EXPIRED_TIME, 2 minutes). */
  brokerChannelExpiredTime: positiveMs.default(BROKER_CHANNEL_EXPIRED_TIME),
});
export type NamesrvConfig = z.output<typeof namesrvConfigSchema>;
export type NamesrvConfigInput = z.input<typeof namesrvConfigSchema>;

/** NamesrvController.initialize schedules the first scan 5 s after boot. */
const SCAN_INITIAL_DELAY_MS = 5_000;

/** What a register request without a body stands for in RocketMQ: no topics, DataVersion 0/0. */
const EMPTY_TOPIC_CONFIG: TopicConfigSerializeWrapper = {
  topicConfigTable: {},
  dataVersion: { timestamp: 0, counter: 0 },
};

/** The NameServer's ProcessMain; a bad config throws here, before the world runs. */
export function namesrvMain(config: NamesrvConfigInput = {}): ProcessMain {
  const parsed = namesrvConfigSchema.parse(config);
  return (env) => new NamesrvController(env, parsed);
}

export class NamesrvController implements Process {
  readonly routeInfoManager: RouteInfoManager;
  private scanTimer: TimerId | undefined;

  constructor(
    private readonly env: Env,
    private readonly config: NamesrvConfig,
  ) {
    const { brokerChannelExpiredTime } = config;
    this.routeInfoManager = new RouteInfoManager({
      now: () => env.now(),
      brokerChannelExpiredTime,
      probe: (name) => env.probe(name),
    });
    env.net.serve((_from, body, reply, channel) => this.onRequest(channel, body, reply));
    env.net.onDisconnect((_peer, channel) => this.onChannelDestroy(channel));
    this.scheduleScan(SCAN_INITIAL_DELAY_MS);
    env.trace('boot', { line: 'The Name Server boot success. serializeType=JSON' });
  }

  /** A clean stop ends the scan, as RocketMQ's shutdown stops its scheduled executor. */
  shutdown(done: () => void = () => {}): void {
    if (this.scanTimer !== undefined) this.env.cancelTimer(this.scanTimer);
    done();
  }

  /** A one-way request (reply undefined) is processed and not answered, as in RocketMQ. */
  private onRequest(channel: ChannelId, body: unknown, reply: Reply | undefined): void {
    const answer = isRemotingCommand(body)
      ? this.processRequest(channel, body)
      : response(ResponseCode.SYSTEM_ERROR, 'the request is not a RemotingCommand');
    reply?.answer(answer);
  }

  private processRequest(channel: ChannelId, request: RemotingCommand): RemotingCommand {
    switch (request.code) {
      case RequestCode.REGISTER_BROKER:
        return this.registerBroker(channel, request);
      case RequestCode.UNREGISTER_BROKER:
        return this.unregisterBroker(request);
      case RequestCode.GET_ROUTEINFO_BY_TOPIC:
        return this.getRouteInfoByTopic(request);
      case RequestCode.GET_BROKER_CLUSTER_INFO:
        return response(
          ResponseCode.SUCCESS,
          undefined,
          undefined,
          this.routeInfoManager.getAllClusterInfo(),
        );
      default:
        return response(
          ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
          `request code ${request.code} (${requestCodeName(request.code)}) is not served by a NameServer`,
        );
    }
  }

  private registerBroker(channel: ChannelId, request: RemotingCommand): RemotingCommand {
    const header = readRegisterHeader(request.extFields ?? {});
    if (!header.success) return malformed('REGISTER_BROKER header', header.error);
    const body = readRegisterBody(request.body);
    if (!body.success) return malformed('REGISTER_BROKER body', body.error);
    const { brokerAddr, brokerName, brokerId } = header.data;
    const isNew = !this.routeInfoManager.brokerLiveTable.has(brokerAddr);
    const master = this.routeInfoManager.registerBroker(
      header.data,
      body.data ?? EMPTY_TOPIC_CONFIG,
      channel,
    );
    if (isNew) this.env.trace('namesrv.broker-registered', { broker: brokerAddr, brokerName, brokerId });
    if (brokerId !== MASTER_ID && master === undefined) this.env.probe('namesrv.slave-without-master');
    return response(ResponseCode.SUCCESS, undefined, master);
  }

  private unregisterBroker(request: RemotingCommand): RemotingCommand {
    const header = unRegisterBrokerRequestHeaderSchema.safeParse(request.extFields ?? {});
    if (!header.success) return malformed('UNREGISTER_BROKER header', header.error);
    this.routeInfoManager.unregisterBroker(header.data);
    this.env.probe('namesrv.broker-unregistered');
    this.env.trace('namesrv.broker-unregistered', { broker: header.data.brokerAddr });
    return response(ResponseCode.SUCCESS);
  }

  private getRouteInfoByTopic(request: RemotingCommand): RemotingCommand {
    const header = readRouteInfoHeader(request.extFields ?? {});
    if (!header.success) return malformed('GET_ROUTEINFO_BY_TOPIC header', header.error);
    const route = this.routeInfoManager.pickupTopicRouteData(header.data.topic);
    return route === null
      ? response(ResponseCode.TOPIC_NOT_EXIST, `this NameServer has no route for topic ${header.data.topic}`)
      : response(ResponseCode.SUCCESS, undefined, undefined, route);
  }

  private onChannelDestroy(channel: ChannelId): void {
    const removed = this.routeInfoManager.onChannelDestroy(channel);
    if (removed === undefined) return;
    this.env.probe('namesrv.broker-channel-destroyed');
    this.env.trace('namesrv.broker-channel-destroyed', { broker: removed });
  }

  private scheduleScan(delayMs: number): void {
    this.scanTimer = this.env.setTimer(delayMs, () => {
      for (const broker of this.routeInfoManager.scanNotActiveBroker()) {
        this.env.probe('namesrv.broker-expired');
        this.env.trace('namesrv.broker-expired', { broker });
      }
      this.scheduleScan(this.config.scanNotActiveBrokerInterval);
    });
  }
}
