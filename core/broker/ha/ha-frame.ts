// RocketMQ 4.x HA's own framing, as HAConnection and HAClient write it on the HA port (no
// RemotingCommand there), big-endian:
// - the slave writes its CommitLog max offset, 8 bytes, as a report (HAClient.reportSlaveMaxOffset);
// - the master writes [offset 8][size 4] and `size` bytes of its CommitLog from `offset`; a size
//   of 0 is its heartbeat (WriteSocketService).
// Either side reads a stream: these decoders take its chunks as they come and give whole frames.
import { getInt64, setInt64 } from '../../message/bytes.ts';

export const REPORT_SIZE = 8;
export const TRANSFER_HEADER_SIZE = 12;

export function encodeReport(maxOffset: number): Uint8Array {
  const out = new Uint8Array(REPORT_SIZE);
  setInt64(new DataView(out.buffer), 0, maxOffset);
  return out;
}

export function encodeTransfer(offset: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(TRANSFER_HEADER_SIZE + data.length);
  const view = new DataView(out.buffer);
  setInt64(view, 0, offset);
  view.setInt32(8, data.length);
  out.set(data, TRANSFER_HEADER_SIZE);
  return out;
}

/** Bytes of a stream not yet read as a frame, grown as chunks arrive. */
class StreamBuffer {
  private bytes = new Uint8Array(0);

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.bytes.length + chunk.length);
    joined.set(this.bytes);
    joined.set(chunk, this.bytes.length);
    this.bytes = joined;
  }

  get length(): number {
    return this.bytes.length;
  }

  view(): DataView {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** The first `n` bytes, copied, and gone from the buffer. */
  take(n: number): Uint8Array {
    const out = this.bytes.slice(0, n);
    this.bytes = this.bytes.subarray(n);
    return out;
  }
}

/** The master's reading of a slave's stream: each whole 8 bytes is a report (ReadSocketService). */
export class ReportDecoder {
  private readonly buffer = new StreamBuffer();

  push(chunk: Uint8Array): number[] {
    this.buffer.push(chunk);
    const reports: number[] = [];
    while (this.buffer.length >= REPORT_SIZE) {
      reports.push(getInt64(new DataView(this.buffer.take(REPORT_SIZE).buffer), 0));
    }
    return reports;
  }
}

export interface TransferFrame {
  readonly offset: number;
  readonly data: Uint8Array;
}

/** The slave's reading of its master's stream (HAClient.dispatchReadRequest). */
export class TransferDecoder {
  private readonly buffer = new StreamBuffer();

  /** Whole frames; throws a RangeError on a negative size (the stream is then unusable). */
  push(chunk: Uint8Array): TransferFrame[] {
    this.buffer.push(chunk);
    const frames: TransferFrame[] = [];
    while (this.buffer.length >= TRANSFER_HEADER_SIZE) {
      const view = this.buffer.view();
      const size = view.getInt32(8);
      if (size < 0) throw new RangeError(`HA transfer of ${size} bytes`);
      if (this.buffer.length < TRANSFER_HEADER_SIZE + size) break;
      const offset = getInt64(view, 0);
      const frame = this.buffer.take(TRANSFER_HEADER_SIZE + size);
      frames.push({ offset, data: frame.subarray(TRANSFER_HEADER_SIZE) });
    }
    return frames;
  }
}
