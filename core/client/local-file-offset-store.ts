// LocalFileOffsetStore: a BROADCASTING consumer's offsets (RocketMQ 4.9.x), kept on the client's
// own disk at .rocketmq_offsets/<clientId>/<group>/offsets.json (Java: under user.home, or the
// rocketmq.client.localOffsetStoreDir property) with a .bak copy of the previous content.
// - The file is an OffsetSerializeWrapper as fastjson writes it: {"offsetTable":{...}} whose keys
//   are MessageQueue objects, so the text is fastjson's object-keyed map, not strict JSON.
// - Writes go through MixAll.string2File: the new text to offsets.json.tmp, the current
//   offsets.json (if any) copied to offsets.json.bak, offsets.json deleted and the .tmp renamed
//   over it. Nothing is fsynced (FileWriter, then close): a kill keeps it all (the page cache
//   outlives the process), a power loss keeps only what the kernel's writeback reached. As the
//   consumer rewrites the file every 5 s and the simulated writeback takes bytes dirty for 30 s,
//   a power loss while the consumer runs typically leaves both files empty: the offsets are lost
//   and the restarted consumer starts from consumeFromWhere again.
// - Reading: offsets.json; if it is missing, empty or does not parse, offsets.json.bak; a .bak
//   that does not parse is an MQClientException (Java: "maybe fastjson version too low"), which
//   fails load() and so the consumer's start.
// - readOffset: READ_FROM_MEMORY answers the memory or -1; MEMORY_FIRST_THEN_STORE falls through
//   to the file when the memory has none; READ_FROM_STORE reads the file (and copies the offset
//   into memory); -1 when there is none, or when the file cannot be read.
// - persistAll(mqs) reads the file, overlays the in-memory offsets of the queues in `mqs` and
//   writes it back (the revision of the source read merges with the file; entries of other queues
//   stay); persist(mq) does the same for one queue. removeOffset does nothing, as in Java.
// Simplifications: rename is modelled as writing the target anew and deleting the .tmp (the disk
// interface has no rename; metadata is durable at once on the simulated disk either way); the
// text is produced by this module in fastjson's pretty layout, not by fastjson.
import type { Disk, Env } from '../env.ts';
import { MQClientException } from './exceptions.ts';
import { MessageQueue } from './message-queue.ts';
import { AbstractOffsetStore, type QueueKeys } from './offset-store.ts';

/** LocalFileOffsetStore.LOCAL_OFFSET_STORE_DIR, relative to the node's disk. */
export const LOCAL_OFFSET_STORE_DIR = '.rocketmq_offsets';

export function localOffsetStorePath(clientId: string, group: string): string {
  return `${LOCAL_OFFSET_STORE_DIR}/${clientId}/${group}/offsets.json`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** MixAll.file2String: the file's text, or undefined when it does not exist. */
export function file2String(disk: Disk, path: string): string | undefined {
  if (!disk.exists(path)) return undefined;
  return decoder.decode(disk.read(path, 0, disk.size(path)));
}

/** MixAll.string2FileNotSafe: truncate and write, no fsync. */
export function string2FileNotSafe(disk: Disk, path: string, text: string): void {
  if (disk.exists(path)) disk.truncate(path, 0);
  disk.write(path, 0, encoder.encode(text));
}

/** MixAll.string2File: .tmp, previous content to .bak, delete, rename .tmp over the file. */
export function string2File(disk: Disk, path: string, text: string): void {
  const tmp = `${path}.tmp`;
  string2FileNotSafe(disk, tmp, text);
  const prev = file2String(disk, path);
  if (prev !== undefined) string2FileNotSafe(disk, `${path}.bak`, prev);
  if (disk.exists(path)) disk.delete(path);
  // rename(tmp, path)
  disk.write(path, 0, disk.read(tmp, 0, disk.size(tmp)));
  disk.delete(tmp);
}

/** An OffsetSerializeWrapper's table in fastjson's pretty, MessageQueue-keyed layout. */
export function encodeOffsetTable(table: ReadonlyMap<string, { mq: MessageQueue; offset: number }>): string {
  const entries = [...table.values()].map(
    ({ mq, offset }) =>
      `{\n\t\t\t"brokerName":${JSON.stringify(mq.brokerName)},\n\t\t\t"queueId":${mq.queueId},\n` +
      `\t\t\t"topic":${JSON.stringify(mq.topic)}\n\t\t}:${offset}`,
  );
  return `{\n\t"offsetTable":{${entries.join(',')}\n\t}\n}`;
}

const ENTRY = /\{"brokerName":"([^"\\]*)","queueId":(-?\d+),"topic":"([^"\\]*)"\}:(-?\d+)(,|(?=\}\}$))/y;

/** Parses encodeOffsetTable's text; throws on anything else (a torn or foreign file). */
export function decodeOffsetTable(text: string): Map<string, { mq: MessageQueue; offset: number }> {
  // Topics and broker names carry no whitespace, so all of it is layout.
  const compact = text.replace(/\s+/g, '');
  const head = '{"offsetTable":{';
  if (!compact.startsWith(head) || !compact.endsWith('}}')) throw new Error('not an OffsetSerializeWrapper');
  const table = new Map<string, { mq: MessageQueue; offset: number }>();
  let pos = head.length;
  while (pos < compact.length - 2) {
    ENTRY.lastIndex = pos;
    const m = ENTRY.exec(compact);
    if (m === null) throw new Error(`bad offsetTable entry at ${pos}`);
    const mq = new MessageQueue(m[3]!, m[1]!, Number(m[2]));
    table.set(mq.key, { mq, offset: Number(m[4]) });
    pos = ENTRY.lastIndex;
  }
  if (pos !== compact.length - 2) throw new Error('trailing text');
  return table;
}

type Table = Map<string, { mq: MessageQueue; offset: number }>;

export class LocalFileOffsetStore extends AbstractOffsetStore {
  readonly storePath: string;

  constructor(
    private readonly factory: { readonly env: Env; readonly clientId: string },
    readonly groupName: string,
  ) {
    super();
    this.storePath = localOffsetStorePath(factory.clientId, groupName);
  }

  private get env(): Env {
    return this.factory.env;
  }

  /** Reads the file into memory; throws MQClientException when neither file nor .bak parses. */
  load(): void {
    const wrapper = this.readLocalOffset();
    if (wrapper === undefined) return;
    for (const [key, entry] of wrapper) this.offsetTable.set(key, { ...entry });
    this.env.trace('consumer.offset-load', {
      group: this.groupName,
      offsets: Object.fromEntries([...wrapper].map(([k, v]) => [k, v.offset])),
    });
  }

  /** Answers synchronously (the file is local). */
  protected readOffsetFromStore(mq: MessageQueue, done: (offset: number) => void): void {
    let wrapper: Table | undefined;
    try {
      wrapper = this.readLocalOffset();
    } catch {
      return done(-1);
    }
    const stored = wrapper?.get(mq.key);
    if (stored === undefined) return done(-1);
    this.updateOffset(mq, stored.offset, false);
    done(stored.offset);
  }

  persistAll(mqs: QueueKeys): void {
    if (mqs.size === 0) return;
    this.write((wrapper) => {
      for (const [key, entry] of this.offsetTable) if (mqs.has(key)) wrapper.set(key, { ...entry });
    });
  }

  persist(mq: MessageQueue): void {
    const entry = this.offsetTable.get(mq.key);
    if (entry === undefined) return;
    this.write((wrapper) => wrapper.set(mq.key, { ...entry }));
  }

  /** Java's LocalFileOffsetStore keeps the offset (the method is empty). */
  removeOffset(_mq: MessageQueue): void {}

  private write(apply: (wrapper: Table) => void): void {
    let wrapper: Table | undefined;
    try {
      wrapper = this.readLocalOffset();
    } catch (e) {
      this.env.trace('consumer.offset-persist-failed', { group: this.groupName, error: String(e) });
      return;
    }
    wrapper ??= new Map();
    apply(wrapper);
    try {
      string2File(this.env.disk, this.storePath, encodeOffsetTable(wrapper));
    } catch (e) {
      this.env.trace('consumer.offset-persist-failed', { group: this.groupName, error: String(e) });
      return;
    }
    this.env.trace('consumer.offset-persist-local', {
      group: this.groupName,
      path: this.storePath,
      offsets: Object.fromEntries([...wrapper].map(([k, v]) => [k, v.offset])),
    });
  }

  private readLocalOffset(): Table | undefined {
    const content = this.readText(this.storePath);
    if (content === undefined || content.length === 0) return this.readLocalOffsetBak();
    try {
      return decodeOffsetTable(content);
    } catch {
      this.env.probe('client.local-offset-file-corrupt');
      this.env.trace('consumer.offset-file-corrupt', { group: this.groupName, path: this.storePath });
      return this.readLocalOffsetBak();
    }
  }

  private readLocalOffsetBak(): Table | undefined {
    const content = this.readText(`${this.storePath}.bak`);
    if (content === undefined || content.length === 0) return undefined;
    try {
      return decodeOffsetTable(content);
    } catch {
      throw new MQClientException('readLocalOffset Exception, maybe fastjson version too low');
    }
  }

  private readText(path: string): string | undefined {
    try {
      return file2String(this.env.disk, path);
    } catch {
      return undefined;
    }
  }
}
