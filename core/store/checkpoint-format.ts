// The StoreCheckpoint file: physicMsgTimestamp @0, logicsMsgTimestamp @8, indexMsgTimestamp @16,
// 8 bytes each, big-endian, in one 4096-byte page (RocketMQ maps OS_PAGE_SIZE; the rest stays 0).
// Abnormal recovery starts from the last CommitLog file whose first record is older than
// minTimestamp (or minTimestampIndex when the index must be safe too).
// Simplification: 4.x layout; 5.x's masterFlushedOffset @24 and confirmPhyOffset @32 are absent.
import { getInt64, setInt64, viewOf, zeroPadded } from '../message/bytes.ts';

export const CHECKPOINT_FILE_SIZE = 4096;

export interface StoreCheckpoint {
  physicMsgTimestamp: number;
  logicsMsgTimestamp: number;
  indexMsgTimestamp: number;
}

export function encodeCheckpoint(cp: StoreCheckpoint): Uint8Array {
  const out = new Uint8Array(CHECKPOINT_FILE_SIZE);
  const view = viewOf(out);
  setInt64(view, 0, cp.physicMsgTimestamp);
  setInt64(view, 8, cp.logicsMsgTimestamp);
  setInt64(view, 16, cp.indexMsgTimestamp);
  return out;
}

/** Bytes missing from a short or empty file read as 0, as in a freshly mapped zero-filled page. */
export function decodeCheckpoint(buf: Uint8Array): StoreCheckpoint {
  const view = viewOf(zeroPadded(buf, 24));
  return {
    physicMsgTimestamp: getInt64(view, 0),
    logicsMsgTimestamp: getInt64(view, 8),
    indexMsgTimestamp: getInt64(view, 16),
  };
}

/** 3 s before the older of the CommitLog and ConsumeQueue marks (RocketMQ issue #467), never < 0. */
export function minTimestamp(cp: StoreCheckpoint): number {
  return Math.max(0, Math.min(cp.physicMsgTimestamp, cp.logicsMsgTimestamp) - 3000);
}

export function minTimestampIndex(cp: StoreCheckpoint): number {
  return Math.min(minTimestamp(cp), cp.indexMsgTimestamp);
}
