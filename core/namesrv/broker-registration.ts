// The broker's side of the NameServer protocol (BrokerController.registerBrokerAll and
// BrokerOuterAPI in 4.9.x): the broker registers with every NameServer of namesrvAddr
// (semicolon-separated) in parallel, once at start, then after 10 s and every
// registerNameServerPeriod (30 s, clamped to 10–60 s), each request timing out after
// registerBrokerTimeoutMills (6 s). Each registration carries the broker's topic table and its
// DataVersion as they are at that moment; each NameServer's answer is handed to the broker (a
// slave learns its master's address and HA address from it). On shutdown the broker unregisters
// from every NameServer (3 s timeout).
// Simplifications: registration is always forced (forceRegister, the default; no
// QUERY_DATA_VERSION round first); no filter servers, no compression or CRC of the body; the
// unregister requests go out together rather than one after another (the shutdown waits for all
// of them); a brokerPermission that is not read-write is the broker's to apply to the table it
// passes in.
import { z } from 'zod';
import { onResult, type Env, type NetResult, type TimerId } from '../env.ts';
import {
  registerBrokerResponseHeaderSchema,
  type RegisterBrokerRequestHeader,
  type RegisterBrokerResponseHeader,
  type UnRegisterBrokerRequestHeader,
} from '../protocol/namesrv-headers.ts';
import { isRemotingCommand, request, type RemotingCommand } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { plainSafeParse } from '../protocol/plain-reader.ts';
import { MASTER_ID } from '../protocol/route-data.ts';
import type { TopicConfigSerializeWrapper } from '../protocol/topic-config.ts';

/** RocketMQ's namesrvAddr format: addresses separated by ';', blanks ignored. */
const readRegisterAnswer = plainSafeParse(registerBrokerResponseHeaderSchema);

export function parseNamesrvAddr(namesrvAddr: string): string[] {
  return namesrvAddr
    .split(';')
    .map((addr) => addr.trim())
    .filter((addr) => addr.length > 0);
}

export const brokerRegistrationConfigSchema = z.strictObject({
  namesrvAddr: z
    .string()
    .refine((s) => parseNamesrvAddr(s).length > 0, 'needs at least one NameServer address'),
  brokerClusterName: z.string().min(1).default('DefaultCluster'),
  brokerName: z.string().min(1),
  brokerId: z.number().int().nonnegative().default(MASTER_ID),
  /** Where this broker's HA service listens; the broker's own address when absent. */
  haServerAddr: z.string().min(1).optional(),
  registerNameServerPeriod: z.number().int().positive().default(30_000),
  registerBrokerTimeoutMills: z.number().int().positive().default(6_000),
});
export type BrokerRegistrationConfig = z.output<typeof brokerRegistrationConfigSchema>;
export type BrokerRegistrationConfigInput = z.input<typeof brokerRegistrationConfigSchema>;

/** The periodic registration starts 10 s after the broker (BrokerController.start). */
const FIRST_PERIODIC_DELAY_MS = 10_000;
/** BrokerOuterAPI.unregisterBroker waits 3 s for each NameServer. */
const UNREGISTER_TIMEOUT_MS = 3_000;

/** One NameServer's answer: a slave whose master it knows gets `master`. */
export type RegisterOutcome =
  | { readonly ok: true; readonly master?: RegisterBrokerResponseHeader }
  | { readonly ok: false; readonly error: string };

export interface BrokerRegistrationHooks {
  /**
   * The broker's topic table and its DataVersion, read at each registration round: a new copy
   * each time, which nothing changes later (it is the round's body, as RocketMQ encodes it then).
   */
  topicConfig(): TopicConfigSerializeWrapper;
  onResult?(namesrvAddr: string, outcome: RegisterOutcome): void;
}

export class BrokerRegistration {
  readonly config: BrokerRegistrationConfig;
  readonly namesrvAddrList: readonly string[];
  private timer: TimerId | undefined;

  constructor(
    private readonly env: Env,
    config: BrokerRegistrationConfigInput,
    private readonly hooks: BrokerRegistrationHooks,
  ) {
    this.config = brokerRegistrationConfigSchema.parse(config);
    this.namesrvAddrList = parseNamesrvAddr(this.config.namesrvAddr);
  }

  /** Registers at once, then periodically until shutdown. */
  start(): void {
    this.registerBrokerAll();
    this.schedule(FIRST_PERIODIC_DELAY_MS);
  }

  /** One round: the current topic table to every NameServer in parallel. */
  registerBrokerAll(): void {
    const body = this.hooks.topicConfig();
    const extFields: RegisterBrokerRequestHeader = {
      ...this.identity(),
      haServerAddr: this.config.haServerAddr ?? this.env.address,
    };
    const command = request(RequestCode.REGISTER_BROKER, extFields, body);
    for (const namesrvAddr of this.namesrvAddrList) {
      this.env.net.request(
        namesrvAddr,
        command,
        this.config.registerBrokerTimeoutMills,
        onResult((result) => this.onRegisterResult(namesrvAddr, result)),
      );
    }
  }

  /** Tells every NameServer that this broker is leaving; `done` runs once each answered or timed out. */
  unregisterBrokerAll(done: () => void = () => {}): void {
    const command = request(RequestCode.UNREGISTER_BROKER, this.identity());
    let waiting = this.namesrvAddrList.length;
    if (waiting === 0) done();
    for (const namesrvAddr of this.namesrvAddrList) {
      this.env.net.request(
        namesrvAddr,
        command,
        UNREGISTER_TIMEOUT_MS,
        onResult((result) => {
          const answer = successOf(result);
          if (typeof answer === 'string') {
            this.env.trace('broker.unregister-failed', { namesrv: namesrvAddr, error: answer });
          }
          if (--waiting === 0) done();
        }),
      );
    }
  }

  /** Stops registering and unregisters (BrokerController.shutdown); done once every NameServer answered. */
  shutdown(done: () => void = () => {}): void {
    if (this.timer !== undefined) this.env.cancelTimer(this.timer);
    this.timer = undefined;
    this.unregisterBrokerAll(done);
  }

  private identity(): UnRegisterBrokerRequestHeader {
    const { brokerClusterName, brokerName, brokerId } = this.config;
    return { clusterName: brokerClusterName, brokerName, brokerAddr: this.env.address, brokerId };
  }

  private schedule(delayMs: number): void {
    const period = Math.max(10_000, Math.min(this.config.registerNameServerPeriod, 60_000));
    this.timer = this.env.setTimer(delayMs, () => {
      this.registerBrokerAll();
      this.schedule(period);
    });
  }

  private onRegisterResult(namesrvAddr: string, result: NetResult): void {
    const answer = successOf(result);
    if (typeof answer === 'string') {
      this.env.probe('broker.register-failed');
      this.env.trace('broker.register-failed', { namesrv: namesrvAddr, error: answer });
      this.hooks.onResult?.(namesrvAddr, { ok: false, error: answer });
      return;
    }
    // A master's answer has no header: nothing for zod to reject at length every round.
    const master = answer.extFields === undefined ? undefined : readRegisterAnswer(answer.extFields);
    this.hooks.onResult?.(namesrvAddr, master?.success ? { ok: true, master: master.data } : { ok: true });
  }
}

/** The SUCCESS answer, or why there is none: a network error, a malformed answer or another code. */
function successOf(result: NetResult): RemotingCommand | string {
  if (!result.ok) return result.error;
  if (!isRemotingCommand(result.body)) return 'malformed response';
  const { code, remark } = result.body;
  if (code === ResponseCode.SUCCESS) return result.body;
  return remark === undefined ? responseCodeName(code) : `${responseCodeName(code)}: ${remark}`;
}
