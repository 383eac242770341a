// A DefaultMessageStore running as the process of one simulated node, for store tests and
// properties: put messages, let time pass, stop the node in any way the world can, and start the
// store again on the disk it had. What was acknowledged is recorded, so a checker can compare.
import { parseHost } from '../../core/message/host.ts';
import { readInt64 } from '../../core/message/bytes.ts';
import { MessageConst } from '../../core/message/message.ts';
import { readRecordProperty, RecordLayout } from '../../core/store/commit-log-record.ts';
import type { PutMessageRequest } from '../../core/store/commit-log.ts';
import type { RecordReader } from '../../core/store/get-message.ts';
import type { MessageStoreConfigInput } from '../../core/store/message-store-config.ts';
import { DefaultMessageStore } from '../../core/store/message-store.ts';
import type { PutMessageResult } from '../../core/store/put-message-result.ts';
import type { DiskConfig } from '../../sim/disk.ts';
import { World } from '../../sim/world.ts';

export const STORE_HOST = '10.0.0.1:10911';

export type StopKind = 'kill' | 'power-off' | 'shutdown';

export interface Acked {
  key: string;
  topic: string;
  queueId: number;
  result: PutMessageResult;
}

export interface StoreNodeOptions {
  seed?: number;
  config?: MessageStoreConfigInput;
  disk?: Partial<DiskConfig>;
}

/** Small files so that rolling and recovery across files happen within a few hundred puts. */
export const SMALL_FILES: MessageStoreConfigInput = {
  mappedFileSizeCommitLog: 4096,
  mappedFileSizeConsumeQueue: 20 * 32,
  maxHashSlotNum: 16,
  maxIndexNum: 64,
};

export function storeNode(options: StoreNodeOptions = {}) {
  const world = new World({ seed: options.seed ?? 1, disk: options.disk ?? {} });
  const config = { ...SMALL_FILES, ...options.config };
  let store: DefaultMessageStore | undefined;
  let lastIndexRoll = -Infinity;
  world.addNode(STORE_HOST, (env) => {
    store = new DefaultMessageStore({ env, config, storeHost: parseHost(STORE_HOST) });
    // A full IndexFile is flushed, then the checkpoint with it (RocketMQ's IndexService.flush),
    // which writes the ConsumeQueues' logicsMsgTimestamp as of the last dispatch, flushed or not:
    // noted, so that a property can tell when the checkpoint may claim more than is durable.
    const index = store.indexService;
    const flush = index.flush.bind(index);
    index.flush = (file, done) => {
      if (file.isFull()) lastIndexRoll = world.now;
      flush(file, done);
    };
    store.start();
    return { shutdown: (done) => store!.shutdown(done) };
  });
  const node = world.node(STORE_HOST);
  const acked: Acked[] = [];
  let sent = 0;

  /** Puts one message; its outcome lands in `acked` when the store answers. */
  const put = (topic: string, queueId: number, extra: Partial<PutMessageRequest> = {}) => {
    const key = `k${sent++}`;
    const request = keyedPutRequest(key, topic, queueId, world.config.epochMs, extra);
    store!.putMessage(request, (result) => acked.push({ key, topic, queueId, result }));
    return key;
  };

  /** Stops the node; a clean shutdown runs until the store has finished it. */
  const stop = (kind: StopKind) => {
    if (kind === 'kill') node.kill();
    else if (kind === 'power-off') node.powerOff();
    else {
      node.shutdown();
      while (node.isStopping && world.scheduler.step());
    }
  };

  return {
    world,
    node,
    acked,
    put,
    stop,
    store: () => store!,
    restart: () => node.start(),
    /** When an IndexFile last filled (its flush flushes the checkpoint too); -Infinity if never. */
    lastIndexRoll: () => lastIndexRoll,
  };
}

/** A message with KEYS `key` and UNIQ_KEY `U<key>`, as a producer's send would reach the store. */
export function keyedPutRequest(
  key: string,
  topic: string,
  queueId: number,
  bornTimestamp: number,
  extra: Partial<PutMessageRequest> = {},
): PutMessageRequest {
  const properties = new Map([
    [MessageConst.KEYS, key],
    [MessageConst.UNIQ_KEY, `U${key}`],
    ...(extra.properties ?? []),
  ]);
  return {
    topic,
    queueId,
    flag: 0,
    body: new TextEncoder().encode(`body of ${key}`),
    sysFlag: 0,
    bornTimestamp,
    bornHost: parseHost('10.0.0.9:5555'),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...extra,
    properties,
  };
}

/** Every (key, queue offset) readable from a queue, in queue order. */
export function readQueue(store: DefaultMessageStore, topic: string, queueId: number) {
  const out: { key: string; queueOffset: number }[] = [];
  forEachInQueue(store, topic, queueId, (key, queueOffset) => out.push({ key, queueOffset }));
  return out;
}

/**
 * readQueue's (key, queue offset) pairs handed to `visit` as they are read, with no list made: the
 * store's pull read, each record's KEYS and queue offset read off its bytes (no MessageExt).
 */
export function forEachInQueue(
  store: DefaultMessageStore,
  topic: string,
  queueId: number,
  visit: (key: string, queueOffset: number) => void,
): void {
  const reader: RecordReader = {
    read(bytes, start, end) {
      const key = readRecordProperty(bytes, start, end, MessageConst.KEYS);
      if (key === null) return false;
      visit(key!, readInt64(bytes, start + RecordLayout.QUEUEOFFSET));
      return true;
    },
  };
  let offset = Math.max(0, store.getMinOffsetInQueue(topic, queueId));
  for (;;) {
    const result = store.getMessage(topic, queueId, { offset, maxMsgNums: 32 }, reader);
    if (result.status !== 'FOUND' && result.status !== 'NO_MATCHED_MESSAGE') return;
    offset = result.nextBeginOffset;
  }
}
