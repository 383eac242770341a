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
import { utf8Decoder, utf8Encoder } from '../message/bytes.ts';
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
 * A table rewritten often (every 5 s, or answered to slaves every 10 s): write() puts its text
 * straight into the shared JSON buffer, so neither encode() nor the file's bytes make objects.
 */
export abstract class JsonTableConfigManager extends ConfigManager {
  /** encode()'s text into `json`. */
  protected abstract write(): void;

  encode(): string {
    this.write();
    return json.text();
  }

  protected override encodeBytes(): Uint8Array {
    this.write();
    return json.copy();
  }
}
