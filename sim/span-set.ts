// The unflushed bytes of one simulated file (sim/disk.ts): sorted, disjoint, non-adjacent
// half-open byte ranges. They are held as one array of numbers, [start0, end0, start1, end1, ...],
// changed in place: a write, a flush or a writeback tick makes no object per range (an IndexFile's
// scattered slot writes keep thousands of ranges dirty at once).

/** Which bound of a range a search compares: its start or its end. */
const START = 0;
const END = 1;

export class SpanSet {
  private readonly bounds: number[] = [];
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  /** The first dirty byte, undefined when none is. */
  get firstStart(): number | undefined {
    return this.bounds[0];
  }

  get lastStart(): number | undefined {
    return this.bounds[this.bounds.length - 2];
  }

  get lastEnd(): number | undefined {
    return this.bounds[this.bounds.length - 1];
  }

  add(start: number, end: number): void {
    if (start >= end) return;
    const b = this.bounds;
    const n = b.length;
    // An append (most writes) starts inside or at the end of the last range: it grows in place.
    if (n > 0 && start >= b[n - 2]! && start <= b[n - 1]!) {
      if (end > b[n - 1]!) {
        this.total += end - b[n - 1]!;
        b[n - 1] = end;
      }
      return;
    }
    const i = this.search(END, start, false);
    const j = this.search(START, end, true);
    let mergedStart = start;
    let mergedEnd = end;
    if (i < j) {
      mergedStart = Math.min(start, b[2 * i]!);
      mergedEnd = Math.max(end, b[2 * j - 1]!);
    }
    for (let k = i; k < j; k++) this.total -= b[2 * k + 1]! - b[2 * k]!;
    this.total += mergedEnd - mergedStart;
    this.replace(i, j, 1, mergedStart, mergedEnd);
  }

  /** Removes [start, end). */
  remove(start: number, end: number): void {
    const b = this.bounds;
    const i = this.search(END, start, true);
    const j = this.search(START, end, false);
    if (start >= end || i >= j) return;
    for (let k = i; k < j; k++) this.total -= Math.min(b[2 * k + 1]!, end) - Math.max(b[2 * k]!, start);
    const headStart = b[2 * i]!;
    const tailEnd = b[2 * j - 1]!;
    // What is left of the first and the last range cut: 0, 1 or 2 remnants.
    if (headStart < start && tailEnd > end) this.replace(i, j, 2, headStart, start, end, tailEnd);
    else if (headStart < start) this.replace(i, j, 1, headStart, start);
    else if (tailEnd > end) this.replace(i, j, 1, end, tailEnd);
    else this.replace(i, j, 0);
  }

  /** Calls `visit` with each piece of [start, end) that is in the set, in order. */
  forEachIn(start: number, end: number, visit: (pieceStart: number, pieceEnd: number) => void): void {
    const b = this.bounds;
    if (start >= end) return;
    for (let k = this.search(END, start, true); 2 * k < b.length && b[2 * k]! < end; k++) {
      visit(Math.max(b[2 * k]!, start), Math.min(b[2 * k + 1]!, end));
    }
  }

  /** How many bytes of [start, end) are in the set. */
  bytesIn(start: number, end: number): number {
    const b = this.bounds;
    let count = 0;
    for (let k = this.search(END, start, true); 2 * k < b.length && b[2 * k]! < end; k++) {
      count += Math.min(b[2 * k + 1]!, end) - Math.max(b[2 * k]!, start);
    }
    return count;
  }

  clear(): void {
    this.bounds.length = 0;
    this.total = 0;
  }

  /** A copy of the ranges, as [start0, end0, start1, end1, ...]. */
  snapshot(): number[] {
    return this.bounds.slice();
  }

  /**
   * The lowest range index whose `bound` is above `value` (`strict`) or at least `value`; the
   * ranges are sorted and disjoint, so the test is false then true along them.
   */
  private search(bound: typeof START | typeof END, value: number, strict: boolean): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = b[2 * mid + bound]!;
      if (strict ? x > value : x >= value) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Replaces ranges [i, j) with `count` (0 to 2) given ones, moving the later ranges in place. */
  private replace(i: number, j: number, count: number, s0 = 0, e0 = 0, s1 = 0, e1 = 0): void {
    const b = this.bounds;
    const shift = 2 * (count - (j - i));
    const length = b.length;
    if (shift > 0) {
      for (let k = 0; k < shift; k++) b.push(0);
      for (let k = length - 1; k >= 2 * j; k--) b[k + shift] = b[k]!;
    } else if (shift < 0) {
      for (let k = 2 * j; k < length; k++) b[k + shift] = b[k]!;
      b.length = length + shift;
    }
    if (count > 0) {
      b[2 * i] = s0;
      b[2 * i + 1] = e0;
    }
    if (count > 1) {
      b[2 * i + 2] = s1;
      b[2 * i + 3] = e1;
    }
  }
}
