// Recovery at start, as RocketMQ 4.x's DefaultMessageStore.recover does it:
// 1. every ConsumeQueue keeps its entries up to the first invalid one (maxPhyOffsetOfCQ);
// 2. the CommitLog is validated with CRC:
//    - after a clean shutdown (no abort file), from the third-last file up to the first record
//      that fails; nothing is re-dispatched (reput catches up from the queues' end);
//    - after a crash, from the last file whose first record is older than the checkpoint's
//      minimum timestamp; every valid record from there is dispatched again (idempotent);
//    the CommitLog is cut at the first invalid record (processOffset);
// 3. ConsumeQueues holding entries at or past processOffset are cut there;
// 4. each queue's next offset is taken from its ConsumeQueue, and its minimum corrected.
// Simplification: a CommitLog file is read whole into memory to validate it.
import type { Env } from '../env.ts';
import {
  BODY_CRC_MISMATCH,
  checkRecordForDispatch,
  DispatchRequest,
  readDispatchRequest,
} from './commit-log-record.ts';
import type { CommitLog } from './commit-log.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { MappedFile } from './mapped-file.ts';
import type { MessageStoreConfig } from './message-store-config.ts';
import { deliverTimestampFor } from './reput-message-service.ts';
import type { StoreCheckpoint } from './store-checkpoint.ts';

export interface RecoveryParts {
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueStore;
  readonly checkpoint: StoreCheckpoint;
  readonly config: MessageStoreConfig;
  /** Dispatch to the ConsumeQueue and the index, for abnormal recovery's re-dispatch. */
  readonly dispatch: (request: DispatchRequest) => void;
  readonly probe: Env['probe'];
}

export interface RecoveryReport {
  lastExitOK: boolean;
  /** The largest end of a ConsumeQueue entry before recovery (-1: none). */
  maxPhyOffsetOfConsumeQueue: number;
  /** Where the valid CommitLog ends; everything after it was cut. */
  processOffset: number;
  /** The file recovery started validating from. */
  fromFileOffset: number;
  redispatched: number;
  truncatedBytes: number;
}

export function recoverStore(parts: RecoveryParts, lastExitOK: boolean): RecoveryReport {
  const maxPhyOffsetOfConsumeQueue = parts.consumeQueues.recover();
  const queue = parts.commitLog.queue;
  const before = queue.maxOffset();
  const start = lastExitOK ? Math.max(0, queue.files.length - 3) : abnormalStartIndex(parts);
  if (!lastExitOK && start < queue.files.length - 1) parts.probe('store.recover-from-earlier-file');
  const scan = scanCommitLog(parts, start, lastExitOK ? undefined : parts.dispatch);
  if (scan.processOffset < before) parts.probe('store.recover-cut-invalid-record');
  queue.flushedWhere = scan.processOffset;
  queue.truncateDirtyFiles(scan.processOffset);
  if (maxPhyOffsetOfConsumeQueue >= scan.processOffset) {
    if (maxPhyOffsetOfConsumeQueue > scan.processOffset) parts.probe('store.recover-cq-truncated');
    parts.consumeQueues.truncateDirtyLogicFiles(scan.processOffset);
  }
  recoverTopicQueueTable(parts);
  return {
    lastExitOK,
    maxPhyOffsetOfConsumeQueue,
    processOffset: scan.processOffset,
    fromFileOffset: queue.files[start]?.fileFromOffset ?? 0,
    redispatched: scan.redispatched,
    truncatedBytes: before - queue.maxOffset(),
  };
}

/** The last file whose first record was stored before the checkpoint's minimum time, else 0. */
function abnormalStartIndex({ commitLog, checkpoint, config }: RecoveryParts): number {
  const files = commitLog.queue.files;
  const safe =
    config.messageIndexEnable && config.messageIndexSafe
      ? checkpoint.minTimestampIndex()
      : checkpoint.minTimestamp();
  for (let i = files.length - 1; i >= 0; i--) {
    const first = firstRecordTimestamp(files[i]!);
    if (first !== undefined && first !== 0 && first <= safe) return i;
  }
  return 0;
}

function firstRecordTimestamp(file: MappedFile): number | undefined {
  const head = file.readRaw(0, Math.min(file.fileSize, 1 << 16));
  const result = checkRecordForDispatch(head, 0, { checkCRC: false });
  return result.kind === 'valid' ? result.record.storeTimestamp : undefined;
}

/** Validates records from file `index` on; returns where the valid log ends. */
function scanCommitLog(parts: RecoveryParts, index: number, redispatch?: (r: DispatchRequest) => void) {
  const files = parts.commitLog.queue.files;
  const options = {
    checkCRC: parts.config.checkCRCOnRecover,
    deliverTimestamp: deliverTimestampFor(parts.config),
  };
  const request = new DispatchRequest();
  let redispatched = 0;
  for (; index < files.length; index++) {
    const file = files[index]!;
    const bytes = file.readRaw(0, file.fileSize);
    let pos = 0;
    for (;;) {
      const failure = readDispatchRequest(bytes, pos, options, request);
      if (failure?.kind === 'end-of-file' && index + 1 < files.length) break;
      if (failure?.kind === 'corrupt' && failure.reason === BODY_CRC_MISMATCH)
        parts.probe('store.recover-crc-mismatch');
      if (failure !== undefined) return { processOffset: file.fileFromOffset + pos, redispatched };
      redispatch?.(request);
      redispatched += redispatch ? 1 : 0;
      pos += request.storeSize;
    }
  }
  return { processOffset: parts.commitLog.queue.maxOffset(), redispatched };
}

function recoverTopicQueueTable({ commitLog, consumeQueues }: RecoveryParts): void {
  commitLog.topicQueueTable.clear();
  for (const cq of consumeQueues) {
    commitLog.topicQueueTable.set(`${cq.topic}-${cq.queueId}`, cq.maxOffsetInQueue());
  }
  consumeQueues.correctMinOffset(commitLog.minOffset());
}
