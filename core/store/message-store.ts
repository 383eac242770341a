// DefaultMessageStore: one broker's store, assembled from its parts. start() loads the files,
// reads the abort file to learn whether the last stop was clean, recovers, creates the abort file
// again and starts the services (CommitLog flush, ConsumeQueue flush and checkpoint, dispatch,
// retention). A put appends to the CommitLog, wakes dispatch, and answers according to
// flushDiskType; a pull reads through the ConsumeQueue. shutdown() dispatches what is left,
// flushes, writes the checkpoint and, once all of that is durable, deletes the abort file if
// nothing is left undispatched.
// A full disk (running-flags.ts): a put is refused SERVICE_NOT_AVAILABLE while the store is marked
// not writable; a ConsumeQueue entry whose file the disk cannot hold is tried 30 times, 1 s apart
// (dispatch waits meanwhile), then skipped and the store marked not writable until a restart, as
// 4.9's putMessagePositionInfoWrapper does; an IndexFile that cannot be created marks it too.
// Simplifications: no transient store pool, no HA here (the broker's replication wraps puts),
// no DLedger; abnormal recovery's re-dispatch does not wait for room on the disk (4.9's sleeps
// in it, up to 30 s an entry): it stops at an entry it cannot write, and dispatch goes on from
// there once the store has started, with the same tries; the OS page cache is never busy
// (OS_PAGECACHE_BUSY).
import { parseOrThrow } from '../config-error.ts';
import { newDiskSpan, type Env } from '../env.ts';
import type { ProbeName } from '../probes.ts';
import type { Host } from '../message/host.ts';
import { MessageConst, MessageExt } from '../message/message.ts';
import { CleanCommitLogService } from './clean-commit-log-service.ts';
import { FlushRealTimeService, GroupCommitService } from './commit-log-flush.ts';
import { decodeRecord, RecordLayout, type DispatchRequest } from './commit-log-record.ts';
import { CommitLog, isQueued, type PutMessageRequest } from './commit-log.ts';
import { ConsumeQueueStore } from './consume-queue-store.ts';
import type { PutPositionResult } from './consume-queue.ts';
import { FlushConsumeQueueService } from './flush-consume-queue-service.ts';
import {
  getMessage,
  type GetMessageRequest,
  type GetMessageResult,
  type RecordReader,
} from './get-message.ts';
import { readInt32, readInt64 } from '../message/bytes.ts';
import { IndexService } from './index-service.ts';
import {
  messageStoreConfigSchema,
  type MessageStoreConfig,
  type MessageStoreConfigInput,
} from './message-store-config.ts';
import type { PutMessageResult } from './put-message-result.ts';
import { ReputMessageService, type Dispatcher, type StoreDispatcher } from './reput-message-service.ts';
import { RunningFlags } from './running-flags.ts';
import { StoreCheckpoint } from './store-checkpoint.ts';
import { recoverStore, type RecoveryReport } from './store-recovery.ts';

/** putMessagePositionInfoWrapper's maxRetries. */
const CQ_PUT_MAX_TRIES = 30;

export interface MessageStoreOptions {
  readonly env: Env;
  readonly config?: MessageStoreConfigInput;
  /** The broker's address as written into each record (STOREHOST). */
  readonly storeHost: Host;
  /** Messages arrived in a queue: wakes held pulls (RocketMQ's MessageArrivingListener). */
  readonly onArriving?: Dispatcher;
}

export class DefaultMessageStore {
  readonly config: MessageStoreConfig;
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueStore;
  readonly checkpoint: StoreCheckpoint;
  readonly indexService: IndexService;
  readonly reput: ReputMessageService;
  recovery: RecoveryReport | undefined;
  readonly flags = new RunningFlags();
  private readonly env: Env;
  /** Failed tries of the ConsumeQueue entry dispatch is stuck on. */
  private cqTries = 0;
  /** Where abnormal recovery's re-dispatch found no room for a ConsumeQueue file: dispatch goes on from there. */
  private recoveryStuckAt: number | undefined;
  /** Past recoveryStuckAt: each queue's next offset after the records not dispatched yet. */
  private readonly undispatched = new Map<string, number>();
  private readonly groupCommit: GroupCommitService | undefined;
  private readonly flushRealTime: FlushRealTimeService | undefined;
  private readonly clean: CleanCommitLogService;
  private running = false;
  /**
   * Told of each message a master dispatches: held pulls (RocketMQ's MessageArrivingListener) and,
   * in this simulation only, delay levels that sleep while their queue is empty.
   */
  private readonly arrivingListeners: Dispatcher[] = [];
  /** Where a lookup by offset finds its bytes in place, read at once. */
  private readonly span = newDiskSpan();

  constructor(options: MessageStoreOptions) {
    const env = (this.env = options.env);
    const config = (this.config = parseOrThrow(
      messageStoreConfigSchema,
      options.config ?? {},
      'message store config',
    ));
    const root = config.storePathRootDir;
    this.commitLog = new CommitLog(env, config, options.storeHost);
    this.consumeQueues = new ConsumeQueueStore(env.disk, root, config.mappedFileSizeConsumeQueue);
    this.checkpoint = new StoreCheckpoint(env.disk, root);
    const geometry = { hashSlotNum: config.maxHashSlotNum, indexNum: config.maxIndexNum };
    const now = () => env.now();
    this.indexService = new IndexService({
      disk: env.disk,
      rootDir: root,
      checkpoint: this.checkpoint,
      now,
      geometry,
    });
    const dispatchers = [
      this.dispatchToConsumeQueue,
      ...(config.messageIndexEnable ? [this.dispatchToIndex] : []),
    ];
    this.reput = new ReputMessageService(env, this.commitLog, config, dispatchers, (dispatched) => {
      for (const listener of this.arrivingListeners) listener(dispatched);
    });
    if (options.onArriving !== undefined) this.arrivingListeners.push(options.onArriving);
    const flushed = (stamp: number) => {
      if (stamp > 0) this.checkpoint.physicMsgTimestamp = stamp;
    };
    const sync = config.flushDiskType === 'SYNC_FLUSH';
    this.groupCommit = sync ? new GroupCommitService(env, this.commitLog, config, flushed) : undefined;
    this.flushRealTime = sync ? undefined : new FlushRealTimeService(env, this.commitLog, config, flushed);
    this.clean = new CleanCommitLogService(
      env,
      this.commitLog,
      this.consumeQueues,
      this.indexService,
      config,
      this.flags,
    );
  }

  get abortPath(): string {
    return `${this.config.storePathRootDir}/abort`;
  }

  /** Loads and recovers the store, then starts its services. */
  start(): RecoveryReport {
    const disk = this.env.disk;
    const lastExitOK = !disk.exists(this.abortPath);
    if (!lastExitOK) this.env.probe('store.recover-abnormal');
    const hadCheckpoint = this.checkpoint.load();
    this.commitLog.queue.load();
    if (!hadCheckpoint && this.commitLog.queue.files.length > 0)
      this.env.probe('store.recover-no-checkpoint');
    this.consumeQueues.load();
    this.indexService.load(lastExitOK);
    const dispatch = (request: DispatchRequest) => this.dispatchAll(request);
    const parts = {
      commitLog: this.commitLog,
      consumeQueues: this.consumeQueues,
      checkpoint: this.checkpoint,
    };
    const probe = (name: ProbeName) => this.env.probe(name);
    this.recovery = recoverStore({ ...parts, config: this.config, dispatch, probe }, lastExitOK);
    const from = this.recoveryStuckAt ?? this.maxPhysicOffsetOfConsumeQueues();
    this.reput.reputFromOffset = Math.max(this.commitLog.minOffset(), from);
    // Queue offsets of the records left for dispatch count as used, as once they are dispatched.
    const table = this.commitLog.topicQueueTable;
    for (const [key, next] of this.undispatched) table.set(key, Math.max(table.get(key) ?? 0, next));
    this.undispatched.clear();
    this.reput.doReput();
    disk.write(this.abortPath, 0, new Uint8Array(0));
    this.groupCommit?.wakeup();
    this.flushRealTime?.start();
    new FlushConsumeQueueService(this.env, this.consumeQueues, this.checkpoint, this.config).start();
    this.clean.start();
    this.running = true;
    this.env.trace('store.recovered', { ...this.recovery });
    return this.recovery;
  }

  addArrivingListener(listener: Dispatcher): void {
    this.arrivingListeners.push(listener);
  }

  /** Appends a message; `done` gets the status once the flush policy is satisfied. */
  putMessage(request: PutMessageRequest, done: (result: PutMessageResult) => void): void {
    if (!this.running) return done({ status: 'SERVICE_NOT_AVAILABLE', detail: 'the store is not running' });
    if (this.config.brokerRole === 'SLAVE') {
      return done({ status: 'SERVICE_NOT_AVAILABLE', detail: 'a slave never accepts writes' });
    }
    if (!this.flags.isWriteable()) {
      const detail =
        "the message store is not writable: the broker's disk is full, or a ConsumeQueue or IndexFile could not be written";
      return done({ status: 'SERVICE_NOT_AVAILABLE', detail });
    }
    const result = this.commitLog.append(request);
    if (result.status !== 'PUT_OK') return done(result);
    const { wroteOffset, wroteBytes, storeTimestamp } = result.appendResult!;
    this.clean.touched(wroteOffset - (wroteOffset % this.config.mappedFileSizeCommitLog), storeTimestamp);
    this.reput.notifyAppended();
    if (this.groupCommit === undefined) {
      this.flushRealTime!.wakeup();
      return done(result);
    }
    if (request.properties.get(MessageConst.WAIT)?.toLowerCase() === 'false') {
      this.groupCommit.wakeup();
      return done(result);
    }
    this.groupCommit.putRequest(wroteOffset + wroteBytes, (status) => done({ ...result, status }));
  }

  /**
   * A slave's append of CommitLog bytes replicated from its master (RocketMQ's appendToCommitLog):
   * they must start where this log ends (or, for an empty log, at a file boundary) and stay within
   * one file, as the master sends them. Dispatch follows as for a put.
   */
  appendToCommitLog(startOffset: number, data: Uint8Array): boolean {
    const queue = this.commitLog.queue;
    const expected =
      queue.last === undefined ? startOffset - (startOffset % queue.fileSize) : queue.maxOffset();
    if (!this.running || startOffset !== expected) return false;
    const file = queue.lastForAppend(startOffset);
    if (file === undefined || data.length > file.remaining) return false;
    file.append(data);
    this.reput.notifyAppended();
    return true;
  }

  /** A pull's read; with a reader, the records go to it in place instead of into `messages`. */
  getMessage(
    topic: string,
    queueId: number,
    request: GetMessageRequest,
    reader?: RecordReader,
  ): GetMessageResult {
    const cq = this.consumeQueues.find(topic, queueId);
    const result = getMessage(this.commitLog, cq, this.config, request, reader);
    if (result.status === 'OFFSET_OVERFLOW_BADLY') this.env.probe('store.pull-offset-overflow-badly');
    return result;
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.maxOffsetInQueue() ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.find(topic, queueId)?.minOffsetInQueue() ?? -1;
  }

  /** The first queue offset stored at or after `timestamp` (backtracking by time). */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): number {
    const cq = this.consumeQueues.find(topic, queueId);
    return (
      cq?.getOffsetInQueueByTime(
        timestamp,
        (offset) => this.storeTimestampAt(offset),
        this.commitLog.minOffset(),
      ) ?? 0
    );
  }

  /** The message whose record starts at `commitLogOffset`, if it is still stored. */
  lookMessageByOffset(commitLogOffset: number): MessageExt | undefined {
    const { commitLog, span } = this;
    if (!commitLog.selectMappedBuffer(commitLogOffset, 4, span)) return undefined;
    if (!commitLog.selectMappedBuffer(commitLogOffset, readInt32(span.bytes, span.start), span))
      return undefined;
    const decoded = decodeRecord(span.bytes, span.start, false, span.end);
    return decoded instanceof MessageExt ? decoded : undefined;
  }

  /** Messages indexed under `topic#key` (a KEYS entry or a UNIQ_KEY) stored within [begin, end]. */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): MessageExt[] {
    const { phyOffsets } = this.indexService.queryOffset(topic, key, maxNum, begin, end);
    return phyOffsets.flatMap((offset) => this.lookMessageByOffset(offset) ?? []);
  }

  dispatchBehindBytes(): number {
    return this.reput.dispatchBehindBytes();
  }

  /** A clean stop: dispatch, flush, checkpoint; once durable, the abort file goes if nothing is left. */
  shutdown(done: () => void = () => {}): void {
    this.running = false;
    this.reput.doReput();
    let flushing = 2;
    const flushed = () => {
      if (--flushing > 0) return;
      const { checkpoint } = this;
      checkpoint.physicMsgTimestamp = Math.max(
        checkpoint.physicMsgTimestamp,
        this.commitLog.lastStoreTimestamp,
      );
      checkpoint.flush(() => {
        if (this.dispatchBehindBytes() === 0) this.env.disk.delete(this.abortPath);
        done();
      });
    };
    this.commitLog.queue.flush(flushed);
    this.consumeQueues.flush(flushed);
  }

  /** Abnormal recovery's re-dispatch of a valid record. */
  private dispatchAll(request: DispatchRequest): void {
    const result = this.recoveryStuckAt === undefined ? this.putToConsumeQueue(request) : 'no-file';
    if (result === 'put') this.env.probe('store.recover-redispatch-restored');
    if (result === 'no-file') {
      this.recoveryStuckAt ??= request.commitLogOffset;
      const key = `${request.topic}-${request.queueId}`;
      if (isQueued(request.sysFlag))
        this.undispatched.set(key, Math.max(this.undispatched.get(key) ?? 0, request.queueOffset + 1));
      return;
    }
    if (this.config.messageIndexEnable) this.dispatchToIndex(request);
  }

  /** putMessagePositionInfoWrapper: false asks dispatch to try the record again (1 s later). */
  private readonly dispatchToConsumeQueue: StoreDispatcher = (request) => {
    if (!this.flags.isCQWriteable()) {
      if (isQueued(request.sysFlag))
        this.env.trace('store.cq-not-writable', { topic: request.topic, queueId: request.queueId });
      return true;
    }
    if (this.putToConsumeQueue(request) !== 'no-file') {
      this.cqTries = 0;
      return true;
    }
    if (++this.cqTries < CQ_PUT_MAX_TRIES) return false;
    this.cqTries = 0;
    this.flags.logicsQueueError = true;
    const { topic, queueId, queueOffset } = request;
    this.env.trace('store.cq-write-failed', { topic, queueId, queueOffset });
    return true;
  };

  private putToConsumeQueue(request: DispatchRequest): PutPositionResult | undefined {
    if (!isQueued(request.sysFlag)) return undefined;
    const cq = this.consumeQueues.findOrCreate(request.topic, request.queueId);
    const { commitLogOffset, storeSize, tagsCode, queueOffset } = request;
    const files = cq.files.length;
    const result = cq.putMessagePositionInfo(commitLogOffset, storeSize, tagsCode, queueOffset);
    if (files > 0 && cq.files.length > files) this.env.probe('store.cq-file-roll');
    if (result === 'already-dispatched' || result === 'already-there') {
      this.env.probe('store.redispatch-already-there');
    }
    if (result === 'misplaced') {
      this.env.trace('store.cq-order-bug', { topic: request.topic, queueId: request.queueId, queueOffset });
    }
    this.checkpoint.logicsMsgTimestamp = request.storeTimestamp;
    return result;
  }

  /** An IndexFile the disk cannot hold marks the store (IndexService's makeIndexFileError). */
  private readonly dispatchToIndex: StoreDispatcher = (request) => {
    if (!this.indexService.buildIndex(request) && !this.flags.indexFileError) {
      this.flags.indexFileError = true;
      this.env.trace('store.index-file-failed', { commitLogOffset: request.commitLogOffset });
    }
    return true;
  };

  private storeTimestampAt(commitLogOffset: number): number | undefined {
    const { span } = this;
    const at = commitLogOffset + RecordLayout.STORETIMESTAMP;
    return this.commitLog.selectMappedBuffer(at, 8, span) ? readInt64(span.bytes, span.start) : undefined;
  }

  private maxPhysicOffsetOfConsumeQueues(): number {
    let max = 0;
    for (const cq of this.consumeQueues) max = Math.max(max, cq.maxPhysicOffset);
    return max;
  }
}
