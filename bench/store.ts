// The store's speed: puts per second (append, dispatch, group flushes on the simulated disk) and
// ConsumeQueue + index rebuild in MB of CommitLog per second (what recovery does when the queues
// are lost), each beside a bare zlib.crc32 pass over the same CommitLog bytes in the same run.
import { crc32 } from 'node:zlib';
import { parseHost } from '../core/message/host.ts';
import { MessageConst } from '../core/message/message.ts';
import type { PutMessageRequest } from '../core/store/commit-log.ts';
import { DefaultMessageStore } from '../core/store/message-store.ts';
import { World } from '../sim/world.ts';
import { print, rate } from './measure.ts';

const MESSAGES = 50_000;
const BODY = new Uint8Array(200).fill(0x61);

function request(i: number): PutMessageRequest {
  const properties = new Map([
    [MessageConst.KEYS, `key-${i}`],
    [MessageConst.UNIQ_KEY, `UNIQ${i.toString(16).padStart(28, '0')}`],
    [MessageConst.TAGS, i % 2 === 0 ? 'TagA' : 'TagB'],
  ]);
  const bornHost = parseHost('10.0.0.9:5555');
  return {
    topic: 'BenchTopic',
    queueId: i % 4,
    flag: 0,
    body: BODY,
    properties,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

/** A broker's store on one node, with RocketMQ's default index geometry and 16 MiB CommitLog files. */
function storeWorld() {
  const world = new World({ seed: 1 });
  let store: DefaultMessageStore | undefined;
  world.addNode('10.0.0.1:10911', (env) => {
    store = new DefaultMessageStore({
      env,
      storeHost: parseHost(env.address),
      config: { mappedFileSizeCommitLog: 16 << 20 },
    });
    store.start();
    return {};
  });
  return { world, store: store! };
}

function putAll(): { store: DefaultMessageStore; puts: number } {
  const { world, store } = storeWorld();
  for (let i = 0; i < MESSAGES; i++) {
    store.putMessage(request(i), () => {});
    if (i % 1_000 === 999) world.runUntil(world.now + 1);
  }
  world.runUntil(world.now + 10);
  return { store, puts: MESSAGES };
}

function commitLogBytes(store: DefaultMessageStore): Uint8Array[] {
  return store.commitLog.queue.files.map((f) => f.read(0, f.wrotePosition));
}

function crcPass(files: Uint8Array[]): number {
  let bytes = 0;
  for (const file of files) {
    crc32(file);
    bytes += file.length;
  }
  return bytes;
}

function rebuild(store: DefaultMessageStore): number {
  store.consumeQueues.destroy();
  store.indexService.destroy();
  store.reput.reputFromOffset = store.commitLog.minOffset();
  store.reput.doReput();
  return store.commitLog.maxOffset();
}

export function benchStore(): void {
  const { store } = putAll();
  const files = commitLogBytes(store);
  const crcBytesPerSecond = rate(() => crcPass(files));
  const putsPerSecond = rate(() => putAll().puts, 3);
  const rebuildBytesPerSecond = rate(() => rebuild(store), 3);
  const mb = (n: number) => Number((n / 1e6).toFixed(1));
  print({
    bench: 'store-put',
    putsPerSecond: Math.round(putsPerSecond),
    crc32MBps: mb(crcBytesPerSecond),
    putMBps: mb((putsPerSecond * store.commitLog.maxOffset()) / MESSAGES),
    ratioToCrc: Number(
      ((putsPerSecond * store.commitLog.maxOffset()) / MESSAGES / crcBytesPerSecond).toFixed(3),
    ),
  });
  print({
    bench: 'rebuild',
    commitLogMB: mb(store.commitLog.maxOffset()),
    rebuildMBps: mb(rebuildBytesPerSecond),
    crc32MBps: mb(crcBytesPerSecond),
    ratio: Number((rebuildBytesPerSecond / crcBytesPerSecond).toFixed(3)),
    target: '>= 0.25 of the crc32 pass',
    met: rebuildBytesPerSecond / crcBytesPerSecond >= 0.25,
  });
}
