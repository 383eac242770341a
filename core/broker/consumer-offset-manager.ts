// ConsumerOffsetManager: the broker's table of consumed offsets, `topic@group` → queueId →
// offset, kept in <storePathRootDir>/config/consumerOffset.json. A commit overwrites whatever
// was there, even a higher offset (RocketMQ only logs a warning; here a trace); a query for an
// unknown queue answers -1. The table is persisted 10 s after start and then every
// flushConsumerOffsetInterval (5 s), and at shutdown: a process kill keeps what the last persist
// wrote (page cache), a power loss keeps what its fsync made durable, so up to ~5 s of commits
// are lost and consumers re-consume them.
// Simplifications: the file is standard JSON (fastjson writes the queue ids as bare numbers,
// `{0:12}`, which load also accepts); no offset-history persistence, no scan for unsubscribed
// topics, no dataVersion (5.x).
// (…OffsetInterval are broker.conf periods in ms, not setInterval: the timers run on env.setTimer.)
import { z } from 'zod';
import type { Env } from '../env.ts';
import { ConfigManager, configPath, FIRST_PERSIST_DELAY_MS } from './config-manager.ts';
import { parseFastjson } from '../protocol/fastjson.ts';

export const TOPIC_GROUP_SEPARATOR = '@';

/** consumerOffset.json, and the GET_ALL_CONSUMER_OFFSET body (ConsumerOffsetSerializeWrapper). */
export const consumerOffsetWrapperSchema = z.object({
  offsetTable: z.record(z.string(), z.record(z.string().regex(/^\d+$/), z.number().int())),
});

export class ConsumerOffsetManager extends ConfigManager {
  offsetTable = new Map<string, Map<number, number>>();

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

  commitOffset(clientHost: string, group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + TOPIC_GROUP_SEPARATOR + group;
    let queues = this.offsetTable.get(key);
    if (queues === undefined) this.offsetTable.set(key, (queues = new Map()));
    const stored = queues.get(queueId);
    queues.set(queueId, offset);
    if (stored !== undefined && offset < stored) {
      this.env.probe('broker.offset-lowered');
      this.env.trace('broker.offset-lowered', { clientHost, key, queueId, offset, stored });
    }
  }

  /** The committed offset, or -1 if there is none. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsetTable.get(topic + TOPIC_GROUP_SEPARATOR + group)?.get(queueId) ?? -1;
  }

  /** Forgets every topic's offsets of `group` (DELETE_SUBSCRIPTIONGROUP with cleanOffset). */
  removeOffset(group: string): void {
    for (const key of [...this.offsetTable.keys()]) {
      const parts = key.split(TOPIC_GROUP_SEPARATOR);
      if (parts.length === 2 && parts[1] === group) {
        this.offsetTable.delete(key);
        this.env.trace('broker.offset-removed', { key });
      }
    }
  }

  encode(): string {
    const offsetTable: Record<string, Record<string, number>> = {};
    for (const [key, queues] of this.offsetTable) offsetTable[key] = Object.fromEntries(queues);
    return JSON.stringify({ offsetTable }, null, '\t');
  }

  decode(text: string): void {
    const { offsetTable } = consumerOffsetWrapperSchema.parse(parseFastjson(text));
    this.offsetTable = new Map(
      Object.entries(offsetTable).map(([key, queues]) => [
        key,
        new Map(Object.entries(queues).map(([queueId, offset]) => [Number(queueId), offset])),
      ]),
    );
  }
}
