// ScheduleMessageService: delivers delayed messages. The CommitLog stored a message with DELAY=L
// in SCHEDULE_TOPIC_XXXX queue L-1, its ConsumeQueue entry carrying the delivery time as
// tagsCode. One timer per level (the first after 1 s) reads that queue from the level's progress
// offset; each entry that is due (tagsCode <= now) is read back from the CommitLog and put again
// under its REAL_TOPIC and REAL_QID, with its body, flag, sysFlag, born time and host, reconsume
// times and properties (UNIQ_KEY included), and WAIT=false so that the put waits for neither
// flush nor slave. On PUT_OK the progress moves past the entry; the first entry not yet due ends
// the round, and the level looks again 100 ms later (but see "Sleeping" below). A put that is
// not PUT_OK is retried 100 ms later from the same entry (4.9.3+; earlier 4.9 waited 10 s): a
// FLUSH_DISK_TIMEOUT means the message was stored, so the retry duplicates it. A delivery time
// further ahead than the level's delay (the clock went back) counts as due now
// (correctDeliverTimestamp). An entry whose message was deleted by retention is skipped.
// Progress (level → next queue offset) is persisted to <root>/config/delayOffset.json 10 s after
// start, then every flushDelayOffsetInterval (10 s), and at shutdown; at start it is loaded and
// clamped to the queue's bounds. After a crash the progress of the last persist is what is left,
// so the messages delivered since then are delivered again: duplicates, by design.
// Simplifications: synchronous delivery only (enableScheduleAsyncDeliver=false, the default); no
// statistics; no guard against a real topic that is the transaction half topic (nothing here can
// make one). The stored copy lacks DELAY and carries WAIT=false, where RocketMQ encodes the
// properties before changing them (its copy keeps DELAY=L and has no WAIT): the simulated store
// has one property map, and a DELAY in it would send the message back to SCHEDULE_TOPIC_XXXX.
// Sleeping (a simulation shortcut; RocketMQ polls): an idle level's polls were most of a run's
// events. A level with nothing in its queue sleeps until the store dispatches an entry to it, then
// looks at its next 100 ms tick (the phase is kept by the wall clock, so a clock jump while it
// sleeps shifts the phase; any phase is one RocketMQ could have). A level whose first entry is not
// due sleeps until the tick at which it falls due, at most 1 s at a time: without a clock jump it
// delivers at the tick polling would; after one it notices within 1 s instead of 100 ms.
// (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
import { z } from 'zod';
import type { Env, TimerId } from '../env.ts';
import { MessageConst, parseJavaInt, SCHEDULE_TOPIC, type MessageExt } from '../message/message.ts';
import type { PutMessageRequest } from '../store/commit-log.ts';
import { CQ_STORE_UNIT_SIZE, type CqEntryBuffer } from '../store/consume-queue-entry.ts';
import type { ConsumeQueue } from '../store/consume-queue.ts';
import { parseDelayLevels } from '../store/message-store-config.ts';
import type { DefaultMessageStore } from '../store/message-store.ts';
import type { PutMessageResult } from '../store/put-message-result.ts';
import { deliverTimestampFor } from '../store/reput-message-service.ts';
import { configPath, FIRST_PERSIST_DELAY_MS, JsonTableConfigManager } from './config-manager.ts';
import { json } from './json-bytes.ts';
import { parseFastjson } from '../protocol/fastjson.ts';

export const FIRST_DELAY_TIME = 1_000;
export const DELAY_FOR_A_WHILE = 100;
/** The longest a level waiting for a not-yet-due entry sleeps: how late it may notice a clock jump. */
export const MAX_NOT_DUE_SLEEP = 1_000;

const delayOffsetFileSchema = z.object({
  offsetTable: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()),
});

/** The put that delivers a due message to its real topic and queue (messageTimeup). */
export function messageTimeup(message: MessageExt): PutMessageRequest | undefined {
  const topic = message.getProperty(MessageConst.REAL_TOPIC);
  const queueId = parseJavaInt(message.getProperty(MessageConst.REAL_QID) ?? '');
  if (topic === undefined || queueId === undefined) return undefined;
  const properties = new Map(message.properties);
  properties.delete(MessageConst.DELAY);
  properties.set(MessageConst.WAIT, 'false');
  return {
    topic,
    queueId,
    flag: message.flag,
    body: message.body,
    properties,
    sysFlag: message.sysFlag,
    bornTimestamp: message.bornTimestamp,
    bornHost: message.bornHost,
    reconsumeTimes: message.reconsumeTimes,
    preparedTransactionOffset: 0,
  };
}

/** The nearest offset that is in the queue (or its end). */
function clampToQueue(cq: ConsumeQueue, offset: number): number {
  return Math.min(Math.max(offset, cq.minOffsetInQueue()), cq.maxOffsetInQueue());
}

export interface ScheduleMessageServiceOptions {
  readonly env: Env;
  /** Where the delayed messages are, and where they are put back. */
  readonly store: DefaultMessageStore;
  /** flushDelayOffsetInterval (a MessageStoreConfig key in RocketMQ; 10 s). */
  readonly flushDelayOffsetInterval: number;
}

export class ScheduleMessageService extends JsonTableConfigManager {
  private table = new Map<number, number>();
  readonly maxDelayLevel: number;
  private readonly store: DefaultMessageStore;
  private readonly flushDelayOffsetInterval: number;
  private readonly deliverTimestamp: (level: number, storeTimestamp: number) => number;
  /** Each level's next round. */
  private readonly timers = new Map<number, TimerId>();
  /** Levels with an empty queue: the offset to go on from, and the wall time of their last round. */
  private readonly asleep = new Map<number, { offset: number; lastRoundAt: number }>();
  private started = false;

  constructor(options: ScheduleMessageServiceOptions) {
    super(options.env);
    this.store = options.store;
    this.flushDelayOffsetInterval = options.flushDelayOffsetInterval;
    this.maxDelayLevel = parseDelayLevels(this.store.config.messageDelayLevel).length;
    this.deliverTimestamp = deliverTimestampFor(this.store.config);
    this.store.addArrivingListener(({ topic, queueId }) => {
      if (topic === SCHEDULE_TOPIC) this.wake(queueId + 1);
    });
  }

  configFilePath(): string {
    return configPath(this.store.config.storePathRootDir, 'delayOffset.json');
  }

  /** Delay level → the queue offset delivery goes on from (what delayOffset.json holds). */
  get offsetTable(): ReadonlyMap<number, number> {
    return this.table;
  }

  /** The delivery time of a message stored at `storeTimestamp` with `level` (as the store computes it). */
  computeDeliverTimestamp(level: number, storeTimestamp: number): number {
    return this.deliverTimestamp(level, storeTimestamp);
  }

  /** Loads delayOffset.json (or its `.bak`) and clamps each level's offset to its queue. */
  override load(): boolean {
    if (!super.load()) return false;
    this.correctDelayOffset();
    return true;
  }

  /** Loads the progress (as RocketMQ's start does), then starts every level and the persist timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.load();
    for (let level = 1; level <= this.maxDelayLevel; level++) {
      this.schedule(level, this.table.get(level) ?? 0, FIRST_DELAY_TIME);
    }
    this.persistPeriodically(FIRST_PERSIST_DELAY_MS, this.flushDelayOffsetInterval);
  }

  /** Stops delivering and persists the progress; `done` once it is durable. */
  shutdown(done: () => void = () => {}): void {
    if (!this.started) return done();
    this.started = false;
    for (const timer of this.timers.values()) this.env.cancelTimer(timer);
    this.timers.clear();
    this.asleep.clear();
    this.stopPersisting();
    this.persist(done);
  }

  /** JSON.stringify({ offsetTable: Object.fromEntries(table) }, null, '\t'), with no object made. */
  protected write(): void {
    json.reset();
    json.raw('{\n\t"offsetTable": ');
    json.numbers(this.table, 1);
    json.raw('\n}');
  }

  decode(text: string): void {
    const { offsetTable } = delayOffsetFileSchema.parse(parseFastjson(text));
    this.table = new Map(Object.entries(offsetTable).map(([level, offset]) => [Number(level), offset]));
    this.tableChanged();
  }

  private correctDelayOffset(): void {
    for (const [level, offset] of this.table) {
      const cq = this.store.consumeQueues.find(SCHEDULE_TOPIC, level - 1);
      if (cq === undefined) continue;
      const corrected = clampToQueue(cq, offset);
      if (corrected === offset) continue;
      this.env.probe('broker.schedule-offset-corrected');
      this.env.trace('schedule.offset-corrected', { level, offset, corrected });
      this.table.set(level, corrected);
      this.tableChanged();
    }
  }

  private schedule(level: number, offset: number, delayMs: number): void {
    if (!this.started) return;
    this.timers.set(
      level,
      this.env.setTimer(delayMs, () => this.executeOnTimeup(level, offset)),
    );
  }

  /** An empty level sleeps until an entry arrives in its queue. */
  private sleep(level: number, offset: number): void {
    if (this.started) this.asleep.set(level, { offset, lastRoundAt: this.env.now() });
  }

  /** An entry arrived in a level's queue: a sleeping level looks at its next 100 ms tick. */
  private wake(level: number): void {
    const sleeping = this.asleep.get(level);
    if (sleeping === undefined) return;
    this.asleep.delete(level);
    const sinceTick =
      (((this.env.now() - sleeping.lastRoundAt) % DELAY_FOR_A_WHILE) + DELAY_FOR_A_WHILE) % DELAY_FOR_A_WHILE;
    this.schedule(level, sleeping.offset, DELAY_FOR_A_WHILE - sinceTick);
  }

  /**
   * One round of a level: deliver what is due from `offset`, within one ConsumeQueue file. The
   * first entry is read alone first: a level whose next entry is not due (most rounds) ends there,
   * without reading and decoding the rest of the file as the round that delivers does.
   */
  private executeOnTimeup(level: number, offset: number): void {
    this.timers.delete(level);
    const cq = this.store.consumeQueues.find(SCHEDULE_TOPIC, level - 1);
    if (cq === undefined) return this.sleep(level, offset);
    const first = cq.get(offset);
    if (first === undefined) {
      // Below the minimum (retention) or past the end: go on from the nearest valid offset.
      const next = clampToQueue(cq, offset);
      if (next >= cq.maxOffsetInQueue()) return this.sleep(level, next);
      return this.schedule(level, next, DELAY_FOR_A_WHILE);
    }
    const now = this.env.now();
    const due = this.correctDeliverTimestamp(level, now, first.tagsCode);
    if (due > now) {
      const ticks = Math.ceil((due - now) / DELAY_FOR_A_WHILE);
      return this.schedule(level, offset, Math.min(ticks * DELAY_FOR_A_WHILE, MAX_NOT_DUE_SLEEP));
    }
    const entries = cq.getIndexBuffer(
      offset,
      this.store.config.mappedFileSizeConsumeQueue / CQ_STORE_UNIT_SIZE,
    );
    this.deliverFrom(level, offset, entries, 0);
  }

  /** Delivers entries[from..] (entry i has queue offset base + i) until one is not due or a put fails. */
  private deliverFrom(level: number, base: number, entries: CqEntryBuffer, from: number): void {
    let i = from;
    for (; i < entries.length && this.started; i++) {
      const offset = base + i;
      const now = this.env.now();
      const entry = entries.at(i);
      if (this.correctDeliverTimestamp(level, now, entry.tagsCode) > now) break;
      const message = this.store.lookMessageByOffset(entry.commitLogOffset);
      if (message === undefined) continue;
      const request = messageTimeup(message);
      if (request === undefined) {
        // RocketMQ throws here and retries the same entry: the level is stuck on it.
        this.env.trace('schedule.bad-message', { level, offset });
        return this.schedule(level, offset, DELAY_FOR_A_WHILE);
      }
      const answered = this.put(level, offset, request, () => this.deliverFrom(level, base, entries, i + 1));
      if (answered !== true) return;
    }
    this.schedule(level, base + i, DELAY_FOR_A_WHILE);
  }

  /**
   * Puts one message. Returns true if the store answered PUT_OK at once (the caller goes on),
   * false if it answered otherwise (a retry is scheduled), 'pending' if the answer comes later
   * (then `resume` runs after a PUT_OK).
   */
  private put(
    level: number,
    offset: number,
    request: PutMessageRequest,
    resume: () => void,
  ): boolean | 'pending' {
    let result: PutMessageResult | undefined;
    let pending = false;
    this.store.putMessage(request, (answer) => {
      result = answer;
      if (pending && this.delivered(level, offset, request, answer)) resume();
    });
    if (result !== undefined) return this.delivered(level, offset, request, result);
    pending = true;
    return 'pending';
  }

  private delivered(
    level: number,
    offset: number,
    request: PutMessageRequest,
    result: PutMessageResult,
  ): boolean {
    const fields = { level, offset, topic: request.topic, queueId: request.queueId };
    if (result.status !== 'PUT_OK') {
      this.env.probe('broker.schedule-put-failed');
      this.env.trace('schedule.put-failed', { ...fields, status: result.status });
      this.schedule(level, offset, DELAY_FOR_A_WHILE);
      return false;
    }
    this.table.set(level, offset + 1);
    this.tableChanged();
    this.env.trace('schedule.delivered', {
      ...fields,
      uniqKey: request.properties.get(MessageConst.UNIQ_KEY),
    });
    return true;
  }

  /** A delivery time beyond now + the level's delay cannot be right (the clock went back): due now. */
  private correctDeliverTimestamp(level: number, now: number, deliverTimestamp: number): number {
    if (deliverTimestamp <= this.computeDeliverTimestamp(level, now)) return deliverTimestamp;
    this.env.probe('broker.schedule-time-corrected');
    return now;
  }
}
