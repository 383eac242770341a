// The CommitLog: every message of every topic, appended as V1 records to one MappedFileQueue
// under <root>/commitlog. The put path assigns the message its queue offset in its
// (topic, queueId), applies the end-of-file rule (a record goes into a file only if an 8-byte
// blank still fits after it; otherwise the blank fills the tail and the record opens the next
// file), rewrites a delayed message to SCHEDULE_TOPIC_XXXX (as 4.x's CommitLog.putMessage does),
// and stamps store time and host. Flushing is the flush services' job (commit-log-flush.ts).
// A put that needs a new file the disk cannot hold (its blocks are reserved whole at creation,
// MappedFileQueue) answers CREATE_MAPEDFILE_FAILED and stores nothing; when the record did not
// fit the last file, that file keeps the END_OF_FILE blank written first, as in 4.9, and the next
// put tries the creation again.
// Simplifications: one put at a time (a handler runs to completion, so no put lock is needed);
// a disk error on append (only the live disk, whose files are not preallocated, can fail there)
// answers UNKNOWN_ERROR (RocketMQ would crash on a SIGBUS of the mmap).
import { DiskError, newDiskSpan, type DiskSpan, type Env } from '../env.ts';
import type { Host } from '../message/host.ts';
import { encodeOffsetMsgId } from '../message/message-id.ts';
import { ByteArena, withRoom } from '../message/bytes.ts';
import {
  MessageConst,
  MessageSysFlag,
  parseJavaInt,
  SCHEDULE_TOPIC,
  transactionType,
} from '../message/message.ts';
import {
  encodeBlank,
  fitsBeforeEndOfFile,
  measureRecord,
  writeRecord,
  type RecordFields,
  type RecordPlacement,
} from './commit-log-record.ts';
import { MappedFileQueue } from './mapped-file-queue.ts';
import { parseDelayLevels, type MessageStoreConfig } from './message-store-config.ts';
import type { PutMessageResult } from './put-message-result.ts';

/** A message as the broker hands it to the store; the store fills in where and when. */
export type PutMessageRequest = RecordFields;

export class CommitLog {
  readonly queue: MappedFileQueue;
  /** `${topic}-${queueId}` to the next queue offset (RocketMQ's topicQueueTable). */
  readonly topicQueueTable = new Map<string, number>();
  /** Store time of the last appended record (a MappedFile's storeTimestamp, for the checkpoint). */
  lastStoreTimestamp = 0;
  private readonly maxDelayLevel: number;
  /** Each put encodes its record here (RocketMQ's encoder buffer), then the file copies it. */
  private encoded = new Uint8Array(4096);
  /** Where the messages a pull decodes get their bytes (getMessage). */
  readonly copies = new ByteArena();
  /** The view read() and getData() cut. */
  private readonly span = newDiskSpan();
  /** Where and when the record being put goes, refilled by each put. */
  private readonly placement: RecordPlacement;

  constructor(
    private readonly env: Env,
    private readonly config: MessageStoreConfig,
    private readonly storeHost: Host,
  ) {
    this.queue = new MappedFileQueue(
      env.disk,
      `${config.storePathRootDir}/commitlog`,
      config.mappedFileSizeCommitLog,
    );
    this.maxDelayLevel = parseDelayLevels(config.messageDelayLevel).length;
    this.placement = { queueOffset: 0, commitLogOffset: 0, storeTimestamp: 0, storeHost };
  }

  /** Appends one message; the status is PUT_OK or why it was not stored. Flushing comes after. */
  append(request: PutMessageRequest): PutMessageResult {
    const message = this.rewriteDelayed(request);
    const size = measureRecord(message);
    if (typeof size !== 'number') return { status: size.status, detail: size.detail };
    if (message.body.length > this.config.maxMessageSize) {
      return {
        status: 'MESSAGE_ILLEGAL',
        detail: `body exceeds maxMessageSize ${this.config.maxMessageSize}`,
      };
    }
    if (!fitsBeforeEndOfFile(size, this.queue.fileSize)) {
      return {
        status: 'UNKNOWN_ERROR',
        detail: `a record of ${size} B cannot fit in a ${this.queue.fileSize} B file`,
      };
    }
    try {
      return this.appendRecord(message, size);
    } catch (error) {
      if (!(error instanceof DiskError)) throw error;
      return { status: 'UNKNOWN_ERROR', detail: error.message };
    }
  }

  maxOffset(): number {
    return this.queue.maxOffset();
  }

  minOffset(): number {
    return this.queue.minOffset();
  }

  /**
   * The record bytes at `offset` (a CQ entry's commitLogOffset and size), in place as RocketMQ's
   * selectMappedBuffer gives them (Disk.view): `span` gets them, with no object made, for a
   * caller that decodes them at once. False when the log does not hold `size` bytes there.
   */
  selectMappedBuffer(offset: number, size: number, span: DiskSpan): boolean {
    const file = this.queue.findByOffset(offset);
    if (file === undefined) return false;
    file.view(offset - file.fileFromOffset, size, span);
    return span.end - span.start === size;
  }

  /** selectMappedBuffer's bytes as an array of their own range (still in place). */
  read(offset: number, size: number): Uint8Array | undefined {
    const span = this.span;
    return this.selectMappedBuffer(offset, size, span)
      ? span.bytes.subarray(span.start, span.end)
      : undefined;
  }

  /** Written bytes from `offset` to the end of its file, in place (getData): what dispatch reads. */
  getData(offset: number): Uint8Array | undefined {
    const file = this.queue.findByOffset(offset);
    if (file === undefined) return undefined;
    const position = offset - file.fileFromOffset;
    const span = this.span;
    file.view(position, file.wrotePosition - position, span);
    return span.bytes.subarray(span.start, span.end);
  }

  /** getData's bytes, copied: what replication sends. */
  readFrom(offset: number): Uint8Array | undefined {
    return this.getData(offset)?.slice();
  }

  /** The start offset of the file after the one holding `offset` (a reader's roll). */
  rollNextFile(offset: number): number {
    return offset + this.queue.fileSize - (offset % this.queue.fileSize);
  }

  private appendRecord(message: PutMessageRequest, size: number): PutMessageResult {
    let file = this.queue.lastForAppend();
    if (file !== undefined && !fitsBeforeEndOfFile(size, file.remaining)) {
      this.env.probe('store.commitlog-file-roll');
      file.append(encodeBlank(file.remaining));
      file.wrotePosition = file.fileSize;
      file = this.queue.lastForAppend();
    }
    if (file === undefined) {
      this.env.probe('store.put-disk-error');
      const detail = `create mapped file failed: no room on the disk for a ${this.queue.fileSize} B file`;
      return { status: 'CREATE_MAPEDFILE_FAILED', detail };
    }
    const key = `${message.topic}-${message.queueId}`;
    const tracked = isQueued(message.sysFlag);
    const queueOffset = tracked ? (this.topicQueueTable.get(key) ?? 0) : 0;
    const commitLogOffset = file.fileFromOffset + file.wrotePosition;
    const storeTimestamp = this.env.now();
    const placement = this.placement;
    placement.queueOffset = queueOffset;
    placement.commitLogOffset = commitLogOffset;
    placement.storeTimestamp = storeTimestamp;
    this.encoded = withRoom(this.encoded, size);
    writeRecord(this.encoded, message, placement, size);
    file.append(this.encoded.subarray(0, size));
    if (tracked) this.topicQueueTable.set(key, queueOffset + 1);
    this.lastStoreTimestamp = file.storeTimestamp = storeTimestamp;
    const appendResult = {
      wroteOffset: commitLogOffset,
      wroteBytes: size,
      msgId: encodeOffsetMsgId(this.storeHost, commitLogOffset),
      storeTimestamp,
      logicsOffset: queueOffset,
      topic: message.topic,
      queueId: message.queueId,
    };
    return { status: 'PUT_OK', appendResult };
  }

  /** A message with a delay level goes to SCHEDULE_TOPIC_XXXX queue level-1, its real place kept. */
  private rewriteDelayed(request: PutMessageRequest): PutMessageRequest {
    const text = request.properties.get(MessageConst.DELAY);
    const level = text === undefined ? 0 : (parseJavaInt(text) ?? 0);
    if (level <= 0 || !isQueued(request.sysFlag)) return request;
    const capped = Math.min(level, this.maxDelayLevel);
    const properties = new Map(request.properties);
    properties.set(MessageConst.REAL_TOPIC, request.topic);
    properties.set(MessageConst.REAL_QID, String(request.queueId));
    properties.set(MessageConst.DELAY, String(capped));
    return { ...request, topic: SCHEDULE_TOPIC, queueId: capped - 1, properties };
  }
}

/** Only plain and committed transactional messages get a ConsumeQueue entry and a queue offset. */
export function isQueued(sysFlag: number): boolean {
  const type = transactionType(sysFlag);
  return type === MessageSysFlag.TRANSACTION_NOT_TYPE || type === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}
