// A mapped file (CommitLog or ConsumeQueue segment) is named after the offset of its first
// byte, as 20 zero-padded decimal digits (UtilAll.offset2FileName), so names sort by offset.
// Simplification: offsets must be safe integers (below 2^53), far beyond any simulated store.

const DIGITS = 20;

export function mappedFileName(startOffset: number): string {
  if (!Number.isSafeInteger(startOffset) || startOffset < 0) {
    throw new RangeError(`a mapped file starts at a non-negative integer offset, got ${startOffset}`);
  }
  return String(startOffset).padStart(DIGITS, '0');
}

/** The start offset a file name stands for, or undefined if it is not such a name. */
export function parseMappedFileName(name: string): number | undefined {
  if (!/^\d{20}$/.test(name)) return undefined;
  const offset = Number(name);
  return Number.isSafeInteger(offset) ? offset : undefined;
}
