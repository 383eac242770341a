// Progress as a person or a CI log sees it: a bar with the rate and the time left at a terminal,
// a plain line every few seconds elsewhere, nothing with --json.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { duration, progress } from './progress.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number };
  s.isTTY = isTTY;
  s.columns = 120;
  return { stream: s as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

test('not a terminal: a line at the start, then one every interval with the rate and the time left', async () => {
  const out = stream(false);
  const bar = progress(false, 'sweep', 'seeds', out.stream, 5_000);
  bar.update(0, 100);
  vi.advanceTimersByTime(10_000);
  bar.update(20, 100);
  vi.advanceTimersByTime(5_000);
  bar.stop();
  const lines = out.text().trim().split('\n');
  expect(lines[0]).toBe('sweep: 0/100 seeds (0%), 0.00 seeds/s, ETA unknown');
  expect(lines).toContain('sweep: 20/100 seeds (20%), 2.00 seeds/s, ETA 40 s');
  expect(lines.length).toBeGreaterThanOrEqual(4);
  expect(out.text()).not.toMatch(/\[/); // no bar, no cursor control in a log
});

test('a terminal: a bar with the rate and the time left', () => {
  const out = stream(true);
  const bar = progress(false, 'claims', 'cell seeds', out.stream);
  bar.update(0, 10);
  vi.advanceTimersByTime(2_000);
  bar.update(4, 10);
  vi.advanceTimersByTime(200);
  expect(out.text()).toMatch(/claims \[=+-+\] 4\/10 cell seeds \| 2\.00 cell seeds\/s \| ETA 3 s/);
  bar.stop();
});

test('--json: nothing on stderr', () => {
  const out = stream(true);
  const bar = progress(true, 'sweep', 'seeds', out.stream);
  bar.update(0, 10);
  bar.update(5, 10);
  bar.stop();
  expect(out.text()).toBe('');
});

test('durations read as a person would say them', () => {
  expect([duration(42), duration(185), duration(7_800), duration(1e6)]).toEqual([
    '42 s',
    '3 min 5 s',
    '2 h 10 min',
    '12 days',
  ]);
});
