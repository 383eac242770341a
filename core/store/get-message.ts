// A pull's read of the store (DefaultMessageStore.getMessage): check the offset against the
// ConsumeQueue's bounds, then walk its entries from the offset, skip those whose tag hash does not
// match, read each record from the CommitLog, and stop when the batch is full or after 16,000
// bytes of entries (maxFilterMessageCount: 800 entries, more for a larger batch). The statuses and
// the next offsets are RocketMQ 4.9.8's: a bad offset is corrected to the queue's bounds (on a
// slave only with offsetCheckInSlave), and the master suggests a slave when the consumer reads
// further behind the end than the in-memory share of physical memory.
// Simplifications: no SQL92 filter on properties, no commit-log-side filtering, messages are
// decoded (RocketMQ hands out buffers).
import type { MessageExt } from '../message/message.ts';
import { checkRecord } from './commit-log-record.ts';
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
  { offset, maxMsgNums, filter }: GetMessageRequest,
): GetMessageResult {
  const correct = (next: number) =>
    config.brokerRole !== 'SLAVE' || config.offsetCheckInSlave ? next : offset;
  const empty = { messages: [], suggestPullingFromSlave: false };
  if (cq === undefined) {
    return {
      status: 'NO_MATCHED_LOGIC_QUEUE',
      nextBeginOffset: correct(0),
      minOffset: 0,
      maxOffset: 0,
      ...empty,
    };
  }
  const minOffset = cq.minOffsetInQueue();
  const maxOffset = cq.maxOffsetInQueue();
  const bounds = { minOffset, maxOffset, ...empty };
  if (maxOffset === 0) return { status: 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: correct(0), ...bounds };
  if (offset < minOffset)
    return { status: 'OFFSET_TOO_SMALL', nextBeginOffset: correct(minOffset), ...bounds };
  if (offset === maxOffset) return { status: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: offset, ...bounds };
  if (offset > maxOffset)
    return { status: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: correct(maxOffset), ...bounds };
  // maxFilterMessageCount is in bytes of ConsumeQueue: at most 800 entries are looked at by default.
  const entries = cq.getIndexBuffer(
    offset,
    Math.max(16_000, maxMsgNums * CQ_STORE_UNIT_SIZE) / CQ_STORE_UNIT_SIZE,
  );
  if (entries.length === 0) {
    const units = config.mappedFileSizeConsumeQueue / CQ_STORE_UNIT_SIZE;
    const nextFile = offset + units - (offset % units);
    return { status: 'OFFSET_FOUND_NULL', nextBeginOffset: correct(nextFile), ...bounds };
  }
  return readEntries(commitLog, config, entries, { offset, maxMsgNums, filter }, { minOffset, maxOffset });
}

function readEntries(
  commitLog: CommitLog,
  config: MessageStoreConfig,
  entries: CqEntryBuffer,
  { offset, maxMsgNums, filter }: GetMessageRequest,
  { minOffset, maxOffset }: Pick<GetMessageResult, 'minOffset' | 'maxOffset'>,
): GetMessageResult {
  const maxOffsetPy = commitLog.maxOffset();
  const inMemory = (config.physicalMemoryBytes * config.accessMessageInMemoryMaxRatio) / 100;
  const messages: MessageExt[] = [];
  let status: GetMessageStatus = 'NO_MATCHED_MESSAGE';
  let bytes = 0;
  let nextPhyFileStart = -1;
  let maxPhyOffsetPulling = 0;
  let i = 0;
  for (; i < entries.length; i++) {
    const { commitLogOffset, size, tagsCode } = entries.at(i);
    maxPhyOffsetPulling = commitLogOffset;
    if (nextPhyFileStart >= 0 && commitLogOffset < nextPhyFileStart) continue;
    if (
      isBatchFull(config, size, maxMsgNums, bytes, messages.length, maxOffsetPy - commitLogOffset > inMemory)
    )
      break;
    if (filter !== undefined && !filter(tagsCode)) continue;
    const record = commitLog.read(commitLogOffset, size);
    const decoded = record && checkRecord(record, 0, { checkCRC: false });
    if (decoded === undefined || decoded.kind !== 'valid') {
      if (messages.length === 0) status = 'MESSAGE_WAS_REMOVING';
      nextPhyFileStart = commitLog.rollNextFile(commitLogOffset);
      continue;
    }
    messages.push(decoded.record);
    bytes += size;
    status = 'FOUND';
    nextPhyFileStart = -1;
  }
  const suggestPullingFromSlave = maxOffsetPy - maxPhyOffsetPulling > inMemory;
  return { status, nextBeginOffset: offset + i, minOffset, maxOffset, messages, suggestPullingFromSlave };
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
  const [maxBytes, maxCount] = isInDisk
    ? [config.maxTransferBytesOnMessageInDisk, config.maxTransferCountOnMessageInDisk]
    : [config.maxTransferBytesOnMessageInMemory, config.maxTransferCountOnMessageInMemory];
  return bufferTotal + sizePy > maxBytes || messageTotal > maxCount - 1;
}
