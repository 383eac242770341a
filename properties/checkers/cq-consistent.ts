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
  return [...entriesPointToRecords(store, records.byOffset), ...recordsHaveEntries(store, records.list)];
}

interface Records {
  list: DispatchRequest[];
  byOffset: Map<number, DispatchRequest>;
}

/** The valid records from the CommitLog's minimum to where dispatch has read. */
function validRecords(store: DefaultMessageStore): Records {
  const { commitLog, config } = store;
  const options = { checkCRC: true, deliverTimestamp: deliverTimestampFor(config) };
  const end = store.reput.reputFromOffset;
  const list: DispatchRequest[] = [];
  for (const file of commitLog.queue.files) {
    const bytes = file.readRaw(0, file.fileSize);
    for (let pos = 0; file.fileFromOffset + pos < end;) {
      const result = checkRecordForDispatch(bytes, pos, options);
      if (result.kind !== 'valid') break;
      list.push(result.record);
      pos += result.size;
    }
  }
  return { list, byOffset: new Map(list.map((r) => [r.commitLogOffset, r])) };
}

function entriesPointToRecords(
  store: DefaultMessageStore,
  byOffset: Map<number, DispatchRequest>,
): CqViolation[] {
  const violations: CqViolation[] = [];
  const minPhysic = store.commitLog.minOffset();
  for (const cq of store.consumeQueues) {
    const where = { topic: cq.topic, queueId: cq.queueId };
    for (let queueOffset = cq.minOffsetInQueue(); queueOffset < cq.maxOffsetInQueue(); queueOffset++) {
      const entry = cq.get(queueOffset);
      const at = `ConsumeQueue ${cq.topic}/${cq.queueId} offset ${queueOffset}`;
      if (entry === undefined) {
        violations.push({
          ...where,
          queueOffset,
          explanation: `${at} cannot be read, though below the queue's maximum`,
        });
        continue;
      }
      if (entry.commitLogOffset < minPhysic) continue;
      const record = byOffset.get(entry.commitLogOffset);
      const problem =
        record === undefined
          ? `points to CommitLog offset ${entry.commitLogOffset}, where no valid record starts`
          : mismatch(record, cq.topic, cq.queueId, queueOffset, entry.size, entry.tagsCode);
      if (problem !== undefined) violations.push({ ...where, queueOffset, explanation: `${at} ${problem}` });
    }
  }
  return violations;
}

function mismatch(
  record: DispatchRequest,
  topic: string,
  queueId: number,
  queueOffset: number,
  size: number,
  tagsCode: number,
): string | undefined {
  const held = `${record.topic}/${record.queueId} offset ${record.queueOffset}, ${record.storeSize} B, tags ${record.tagsCode}`;
  const wanted = `${topic}/${queueId} offset ${queueOffset}, ${size} B, tags ${tagsCode}`;
  const same =
    record.topic === topic &&
    record.queueId === queueId &&
    record.queueOffset === queueOffset &&
    record.storeSize === size &&
    record.tagsCode === tagsCode;
  return same ? undefined : `points to a record of ${held}, not ${wanted}`;
}

function recordsHaveEntries(store: DefaultMessageStore, records: DispatchRequest[]): CqViolation[] {
  const violations: CqViolation[] = [];
  for (const record of records) {
    if (!isQueued(record.sysFlag)) continue;
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
