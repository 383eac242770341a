// cq-consistent: a broker's ConsumeQueues agree with its CommitLog.
// - every entry between a queue's minimum and maximum offset points to a valid CommitLog record
//   (CRC checked) of that topic and queue, stored at that queue offset, with that size and tag code;
// - every valid record of the CommitLog from its minimum to the dispatched offset that gets a
//   queue entry (plain and committed messages) has one at its queue offset, pointing back at it.
// Entries below the CommitLog's minimum (deleted by retention) are not checked. A pure function of
// the store as it is; each violation says, in words, which entry or record and what is wrong.
import { checkRecordForDispatch, type DispatchRequest } from '../../core/store/commit-log-record.ts';
import { isQueued } from '../../core/store/commit-log.ts';
import type { DefaultMessageStore } from '../../core/store/message-store.ts';
import { deliverTimestampFor } from '../../core/store/reput-message-service.ts';

export interface CqViolation {
  topic: string;
  queueId: number;
  queueOffset: number;
  explanation: string;
}

export function checkCqConsistent(store: DefaultMessageStore): CqViolation[] {
  const records = validRecords(store);
  const pointedAt = new Uint8Array(records.list.length);
  return [
    ...entriesPointToRecords(store, records, pointedAt),
    ...recordsHaveEntries(store, records.list, pointedAt),
  ];
}

interface Records {
  list: DispatchRequest[];
  /** A record's place in `list`, by its CommitLog offset. */
  byOffset: Map<number, number>;
}

/** The valid records from the CommitLog's minimum to where dispatch has read. */
function validRecords(store: DefaultMessageStore): Records {
  const { commitLog, config } = store;
  const options = { checkCRC: true, deliverTimestamp: deliverTimestampFor(config) };
  const end = store.reput.reputFromOffset;
  const list: DispatchRequest[] = [];
  const byOffset = new Map<number, number>();
  for (const file of commitLog.queue.files) {
    const bytes = file.readRaw(0, file.fileSize);
    for (let pos = 0; file.fileFromOffset + pos < end;) {
      const result = checkRecordForDispatch(bytes, pos, options);
      if (result.kind !== 'valid') break;
      byOffset.set(result.record.commitLogOffset, list.length);
      list.push(result.record);
      pos += result.size;
    }
  }
  return { list, byOffset };
}

/**
 * Checks every entry; marks in `pointedAt` each record an entry at its own queue position points
 * to, so recordsHaveEntries reads again only the entries of the records left unmarked.
 */
function entriesPointToRecords(
  store: DefaultMessageStore,
  { list, byOffset }: Records,
  pointedAt: Uint8Array,
): CqViolation[] {
  const violations: CqViolation[] = [];
  const minPhysic = store.commitLog.minOffset();
  for (const cq of store.consumeQueues) {
    const { topic, queueId } = cq;
    for (let queueOffset = cq.minOffsetInQueue(); queueOffset < cq.maxOffsetInQueue(); queueOffset++) {
      const entry = cq.get(queueOffset);
      if (entry === undefined) {
        const explanation = `${entryAt(topic, queueId, queueOffset)} cannot be read, though below the queue's maximum`;
        violations.push({ topic, queueId, queueOffset, explanation });
        continue;
      }
      if (entry.commitLogOffset < minPhysic) continue;
      const index = byOffset.get(entry.commitLogOffset);
      const record = index === undefined ? undefined : list[index]!;
      if (record?.topic === topic && record.queueId === queueId && record.queueOffset === queueOffset)
        pointedAt[index!] = 1;
      const problem =
        record === undefined
          ? `points to CommitLog offset ${entry.commitLogOffset}, where no valid record starts`
          : mismatch(record, topic, queueId, queueOffset, entry.size, entry.tagsCode);
      if (problem === undefined) continue;
      const explanation = `${entryAt(topic, queueId, queueOffset)} ${problem}`;
      violations.push({ topic, queueId, queueOffset, explanation });
    }
  }
  return violations;
}

const entryAt = (topic: string, queueId: number, queueOffset: number) =>
  `ConsumeQueue ${topic}/${queueId} offset ${queueOffset}`;

function mismatch(
  record: DispatchRequest,
  topic: string,
  queueId: number,
  queueOffset: number,
  size: number,
  tagsCode: number,
): string | undefined {
  const same =
    record.topic === topic &&
    record.queueId === queueId &&
    record.queueOffset === queueOffset &&
    record.storeSize === size &&
    record.tagsCode === tagsCode;
  if (same) return undefined;
  const held = `${record.topic}/${record.queueId} offset ${record.queueOffset}, ${record.storeSize} B, tags ${record.tagsCode}`;
  const wanted = `${topic}/${queueId} offset ${queueOffset}, ${size} B, tags ${tagsCode}`;
  return `points to a record of ${held}, not ${wanted}`;
}

function recordsHaveEntries(
  store: DefaultMessageStore,
  records: DispatchRequest[],
  pointedAt: Uint8Array,
): CqViolation[] {
  const violations: CqViolation[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (pointedAt[i] === 1 || !isQueued(record.sysFlag)) continue;
    const { topic, queueId, queueOffset, commitLogOffset } = record;
    const cq = store.consumeQueues.find(topic, queueId);
    const entry = cq?.get(queueOffset);
    if (entry?.commitLogOffset === commitLogOffset) continue;
    const found =
      entry === undefined ? 'no entry there' : `an entry for CommitLog offset ${entry.commitLogOffset}`;
    violations.push({
      topic,
      queueId,
      queueOffset,
      explanation: `the record at CommitLog offset ${commitLogOffset} (${topic}/${queueId} queue offset ${queueOffset}) was dispatched, but its ConsumeQueue has ${found}`,
    });
  }
  return violations;
}
