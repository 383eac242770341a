// ConfigManager: a broker table kept as one JSON file under <storePathRootDir>/config
// (consumerOffset.json, delayOffset.json), with RocketMQ's `.bak` copy of the previous version.
// - load: the file if it is there, not empty, and decodes; otherwise the `.bak`. Both missing or
//   empty is a first start (true, nothing loaded); a `.bak` that does not decode either fails the
//   load (false), and BrokerController then refuses to start.
// - persist: the previous content goes to `.bak`, then the new content replaces the file.
// Simplified: RocketMQ 4.9 (MixAll.string2File) writes `<file>.tmp`, copies the old file to
// `.bak`, deletes the file and renames the `.tmp` over it, and never fsyncs, leaving durability
// to the OS. The simulated disk has no rename, so the file is rewritten in place; to keep "after
// a crash, the old version or the new one", the `.bak` is fsynced before the file is touched, and
// the file is fsynced after. A persist asked for while one is running runs after it, with the
// table as it is then.
import { DiskError, type Env, type TimerId } from '../env.ts';
import { decodeUtf8, utf8Decoder, utf8Encoder } from '../message/bytes.ts';
import { dataVersionEquals, nextDataVersion, type DataVersion } from '../protocol/topic-config.ts';
import { json } from './json-bytes.ts';

/** Both periodic persists (consumer offsets, delay offsets) start 10 s after their service. */
export const FIRST_PERSIST_DELAY_MS = 10_000;

/** Where the broker's config files live: <storePathRootDir>/config/<name>. */
export function configPath(storePathRootDir: string, fileName: string): string {
  return `${storePathRootDir}/config/${fileName}`;
}

export abstract class ConfigManager {
  private persisting = false;
  private persistTimer: TimerId | undefined;
  /** Callers waiting for the round after the running one. */
  private waiting: (() => void)[] | undefined;

  protected constructor(protected readonly env: Env) {}

  abstract configFilePath(): string;
  abstract encode(): string;
  /** The file's bytes: encode()'s text as UTF-8 (a table rewritten often writes them directly). */
  protected encodeBytes(): Uint8Array {
    return utf8Encoder.encode(this.encode());
  }
  /** Replaces the table with the file's; throws if the text is not such a file. */
  abstract decode(text: string): void;

  /** Loads the file, or its `.bak`; false only if neither can be read. */
  load(): boolean {
    const path = this.configFilePath();
    const text = this.readText(path);
    if (text !== undefined && text.length > 0) {
      const problem = this.tryDecode(text);
      if (problem === undefined) return this.loaded(path, 'file');
      this.env.trace('config.load-failed', { path, problem });
    }
    return this.loadBak(path);
  }

  /** Writes the table; `done` runs once the new file is durable (or the write failed). */
  persist(done: () => void = () => {}): void {
    if (this.persisting) {
      (this.waiting ??= []).push(done);
      return;
    }
    this.persisting = true;
    this.writeRound(this.encodeBytes(), () => {
      this.persisting = false;
      done();
      const next = this.waiting;
      this.waiting = undefined;
      if (next !== undefined) this.persist(() => next.forEach((d) => d()));
    });
  }

  /** Persists after `firstDelayMs`, then every `intervalMs`, until stopPersisting (a scheduled task). */
  protected persistPeriodically(firstDelayMs: number, intervalMs: number): void {
    this.persistTimer = this.env.setTimer(firstDelayMs, () => {
      this.persist();
      this.persistPeriodically(intervalMs, intervalMs);
    });
  }

  protected stopPersisting(): void {
    if (this.persistTimer !== undefined) this.env.cancelTimer(this.persistTimer);
    this.persistTimer = undefined;
  }

  private loadBak(path: string): boolean {
    const text = this.readText(`${path}.bak`);
    if (text === undefined || text.length === 0) return true;
    const problem = this.tryDecode(text);
    if (problem === undefined) {
      this.env.probe('broker.config-loaded-from-bak');
      return this.loaded(path, 'bak');
    }
    this.env.trace('config.load-failed', { path: `${path}.bak`, problem });
    return false;
  }

  private loaded(path: string, from: 'file' | 'bak'): true {
    this.env.trace('config.loaded', { path, from });
    return true;
  }

  private tryDecode(text: string): string | undefined {
    try {
      this.decode(text);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private readText(path: string): string | undefined {
    const disk = this.env.disk;
    return disk.exists(path) ? utf8Decoder.decode(disk.read(path, 0, disk.size(path))) : undefined;
  }

  private writeRound(bytes: Uint8Array, done: () => void): void {
    const path = this.configFilePath();
    const disk = this.env.disk;
    const failed = (error: unknown) => {
      if (!(error instanceof DiskError)) throw error;
      this.env.trace('config.persist-failed', { path, error: error.message });
      done();
    };
    const writeFile = () => {
      try {
        this.overwrite(path, bytes);
        disk.flush(path, () => done());
      } catch (error) {
        failed(error);
      }
    };
    if (!disk.exists(path)) return writeFile();
    try {
      this.overwrite(`${path}.bak`, disk.read(path, 0, disk.size(path)));
      disk.flush(`${path}.bak`, writeFile);
    } catch (error) {
      failed(error);
    }
  }

  private overwrite(path: string, bytes: Uint8Array): void {
    const disk = this.env.disk;
    if (disk.exists(path)) disk.truncate(path, 0);
    disk.write(path, 0, bytes);
  }
}

/**
 * A table rewritten often (persisted every 5 s, answered to slaves every 10 s) whose text is a pure
 * function of its contents: write() puts the text straight into the shared JSON buffer, and its
 * bytes (and text) are kept until the table changes, so that a broker whose tables are idle encodes
 * nothing (RocketMQ 4.9 keeps a DataVersion on its topic and group tables for the same reason).
 * Each subclass keeps its table private and calls tableChanged() on every path that changes it.
 */
export abstract class JsonTableConfigManager extends ConfigManager {
  private bytes: Uint8Array | undefined;
  private text: string | undefined;
  private changes = 0;

  /** encode()'s text into `json`. */
  protected abstract write(): void;

  /** How many times the table has changed: equal counts mean an equal table (and text). */
  get changeCount(): number {
    return this.changes;
  }

  encode(): string {
    const bytes = this.encodeBytes();
    return (this.text ??= decodeUtf8(bytes, 0, bytes.length));
  }

  /** The kept bytes (not to be modified: a write to the disk copies them). */
  protected override encodeBytes(): Uint8Array {
    if (this.bytes === undefined) {
      this.write();
      this.bytes = json.copy();
    }
    return this.bytes;
  }

  /** The table's content changed: the kept text is stale. */
  protected tableChanged(): void {
    this.changes++;
    this.bytes = undefined;
    this.text = undefined;
  }
}

/**
 * A table of name → config with RocketMQ's DataVersion (TopicConfigManager, SubscriptionGroupManager):
 * a change takes the next DataVersion and persists; a slave takes its master's table with its
 * DataVersion. The map is private so that no change can leave the kept text stale.
 */
export abstract class VersionedTableConfigManager<T> extends JsonTableConfigManager {
  private readonly entries = new Map<string, T>();
  private version: DataVersion;

  protected constructor(env: Env) {
    super(env);
    this.version = { timestamp: env.now(), counter: 0 };
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  protected get table(): ReadonlyMap<string, T> {
    return this.entries;
  }

  /** Sets an entry, with no new DataVersion (a built-in entry; a change that 4.9 does not version). */
  protected put(name: string, value: T): void {
    this.entries.set(name, value);
    this.tableChanged();
  }

  /** Sets (or, with undefined, deletes) an entry, then the next DataVersion and a persist. */
  protected update(name: string, value: T | undefined): void {
    if (value === undefined) this.entries.delete(name);
    else this.entries.set(name, value);
    this.version = nextDataVersion(this.version, this.env.now());
    this.tableChanged();
    this.persist();
  }

  /** load(): the file's entries over the built-in ones, and its DataVersion. */
  protected loadEntries(entries: Readonly<Record<string, T>>, dataVersion: DataVersion): void {
    for (const [name, value] of Object.entries(entries)) this.entries.set(name, value);
    this.version = { ...dataVersion };
    this.tableChanged();
  }

  /**
   * A slave's copy of its master's table: replaces this one, with its DataVersion, and persists,
   * unless this one has that DataVersion already. True if replaced.
   */
  replaceTable(dataVersion: DataVersion, entries: Readonly<Record<string, T>>): boolean {
    if (dataVersionEquals(this.version, dataVersion)) return false;
    this.entries.clear();
    this.loadEntries(entries, dataVersion);
    this.persist();
    return true;
  }
}
