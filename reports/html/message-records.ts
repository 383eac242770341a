// The CommitLog records of a message, as the final stores hold them: for each broker still running
// at the end, the records indexed under the message's key in the workload's topic and in each
// group's retry and dead-letter topics (and the delay topic a retry waits in), read back as the
// raw bytes at their physical offset. Done at report time, so only for the messages a report shows.
import type { BrokerController } from '../../core/broker/broker-controller.ts';
import { decodeRecordFields, type RecordField } from './record-fields.ts';

export interface StoredRecord {
  broker: string;
  topic: string;
  commitLogOffset: number;
  size: number;
  fields: RecordField[];
}

/** Copies of one message a store may hold under one key (retries of retries included). */
const MAX_PER_TOPIC = 32;

/** The topics a message's copies can live in: RocketMQ's names for retry, DLQ and delay topics. */
export function messageTopics(topic: string, groups: readonly string[]): string[] {
  return [topic, ...groups.flatMap((g) => [`%RETRY%${g}`, `%DLQ%${g}`]), 'SCHEDULE_TOPIC_XXXX'];
}

export function storedRecords(
  brokers: ReadonlyMap<string, BrokerController>,
  topics: readonly string[],
  key: string,
): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const [broker, controller] of brokers) {
    const store = controller.ctx.store;
    for (const topic of topics) {
      for (const message of store.queryMessage(topic, key, MAX_PER_TOPIC, 0, Number.MAX_SAFE_INTEGER)) {
        // The index answers by hash, as RocketMQ's does; the client side checks the key.
        if (!message.keyList().includes(key) && message.getProperty('UNIQ_KEY') !== key) continue;
        const bytes = store.commitLog.read(message.commitLogOffset, message.storeSize);
        if (bytes === undefined) continue;
        const { commitLogOffset, storeSize: size } = message;
        out.push({ broker, topic, commitLogOffset, size, fields: decodeRecordFields(bytes) });
      }
    }
  }
  return out;
}
