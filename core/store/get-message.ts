// A pull's read of the store (DefaultMessageStore.getMessage): check the offset against the
// ConsumeQueue's bounds, then walk its entries from the offset, skip those whose tag hash does not
// match, read each record from the CommitLog, and stop when the batch is full or after 16,000
// bytes of entries (maxFilterMessageCount: 800 entries, more for a larger batch). The statuses and
// the next offsets are RocketMQ 4.9.8's: a bad offset is corrected to the queue's bounds (on a
// slave only with offsetCheckInSlave), and the master suggests a slave when the consumer reads
// further behind the end than the in-memory share of physical memory.
// Simplifications: no SQL92 filter on properties, no commit-log-side filtering, messages are
// decoded (RocketMQ hands out buffers), unless the caller brings a RecordReader that reads the
// fields it needs off the bytes in place.
import { newDiskSpan, type DiskSpan } from '../env.ts';
import type { ByteArena } from '../message/bytes.ts';
import { MessageExt } from '../message/message.ts';
import { decodeRecord } from './commit-log-record.ts';
import type { CommitLog } from './commit-log.ts';
import { CQ_STORE_UNIT_SIZE, type CqEntryBuffer } from './consume-queue-entry.ts';
import type { ConsumeQueue } from './consume-queue.ts';
import type { MessageStoreConfig } from './message-store-config.ts';

export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  messages: MessageExt[];
  suggestPullingFromSlave: boolean;
}

/**
 * What a read does with each record's bytes instead of decoding a MessageExt (GetMessageResult's
 * messages then stay empty): read what it needs in place, at once, from bytes[start, end), and
 * say whether they hold a valid record (false: as a record decodeRecord refuses).
 */
export interface RecordReader {
  read(bytes: Uint8Array, start: number, end: number): boolean;
}

/** Matches a ConsumeQueue entry's tagsCode against a subscription (RocketMQ's MessageFilter). */
export type TagsCodeFilter = (tagsCode: number) => boolean;

export interface GetMessageRequest {
  offset: number;
  maxMsgNums: number;
  filter?: TagsCodeFilter;
}

export function getMessage(
  commitLog: CommitLog,
  cq: ConsumeQueue | undefined,
  config: MessageStoreConfig,
  request: GetMessageRequest,
  reader?: RecordReader,
): GetMessageResult {
  const { offset, maxMsgNums } = request;
  if (cq === undefined) return answer('NO_MATCHED_LOGIC_QUEUE', corrected(config, offset, 0), 0, 0);
  const minOffset = cq.minOffsetInQueue();
  const maxOffset = cq.maxOffsetInQueue();
  if (maxOffset === 0)
    return answer('NO_MESSAGE_IN_QUEUE', corrected(config, offset, 0), minOffset, maxOffset);
  if (offset < minOffset) {
    return answer('OFFSET_TOO_SMALL', corrected(config, offset, minOffset), minOffset, maxOffset);
  }
  if (offset === maxOffset) return answer('OFFSET_OVERFLOW_ONE', offset, minOffset, maxOffset);
  if (offset > maxOffset) {
    return answer('OFFSET_OVERFLOW_BADLY', corrected(config, offset, maxOffset), minOffset, maxOffset);
  }
  // maxFilterMessageCount is in bytes of ConsumeQueue: at most 800 entries are looked at by default.
  const entries = cq.selectIndexBuffer(
    offset,
    Math.max(16_000, maxMsgNums * CQ_STORE_UNIT_SIZE) / CQ_STORE_UNIT_SIZE,
  );
  if (entries.length === 0) {
    const units = config.mappedFileSizeConsumeQueue / CQ_STORE_UNIT_SIZE;
    const nextFile = offset + units - (offset % units);
    return answer('OFFSET_FOUND_NULL', corrected(config, offset, nextFile), minOffset, maxOffset);
  }
  const result = answer('NO_MATCHED_MESSAGE', offset, minOffset, maxOffset);
  readEntries(commitLog, config, entries, request, result, reader);
  return result;
}

/** A result with no messages yet. */
function answer(
  status: GetMessageStatus,
  nextBeginOffset: number,
  minOffset: number,
  maxOffset: number,
): GetMessageResult {
  return { status, nextBeginOffset, minOffset, maxOffset, messages: [], suggestPullingFromSlave: false };
}

/** A bad offset is corrected to `next`, on a slave only with offsetCheckInSlave. */
function corrected(config: MessageStoreConfig, offset: number, next: number): number {
  return config.brokerRole !== 'SLAVE' || config.offsetCheckInSlave ? next : offset;
}

/** Reads the records the entries point to into `result` (status, messages, next offset, slave hint). */
function readEntries(
  commitLog: CommitLog,
  config: MessageStoreConfig,
  entries: CqEntryBuffer,
  { offset, maxMsgNums, filter }: GetMessageRequest,
  result: GetMessageResult,
  reader: RecordReader | undefined,
): void {
  const maxOffsetPy = commitLog.maxOffset();
  const inMemory = (config.physicalMemoryBytes * config.accessMessageInMemoryMaxRatio) / 100;
  let found = 0;
  let bytes = 0;
  let nextPhyFileStart = -1;
  let maxPhyOffsetPulling = 0;
  let i = 0;
  for (; i < entries.length; i++) {
    const commitLogOffset = entries.commitLogOffsetAt(i);
    const size = entries.sizeAt(i);
    maxPhyOffsetPulling = commitLogOffset;
    if (nextPhyFileStart >= 0 && commitLogOffset < nextPhyFileStart) continue;
    if (isBatchFull(config, size, maxMsgNums, bytes, found, maxOffsetPy - commitLogOffset > inMemory)) break;
    if (filter !== undefined && !filter(entries.tagsCodeAt(i))) continue;
    const valid =
      commitLog.selectMappedBuffer(commitLogOffset, size, record) &&
      (reader === undefined
        ? decodeInto(record, result.messages, commitLog.copies)
        : reader.read(record.bytes, record.start, record.end));
    if (!valid) {
      if (found === 0) result.status = 'MESSAGE_WAS_REMOVING';
      nextPhyFileStart = commitLog.rollNextFile(commitLogOffset);
      continue;
    }
    found++;
    bytes += size;
    result.status = 'FOUND';
    nextPhyFileStart = -1;
  }
  result.nextBeginOffset = offset + i;
  result.suggestPullingFromSlave = maxOffsetPy - maxPhyOffsetPulling > inMemory;
}

/** Where each record read lies: one span for every read, each decoded before the next. */
const record = newDiskSpan();

/** A pull's read: the record decoded into the result's messages, its bytes copied into `copies`. */
function decodeInto({ bytes, start, end }: DiskSpan, messages: MessageExt[], copies: ByteArena): boolean {
  const decoded = decodeRecord(bytes, start, false, end, copies);
  if (!(decoded instanceof MessageExt)) return false;
  messages.push(decoded);
  return true;
}

function isBatchFull(
  config: MessageStoreConfig,
  sizePy: number,
  maxMsgNums: number,
  bufferTotal: number,
  messageTotal: number,
  isInDisk: boolean,
): boolean {
  if (bufferTotal === 0 || messageTotal === 0) return false;
  if (maxMsgNums <= messageTotal) return true;
  const maxBytes = isInDisk
    ? config.maxTransferBytesOnMessageInDisk
    : config.maxTransferBytesOnMessageInMemory;
  const maxCount = isInDisk
    ? config.maxTransferCountOnMessageInDisk
    : config.maxTransferCountOnMessageInMemory;
  return bufferTotal + sizePy > maxBytes || messageTotal > maxCount - 1;
}
