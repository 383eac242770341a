// SlaveSynchronize: how a SLAVE broker keeps its master's config tables (RocketMQ 4.9's
// SlaveSynchronize, scheduled by BrokerController.handleSlaveSynchronize). 3 s after start, then
// every 10 s, one round asks the master, one request after another (3 s timeout each), for:
// 1. its topic table (GET_ALL_TOPIC_CONFIG): when the master's DataVersion differs from the
//    slave's, the slave's table is replaced by the master's, takes its DataVersion, and is
//    persisted (topics.json);
// 2. its consumer offsets (GET_ALL_CONSUMER_OFFSET): each `topic@group` of the master replaces the
//    slave's (the slave keeps keys the master lacks), persisted (consumerOffset.json);
// 3. its delay progress (GET_ALL_DELAY_OFFSET): the text is written as the slave's delayOffset.json;
// 4. its subscription groups (GET_ALL_SUBSCRIPTIONGROUP_CONFIG): as the topic table, by DataVersion
//    (subscriptionGroup.json).
// The master's address is the one the NameServer gave in its last answer to this slave's
// registration (none while the NameServer knows no live master: then a round does nothing). A
// request that fails (a dead or partitioned master, an error answer, a body that does not parse)
// is traced and that table waits for the next round; the other tables are still asked. Rounds
// never overlap: a period that ends while a round still runs (four timeouts take 12 s) starts the
// next round as soon as it ends, as a single-threaded fixed-rate schedule does.
// Installing a new topic table does not register the slave at once: as in 4.9, the next periodic
// registration carries the table and its DataVersion. (The NameServer builds queue data from a
// master's registrations only, so a route lists the slave through its broker group: a topic the
// master registered keeps the group's queue data, with the slave's address, after the master is
// gone.) What the sync buys is that the slave itself knows the topics and the group offsets: its
// pulls and offset queries answer for them instead of TOPIC_NOT_EXIST.
// Simplifications: the delay progress is written to the file only (4.9 does the same; a slave
// here has no delay service to load it until it restarts as a master); no VIP channel (4.9 asks
// the master's port - 2); the master's address follows each NameServer's answer as it comes, where
// 4.9 takes the first answer of a registration round; no 5.x extras (message request modes, timer
// metrics, state versions).
import { onResult, type Env, type NetResult, type TimerId } from '../env.ts';
import { isRemotingCommand, request } from '../protocol/remoting-command.ts';
import { RequestCode, requestCodeName } from '../protocol/request-code.ts';
import { ResponseCode, responseCodeName } from '../protocol/response-code.ts';
import { plainParse } from '../protocol/plain-reader.ts';
import { topicConfigSerializeWrapperSchema } from '../protocol/topic-config.ts';
import { ConfigManager, configPath, type JsonTableConfigManager } from './config-manager.ts';
import { parseFastjson } from '../protocol/fastjson.ts';
import { utf8Encoder } from '../message/bytes.ts';
import { consumerOffsetWrapperSchema, type ConsumerOffsetManager } from './consumer-offset-manager.ts';
import {
  subscriptionGroupWrapperSchema,
  type SubscriptionGroupManager,
} from './subscription-group-manager.ts';
import type { TopicConfigManager } from './topic-config-manager.ts';

/** handleSlaveSynchronize: the first round 3 s after start, then every 10 s. */
const readTopicConfigs = plainParse(topicConfigSerializeWrapperSchema);
const readConsumerOffsets = plainParse(consumerOffsetWrapperSchema);
const readSubscriptionGroups = plainParse(subscriptionGroupWrapperSchema);

export const SLAVE_SYNC_INITIAL_DELAY_MS = 3_000;
export const SLAVE_SYNC_PERIOD_MS = 10_000;
/** BrokerOuterAPI's getAll* requests wait 3 s for the master. */
export const SLAVE_SYNC_TIMEOUT_MS = 3_000;

/**
 * The slave's delayOffset.json, written with the master's text as it came (MixAll.string2File).
 * The text's bytes are made once a new text: a slave writes the file after every sync (10 s).
 */
class DelayOffsetFile extends ConfigManager {
  private text = '';
  private bytes = new Uint8Array(0);

  constructor(
    env: Env,
    private readonly storePathRootDir: string,
  ) {
    super(env);
  }

  configFilePath(): string {
    return configPath(this.storePathRootDir, 'delayOffset.json');
  }

  encode(): string {
    return this.text;
  }

  protected override encodeBytes(): Uint8Array {
    return this.bytes;
  }

  decode(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.bytes = utf8Encoder.encode(text);
  }
}

export interface SlaveSynchronizeOptions {
  readonly env: Env;
  readonly topics: TopicConfigManager;
  readonly offsets: ConsumerOffsetManager;
  readonly groups: SubscriptionGroupManager;
  readonly storePathRootDir: string;
}

type Table = 'topicConfig' | 'consumerOffset' | 'delayOffset' | 'subscriptionGroup';
type JsonTable = Exclude<Table, 'delayOffset'>;

/** The master's text a table was last installed from, the table's changeCount after, its key count. */
interface Installed {
  readonly text: string;
  readonly changes: number;
  readonly keys: number;
}

export class SlaveSynchronize {
  /** The master to copy from; set from the NameServer's answers to the slave's registration. */
  masterAddr: string | undefined;
  private readonly env: Env;
  private readonly delayOffsets: DelayOffsetFile;
  private timer: TimerId | undefined;
  private running = false;
  /** A period ended while a round ran: the next round starts when it ends. */
  private overdue = false;
  private stopped = true;
  /** Per table, what its last install left. */
  private readonly installed = new Map<JsonTable, Installed>();

  constructor(private readonly options: SlaveSynchronizeOptions) {
    this.env = options.env;
    this.delayOffsets = new DelayOffsetFile(options.env, options.storePathRootDir);
  }

  /** A NameServer's answer: the master's address, or undefined when it knows no live master. */
  setMasterAddr(masterAddr: string | undefined): void {
    this.masterAddr = masterAddr;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.masterAddr = undefined;
    this.schedule(SLAVE_SYNC_INITIAL_DELAY_MS);
  }

  /** Stops the rounds; an answer still on its way is ignored. */
  shutdown(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.env.cancelTimer(this.timer);
    this.timer = undefined;
  }

  /** One round of the four tables, one after another; `done` when the last one is settled. */
  syncAll(done: () => void = () => {}): void {
    this.syncTopicConfig(() =>
      this.syncConsumerOffset(() => this.syncDelayOffset(() => this.syncSubscriptionGroupConfig(done))),
    );
  }

  private schedule(delayMs: number): void {
    this.timer = this.env.setTimer(delayMs, () => {
      this.schedule(SLAVE_SYNC_PERIOD_MS);
      if (this.running) {
        this.overdue = true;
        return;
      }
      this.runRound();
    });
  }

  private runRound(): void {
    this.running = true;
    this.syncAll(() => {
      this.running = false;
      if (this.overdue && !this.stopped) {
        this.overdue = false;
        this.runRound();
      }
    });
  }

  private syncTopicConfig(next: () => void): void {
    this.fetch('topicConfig', RequestCode.GET_ALL_TOPIC_CONFIG, next, (text, master) => {
      const { topics } = this.options;
      if (this.seen('topicConfig', text, topics) !== undefined) return;
      const wrapper = readTopicConfigs(parseFastjson(text));
      const replaced = topics.replaceTable(wrapper.dataVersion, wrapper.topicConfigTable);
      this.remember('topicConfig', text, topics, 0);
      if (!replaced) return;
      this.env.trace('slave.synced', {
        table: 'topicConfig',
        master,
        topics: topics.topicConfigTable.size,
        dataVersion: { ...wrapper.dataVersion },
      });
    });
  }

  private syncConsumerOffset(next: () => void): void {
    this.fetch('consumerOffset', RequestCode.GET_ALL_CONSUMER_OFFSET, next, (text, master) => {
      const { offsets } = this.options;
      const keys = this.seen('consumerOffset', text, offsets) ?? this.installOffsets(text);
      offsets.persist();
      this.env.trace('slave.synced', { table: 'consumerOffset', master, keys });
    });
  }

  private syncDelayOffset(next: () => void): void {
    this.fetch('delayOffset', RequestCode.GET_ALL_DELAY_OFFSET, next, (text, master) => {
      this.delayOffsets.decode(text);
      this.delayOffsets.persist();
      this.env.trace('slave.synced', { table: 'delayOffset', master });
    });
  }

  private syncSubscriptionGroupConfig(next: () => void): void {
    this.fetch('subscriptionGroup', RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, next, (text, master) => {
      const { groups } = this.options;
      if (this.seen('subscriptionGroup', text, groups) !== undefined) return;
      const wrapper = readSubscriptionGroups(parseFastjson(text));
      const replaced = groups.replaceTable(wrapper.dataVersion, wrapper.subscriptionGroupTable);
      this.remember('subscriptionGroup', text, groups, 0);
      if (!replaced) return;
      this.env.trace('slave.synced', {
        table: 'subscriptionGroup',
        master,
        groups: groups.subscriptionGroupTable.size,
        dataVersion: { ...wrapper.dataVersion },
      });
    });
  }

  /** Each `topic@group` of the master's offsets replaces the slave's; the number of keys. */
  private installOffsets(text: string): number {
    const { offsetTable } = readConsumerOffsets(parseFastjson(text));
    const { offsets } = this.options;
    const keys = Object.keys(offsetTable);
    for (const key of keys) {
      const queues = Object.entries(offsetTable[key]!);
      offsets.putOffsets(
        key,
        queues.map(([queueId, offset]) => [Number(queueId), offset] as const),
      );
    }
    this.remember('consumerOffset', text, offsets, keys.length);
    return keys.length;
  }

  /**
   * The master's table is the text this one was last installed from (or found equal to), and the
   * slave's table has not changed since: installing it again would change nothing, so it is not
   * parsed again (masters answer the same text every 10 s while idle). The key count it had, or
   * undefined if it must be installed.
   */
  private seen(table: JsonTable, text: string, holder: JsonTableConfigManager): number | undefined {
    const last = this.installed.get(table);
    const same = last !== undefined && last.text === text && last.changes === holder.changeCount;
    return same ? last.keys : undefined;
  }

  private remember(table: JsonTable, text: string, holder: JsonTableConfigManager, keys: number): void {
    this.installed.set(table, { text, changes: holder.changeCount, keys });
  }

  /**
   * Asks the current master for one table and installs the answer; a failure is traced. `next`
   * runs in every case, unless the synchronizer was shut down meanwhile.
   */
  private fetch(
    table: Table,
    code: number,
    next: () => void,
    install: (text: string, master: string) => void,
  ): void {
    const master = this.masterAddr;
    if (this.stopped || master === undefined || master === this.env.address) return next();
    this.env.net.request(
      master,
      request(code),
      SLAVE_SYNC_TIMEOUT_MS,
      onResult((result) => {
        if (this.stopped) return;
        const text = bodyText(result);
        if (text.ok) {
          try {
            install(text.body, master);
          } catch (error) {
            const problem = error instanceof Error ? error.message : String(error);
            this.failed(table, code, master, `malformed body: ${problem}`);
          }
        } else {
          this.failed(table, code, master, text.error);
        }
        next();
      }),
    );
  }

  private failed(table: Table, code: number, master: string, error: string): void {
    this.env.probe('broker.slave-sync-failed');
    this.env.trace('slave.sync-failed', { table, request: requestCodeName(code), master, error });
  }
}

/** The JSON text of a SUCCESS answer, or why there is none. */
function bodyText(result: NetResult): { ok: true; body: string } | { ok: false; error: string } {
  if (!result.ok) return { ok: false, error: result.error };
  if (!isRemotingCommand(result.body)) return { ok: false, error: 'malformed response' };
  const { code, remark, body } = result.body;
  if (code !== ResponseCode.SUCCESS) {
    const name = responseCodeName(code);
    return { ok: false, error: remark === undefined ? name : `${name}: ${remark}` };
  }
  return typeof body === 'string' ? { ok: true, body } : { ok: false, error: 'no JSON body' };
}
