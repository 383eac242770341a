// Bytes allocated on the way, estimated from V8's sampling heap profiler (about one object sampled
// for every SAMPLING_INTERVAL bytes allocated, whether it is collected or not). Unlike a wall time,
// the count moves by about 1% between runs of the same code on a busy machine, so it shows
// whether a change made the hot path lighter. It does not see memory outside the JS heap.
import { Session } from 'node:inspector/promises';

const SAMPLING_INTERVAL = 1024;

/** Bytes allocated while `body` runs (after one warm-up run of it). */
export async function allocatedBytes(body: () => void): Promise<number> {
  body();
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    body();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    // The protocol's samples (one per sampled object; @types/node leaves them out). An object of
    // `size` bytes is sampled with probability 1 - e^(-size/interval), so it stands for its size
    // divided by that, as V8 scales the profile's own totals.
    const { samples } = profile as unknown as { samples: { size: number }[] };
    let bytes = 0;
    for (const { size } of samples) bytes += size / (1 - Math.exp(-size / SAMPLING_INTERVAL));
    return bytes;
  } finally {
    session.disconnect();
  }
}
