// Progress of a long command on stderr (cli-progress): a bar with the rate and the time left at a
// terminal, a plain line every few seconds when stderr is a file or a CI log, nothing with --json
// (stdout then carries one JSON object and stderr stays quiet). RMQSIM_PROGRESS_MS sets how often
// a plain line is printed (default 5,000 ms).
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

/** Seconds as "42 s", "3 min 5 s", "2 h 10 min" or "12 days". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 2 * 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.round(s / 86_400)} days`;
}

export function progress(
  json: boolean,
  label: string,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
  lineEveryMs = Number(process.env.RMQSIM_PROGRESS_MS ?? 5_000),
): Progress {
  if (json) return SILENT;
  const format = stream.isTTY
    ? `${label} [{bar}] {value}/{total} ${unit} | {rate} | ETA {left}`
    : `${label}: {value}/{total} ${unit} ({percentage}%), {rate}, ETA {left}`;
  const bar = new cliProgress.SingleBar({
    stream,
    format,
    noTTYOutput: true,
    notTTYSchedule: lineEveryMs,
    barsize: 30,
    hideCursor: false,
    clearOnComplete: true,
  });
  const startedAt = Date.now();
  let started = false;
  return {
    update(done, total) {
      const seconds = (Date.now() - startedAt) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const payload = {
        rate: `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${unit}/s`,
        left: done === 0 || rate === 0 ? 'unknown' : duration((total - done) / rate),
      };
      if (!started) bar.start(total, done, payload);
      else bar.update(done, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
