// ConsumerOffsetManager: the broker's table of consumed offsets, `topic@group` → queueId →
// offset, kept in <storePathRootDir>/config/consumerOffset.json. A commit overwrites whatever
// was there, even a higher offset (RocketMQ only logs a warning; here a trace); a query for an
// unknown queue answers -1. The table is persisted 10 s after start and then every
// flushConsumerOffsetInterval (5 s), and at shutdown: a process kill keeps what the last persist
// wrote (page cache), a power loss keeps what its fsync made durable, so up to ~5 s of commits
// are lost and consumers re-consume them.
// Simplifications: the file is standard JSON (fastjson writes the queue ids as bare numbers,
// `{0:12}`, which load also accepts); no offset-history persistence, no scan for unsubscribed
// topics, no dataVersion (5.x). rmqsim's own addition: the table is private and counts its changes
// (changeCount; a commit of the offset already stored is none), so that the file's text is encoded
// once a change rather than every 5 s, and a slave skips a master's answer it has installed already.
// (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
import { z } from 'zod';
import type { Env } from '../env.ts';
import { configPath, JsonTableConfigManager, FIRST_PERSIST_DELAY_MS } from './config-manager.ts';
import { json, outOfObjectOrder } from './json-bytes.ts';
import { parseFastjson } from '../protocol/fastjson.ts';

export const TOPIC_GROUP_SEPARATOR = '@';

/** consumerOffset.json, and the GET_ALL_CONSUMER_OFFSET body (ConsumerOffsetSerializeWrapper). */
export const consumerOffsetWrapperSchema = z.object({
  offsetTable: z.record(z.string(), z.record(z.string().regex(/^\d+$/), z.number().int())),
});

export class ConsumerOffsetManager extends JsonTableConfigManager {
  private table = new Map<string, Map<number, number>>();
  private readonly keys = new Map<string, Map<string, string>>();

  constructor(
    env: Env,
    private readonly storePathRootDir: string,
  ) {
    super(env);
  }

  configFilePath(): string {
    return configPath(this.storePathRootDir, 'consumerOffset.json');
  }

  /** Persists after 10 s, then every `intervalMs` (flushConsumerOffsetInterval), as BrokerController does. */
  start(intervalMs: number): void {
    this.persistPeriodically(FIRST_PERSIST_DELAY_MS, intervalMs);
  }

  /** Stops the periodic persist and writes the table once more. */
  shutdown(done: () => void): void {
    this.stopPersisting();
    this.persist(done);
  }

  /** `topic@group` → queueId → offset, to read (every change goes through this manager). */
  get offsetTable(): ReadonlyMap<string, ReadonlyMap<number, number>> {
    return this.table;
  }

  commitOffset(clientHost: string, group: string, topic: string, queueId: number, offset: number): void {
    const key = this.keyOf(topic, group);
    let queues = this.table.get(key);
    if (queues === undefined) this.table.set(key, (queues = new Map()));
    const stored = queues.get(queueId);
    if (stored !== offset) {
      queues.set(queueId, offset);
      this.tableChanged();
    }
    if (stored !== undefined && offset < stored) {
      this.env.probe('broker.offset-lowered');
      this.env.trace('broker.offset-lowered', { clientHost, key, queueId, offset, stored });
    }
  }

  /** The committed offset, or -1 if there is none. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.table.get(this.keyOf(topic, group))?.get(queueId) ?? -1;
  }

  /** `key`'s queues become these (a slave's copy of its master's, as 4.9's putAll); no change if equal. */
  putOffsets(key: string, queues: Iterable<readonly [number, number]>): void {
    const next = new Map(queues);
    const held = this.table.get(key);
    if (held !== undefined && sameOffsets(held, next)) return;
    this.table.set(key, next);
    this.tableChanged();
  }

  /** `topic@group`, made once a pair: every commit and query looks its queues up by it. */
  private keyOf(topic: string, group: string): string {
    let byGroup = this.keys.get(topic);
    if (byGroup === undefined) this.keys.set(topic, (byGroup = new Map()));
    let key = byGroup.get(group);
    if (key === undefined) byGroup.set(group, (key = topic + TOPIC_GROUP_SEPARATOR + group));
    return key;
  }

  /** Forgets every topic's offsets of `group` (DELETE_SUBSCRIPTIONGROUP with cleanOffset). */
  removeOffset(group: string): void {
    for (const key of [...this.table.keys()]) {
      const parts = key.split(TOPIC_GROUP_SEPARATOR);
      if (parts.length === 2 && parts[1] === group) {
        this.table.delete(key);
        this.tableChanged();
        this.env.trace('broker.offset-removed', { key });
      }
    }
  }

  /**
   * JSON.stringify({ offsetTable }, null, '\t') of the table as objects (keys in an object's order).
   * Written straight from the maps: it is rewritten every 5 s.
   */
  protected write(): void {
    json.reset();
    json.raw('{\n\t"offsetTable": {');
    let firstKey = true;
    for (const key of outOfObjectOrder(this.table) ?? this.table.keys()) {
      if (key === '__proto__') continue; // an object literal's assignment sets its prototype instead
      json.raw(firstKey ? '\n\t\t' : ',\n\t\t');
      firstKey = false;
      json.string(key);
      json.raw(': ');
      json.numbers(this.queuesInObjectOrder(key), 2);
    }
    json.raw(firstKey ? '}\n}' : '\n\t}\n}');
  }

  /**
   * `key`'s queues, in the order of the file (an object's order: ids ascending). A queue first
   * committed out of that order (a consumer of queues 2 and 3 before the one of 0 and 1) has its
   * map rebuilt in it once, so later writes sort nothing.
   */
  private queuesInObjectOrder(key: string): Map<number, number> {
    const queues = this.table.get(key)!;
    const sorted = outOfObjectOrder(queues);
    if (sorted === undefined) return queues;
    const rebuilt = new Map(sorted.map((queueId) => [queueId, queues.get(queueId)!]));
    this.table.set(key, rebuilt);
    return rebuilt;
  }

  decode(text: string): void {
    const { offsetTable } = consumerOffsetWrapperSchema.parse(parseFastjson(text));
    this.table = new Map(
      Object.entries(offsetTable).map(([key, queues]) => [
        key,
        new Map(Object.entries(queues).map(([queueId, offset]) => [Number(queueId), offset])),
      ]),
    );
    this.tableChanged();
  }
}

function sameOffsets(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [queueId, offset] of a) if (b.get(queueId) !== offset) return false;
  return true;
}
