// What a put returns (RocketMQ's PutMessageResult): a status and, when the message was stored,
// where. FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT and SLAVE_NOT_AVAILABLE mean the message IS
// stored; only the promise about its durability or replication was not kept in time.
// Spelling follows 4.x (CREATE_MAPEDFILE_FAILED, OS_PAGECACHE_BUSY).

export type PutMessageStatus =
  | 'PUT_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE'
  | 'SERVICE_NOT_AVAILABLE'
  | 'CREATE_MAPEDFILE_FAILED'
  | 'MESSAGE_ILLEGAL'
  | 'PROPERTIES_SIZE_EXCEEDED'
  | 'OS_PAGECACHE_BUSY'
  | 'UNKNOWN_ERROR';

export interface AppendMessageResult {
  /** Physical offset of the record in the CommitLog. */
  wroteOffset: number;
  wroteBytes: number;
  /** offsetMsgId: store host and physical offset. */
  msgId: string;
  storeTimestamp: number;
  /** The message's offset in its ConsumeQueue. */
  logicsOffset: number;
  /** Topic and queue it was stored under (SCHEDULE_TOPIC_XXXX for a delayed message). */
  topic: string;
  queueId: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  appendResult?: AppendMessageResult;
  /** Why, for a status that is not PUT_OK. */
  detail?: string;
}

/** The statuses after which the message is in the CommitLog. */
export function isStored(status: PutMessageStatus): boolean {
  return (
    status === 'PUT_OK' ||
    status === 'FLUSH_DISK_TIMEOUT' ||
    status === 'FLUSH_SLAVE_TIMEOUT' ||
    status === 'SLAVE_NOT_AVAILABLE'
  );
}
