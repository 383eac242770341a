// cq-consistent: a broker's ConsumeQueues agree with its CommitLog.
// - every entry between a queue's minimum and maximum offset points to a valid CommitLog record
//   (CRC checked) of that topic and queue, stored at that queue offset, with that size and tag code;
// - every valid record of the CommitLog from its minimum to the dispatched offset that gets a
//   queue entry (plain and committed messages) has one at its queue offset, pointing back at it.
// Entries below the CommitLog's minimum (deleted by retention) are not checked. A pure function of
// the store as it is; each violation says, in words, which entry or record and what is wrong.
import { DispatchRequest, readDispatchRequest } from '../../core/store/commit-log-record.ts';
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
  const pointedAt = new Uint8Array(records.topics.length);
  return [...entriesPointToRecords(store, records, pointedAt), ...recordsHaveEntries(store, records, pointedAt)];
}

/**
 * The records as columns, in CommitLog order: each read into one DispatchRequest and only the
 * fields the checks compare kept (no object, keys or UNIQ_KEY text a record).
 */
interface Records {
  readonly topics: string[];
  readonly queueIds: number[];
  readonly queueOffsets: number[];
  readonly commitLogOffsets: number[];
  readonly storeSizes: number[];
  readonly tagsCodes: number[];
  readonly sysFlags: number[];
  /** A record's place in the columns, by its CommitLog offset. */
  readonly byOffset: Map<number, number>;
}

/** The valid records from the CommitLog's minimum to where dispatch has read. */
function validRecords(store: DefaultMessageStore): Records {
  const { commitLog, config } = store;
  const options = { checkCRC: true, deliverTimestamp: deliverTimestampFor(config), keys: false };
  const end = store.reput.reputFromOffset;
  const records: Records = {
    topics: [],
    queueIds: [],
    queueOffsets: [],
    commitLogOffsets: [],
    storeSizes: [],
    tagsCodes: [],
    sysFlags: [],
    byOffset: new Map(),
  };
  const request = new DispatchRequest();
  for (const file of commitLog.queue.files) {
    const bytes = file.readRaw(0, file.fileSize);
    for (let pos = 0; file.fileFromOffset + pos < end;) {
      if (readDispatchRequest(bytes, pos, options, request) !== undefined) break;
      records.byOffset.set(request.commitLogOffset, records.topics.length);
      records.topics.push(request.topic);
      records.queueIds.push(request.queueId);
      records.queueOffsets.push(request.queueOffset);
      records.commitLogOffsets.push(request.commitLogOffset);
      records.storeSizes.push(request.storeSize);
      records.tagsCodes.push(request.tagsCode);
      records.sysFlags.push(request.sysFlag);
      pos += request.storeSize;
    }
  }
  return records;
}

/**
 * Checks every entry; marks in `pointedAt` each record an entry at its own queue position points
 * to, so recordsHaveEntries reads again only the entries of the records left unmarked.
 */
function entriesPointToRecords(
  store: DefaultMessageStore,
  records: Records,
  pointedAt: Uint8Array,
): CqViolation[] {
  const violations: CqViolation[] = [];
  const minPhysic = store.commitLog.minOffset();
  for (const cq of store.consumeQueues) {
    const { topic, queueId } = cq;
    const max = cq.maxOffsetInQueue();
    for (let queueOffset = cq.minOffsetInQueue(); queueOffset < max;) {
      // A file's entries at a time, read in place: no entry object each.
      const entries = cq.selectIndexBuffer(queueOffset, max - queueOffset);
      if (entries.length === 0) {
        const explanation = `${entryAt(topic, queueId, queueOffset)} cannot be read, though below the queue's maximum`;
        violations.push({ topic, queueId, queueOffset, explanation });
        queueOffset++;
        continue;
      }
      for (let i = 0; i < entries.length; i++, queueOffset++) {
        const commitLogOffset = entries.commitLogOffsetAt(i);
        if (commitLogOffset < minPhysic) continue;
        const index = records.byOffset.get(commitLogOffset);
        if (
          index !== undefined &&
          records.topics[index] === topic &&
          records.queueIds[index] === queueId &&
          records.queueOffsets[index] === queueOffset
        )
          pointedAt[index] = 1;
        const problem =
          index === undefined
            ? `points to CommitLog offset ${commitLogOffset}, where no valid record starts`
            : mismatch(records, index, topic, queueId, queueOffset, entries.sizeAt(i), entries.tagsCodeAt(i));
        if (problem === undefined) continue;
        const explanation = `${entryAt(topic, queueId, queueOffset)} ${problem}`;
        violations.push({ topic, queueId, queueOffset, explanation });
      }
    }
  }
  return violations;
}

const entryAt = (topic: string, queueId: number, queueOffset: number) =>
  `ConsumeQueue ${topic}/${queueId} offset ${queueOffset}`;

function mismatch(
  records: Records,
  index: number,
  topic: string,
  queueId: number,
  queueOffset: number,
  size: number,
  tagsCode: number,
): string | undefined {
  const heldTopic = records.topics[index]!;
  const heldQueueId = records.queueIds[index]!;
  const heldQueueOffset = records.queueOffsets[index]!;
  const heldSize = records.storeSizes[index]!;
  const heldTagsCode = records.tagsCodes[index]!;
  const same =
    heldTopic === topic &&
    heldQueueId === queueId &&
    heldQueueOffset === queueOffset &&
    heldSize === size &&
    heldTagsCode === tagsCode;
  if (same) return undefined;
  const was = `${heldTopic}/${heldQueueId} offset ${heldQueueOffset}, ${heldSize} B, tags ${heldTagsCode}`;
  const wanted = `${topic}/${queueId} offset ${queueOffset}, ${size} B, tags ${tagsCode}`;
  return `points to a record of ${was}, not ${wanted}`;
}

function recordsHaveEntries(store: DefaultMessageStore, records: Records, pointedAt: Uint8Array): CqViolation[] {
  const violations: CqViolation[] = [];
  for (let i = 0; i < pointedAt.length; i++) {
    if (pointedAt[i] === 1 || !isQueued(records.sysFlags[i]!)) continue;
    const topic = records.topics[i]!;
    const queueId = records.queueIds[i]!;
    const queueOffset = records.queueOffsets[i]!;
    const commitLogOffset = records.commitLogOffsets[i]!;
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
