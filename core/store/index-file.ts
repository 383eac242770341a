// One IndexFile (RocketMQ's IndexFile and IndexHeader): a hash index from `topic#key` to CommitLog
// offsets, laid out as index-file-format.ts says. Each slot holds the newest entry whose key hashes
// there and each entry links to the previous one in its slot (prevIndex), so a lookup walks a
// chain newest first and keeps the entries whose hash matches and whose time is in range. Keys
// are not stored: two keys with one hash ("Aa" and "BB") answer for each other, as in RocketMQ.
// Like the mapped buffer, every change reaches the page cache at once, only the bytes that change
// (entry 20 B, slot 4 B, header 40 B); flush() rewrites the header and fsyncs the whole file
// (MappedByteBuffer.force), and nothing else makes it durable.
// Its blocks are reserved whole at creation (a full disk fails create with ENOSPC), as 4.9 maps
// the whole file. Simplification: its size grows as entries are written, and bytes past its end
// read as zeros, which is what the mapped zero-filled file would hold.
import { newDiskSpan, zeroPadSpan, type Disk, type DiskSpan } from '../env.ts';
import { readInt32, writeInt32 } from '../message/bytes.ts';
import {
  decodeIndexEntry,
  decodeIndexHeader,
  entryPosition,
  HASH_SLOT_SIZE,
  INDEX_ENTRY_SIZE,
  INDEX_HEADER_SIZE,
  INVALID_INDEX,
  indexFileSize,
  slotOf,
  slotPosition,
  timeDiffSeconds,
  writeIndexEntry,
  writeIndexHeader,
  type IndexEntry,
  type IndexFileGeometry,
  type IndexHeader,
} from './index-file-format.ts';

export class IndexFile {
  readonly path: string;
  // A put writes an entry, a slot and the header: each is encoded into its own buffer, reused
  // because Disk.write copies what it is given.
  private readonly headerBytes = new Uint8Array(INDEX_HEADER_SIZE);
  private readonly entryBytes = new Uint8Array(INDEX_ENTRY_SIZE);
  private readonly slotBytes = new Uint8Array(HASH_SLOT_SIZE);
  private readonly span = newDiskSpan();

  private constructor(
    private readonly disk: Disk,
    dir: string,
    readonly fileName: string,
    private readonly geometry: IndexFileGeometry,
    private readonly header: IndexHeader,
  ) {
    this.path = `${dir}/${fileName}`;
  }

  /**
   * A new file; a file that follows a full one starts its begin and end at that one's end phy
   * offset and timestamp (when positive). Writes the header, which creates the file.
   */
  static create(
    disk: Disk,
    dir: string,
    fileName: string,
    geometry: IndexFileGeometry,
    previous?: { endPhyOffset: number; endTimestamp: number },
  ): IndexFile {
    const phy = previous !== undefined && previous.endPhyOffset > 0 ? previous.endPhyOffset : 0;
    const time = previous !== undefined && previous.endTimestamp > 0 ? previous.endTimestamp : 0;
    const header: IndexHeader = {
      beginTimestamp: time,
      endTimestamp: time,
      beginPhyOffset: phy,
      endPhyOffset: phy,
      hashSlotCount: 0,
      indexCount: 1,
    };
    const file = new IndexFile(disk, dir, fileName, geometry, header);
    disk.allocate(file.path, indexFileSize(geometry));
    file.writeHeader();
    return file;
  }

  /** An existing file, its header read from disk (an indexCount <= 0 becomes 1, as in RocketMQ). */
  static load(disk: Disk, dir: string, fileName: string, geometry: IndexFileGeometry): IndexFile {
    const header = decodeIndexHeader(disk.read(`${dir}/${fileName}`, 0, INDEX_HEADER_SIZE));
    if (header.indexCount <= 0) header.indexCount = 1;
    return new IndexFile(disk, dir, fileName, geometry, header);
  }

  get beginTimestamp(): number {
    return this.header.beginTimestamp;
  }

  get endTimestamp(): number {
    return this.header.endTimestamp;
  }

  get beginPhyOffset(): number {
    return this.header.beginPhyOffset;
  }

  get endPhyOffset(): number {
    return this.header.endPhyOffset;
  }

  /** The next entry number; entries 1 to indexCount - 1 are in use. */
  get indexCount(): number {
    return this.header.indexCount;
  }

  get hashSlotCount(): number {
    return this.header.hashSlotCount;
  }

  /** RocketMQ's isWriteFull: entry numbers start at 1, so a file holds indexNum - 1 entries. */
  isFull(): boolean {
    return this.header.indexCount >= this.geometry.indexNum;
  }

  /**
   * Adds the key of hash `keyHash` (indexKeyHash) at the head of its slot's chain; false (and
   * nothing written) when the file is full.
   */
  putKey(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    if (this.isFull()) return false;
    const h = this.header;
    const slot = slotPosition(slotOf(keyHash, this.geometry.hashSlotNum));
    let prevIndex = this.readInt(slot);
    // A slot pointing past the entries written (left by a torn or lost write) starts a new chain.
    if (prevIndex <= INVALID_INDEX || prevIndex > h.indexCount) prevIndex = INVALID_INDEX;
    // The time is taken against the begin time before this put sets it (0 for a fresh file).
    const timeDiff = timeDiffSeconds(storeTimestamp, h.beginTimestamp);
    writeIndexEntry(this.entryBytes, 0, keyHash, phyOffset, timeDiff, prevIndex);
    this.disk.write(this.path, entryPosition(this.geometry, h.indexCount), this.entryBytes);
    this.writeInt(slot, h.indexCount);
    if (h.indexCount <= 1) {
      h.beginPhyOffset = phyOffset;
      h.beginTimestamp = storeTimestamp;
    }
    if (prevIndex === INVALID_INDEX) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phyOffset;
    h.endTimestamp = storeTimestamp;
    this.writeHeader();
    return true;
  }

  /**
   * Appends to `into` (until it holds maxNum) the phy offsets of the chain of the key of hash
   * `keyHash` (indexKeyHash) whose hash matches
   * and whose time (begin + whole seconds) is within [begin, end], newest first. The walk stops at
   * the end of the chain, at a broken link, or at the first entry older than `begin`.
   */
  selectPhyOffset(
    keyHash: number,
    maxNum: number,
    begin: number,
    end: number,
    into: number[] = [],
  ): number[] {
    const h = this.header;
    let next = this.readInt(slotPosition(slotOf(keyHash, this.geometry.hashSlotNum)));
    if (next <= INVALID_INDEX || next > h.indexCount || h.indexCount <= 1) return into;
    while (into.length < maxNum) {
      const entry = this.readEntry(next);
      if (entry.timeDiff < 0) break;
      const time = h.beginTimestamp + entry.timeDiff * 1000;
      if (entry.keyHash === keyHash && time >= begin && time <= end) into.push(entry.phyOffset);
      const prev = entry.prevIndex;
      if (prev <= INVALID_INDEX || prev > h.indexCount || prev === next || time < begin) break;
      next = prev;
    }
    return into;
  }

  /** Whether [begin, end] overlaps this file's [beginTimestamp, endTimestamp]. */
  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (
      (begin < h.beginTimestamp && end > h.endTimestamp) ||
      (begin >= h.beginTimestamp && begin <= h.endTimestamp) ||
      (end >= h.beginTimestamp && end <= h.endTimestamp)
    );
  }

  /** Rewrites the header and fsyncs the whole file; `done` runs once it is durable. */
  flush(done: () => void = () => {}): void {
    this.writeHeader();
    this.disk.flush(this.path, () => done());
  }

  destroy(): void {
    if (this.disk.exists(this.path)) this.disk.delete(this.path);
  }

  private writeHeader(): void {
    writeIndexHeader(this.headerBytes, this.header);
    this.disk.write(this.path, 0, this.headerBytes);
  }

  private readEntry(n: number): IndexEntry {
    const { bytes, start } = this.view(entryPosition(this.geometry, n), INDEX_ENTRY_SIZE);
    return decodeIndexEntry(bytes, start)!;
  }

  private readInt(position: number): number {
    const { bytes, start } = this.view(position, HASH_SLOT_SIZE);
    return readInt32(bytes, start);
  }

  /** `length` bytes in place (this file's one span), zeros past the file's end as in a mapped file. */
  private view(position: number, length: number): DiskSpan {
    this.disk.view(this.path, position, length, this.span);
    return zeroPadSpan(this.span, length);
  }

  private writeInt(position: number, value: number): void {
    writeInt32(this.slotBytes, 0, value);
    this.disk.write(this.path, position, this.slotBytes);
  }
}
