// A lesson that no longer shows what it teaches fails the matrix, as a refuted promise does: a
// copy of async-flush-power-loss without its power loss goes through the code path `claims` and
// `merge` use (judgeLessons on a pool whose tasks run as the workers run them, reportClaims for
// the exit code and the JSON, claimsText, claimsHtml), and each names it.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { reportClaims } from '../bin/claims-run.ts';
import work from '../lib/pool-worker.ts';
import { findScenario } from '../scenarios/library/index.ts';
import { judgeLessons } from '../scenarios/lessons.ts';
import type { Pool } from '../scenarios/pool-task.ts';
import { matrixCoverage } from '../scenarios/coverage.ts';
import { claimsText, type ClaimsMatrix } from './claims-report.ts';
import { claimsHtml } from './html/index.ts';

/** The pool's tasks, run here as a worker runs them. */
const inProcess: Pool = { run: async (task) => work(task) as never, destroy: async () => {} };

const lesson = findScenario('async-flush-power-loss')!;
const weakened = { ...lesson, faults: { schedule: [] } };

async function matrixOf(scenarios: Parameters<typeof judgeLessons>[1]): Promise<ClaimsMatrix> {
  const lessons = await judgeLessons(inProcess, scenarios);
  const coverage = matrixCoverage([], lessons);
  return { seeds: 1, from: 1, shard: { index: 1, count: 1 }, claims: [], lessons, coverage };
}

/** `claims --json`'s exit code and the object it prints. */
function reported(matrix: ClaimsMatrix): { code: number; json: ClaimsMatrix } {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const code = reportClaims(matrix, true, []);
  return { code, json: JSON.parse(log.mock.calls[0]![0] as string) };
}

afterEach(() => void vi.restoreAllMocks());

describe('a lesson that stops showing what it teaches', () => {
  test('fails claims: exit 1, named in the JSON, the terminal and the HTML page', async () => {
    const matrix = await matrixOf([weakened, findScenario('quick-start')!]);
    const { code, json } = reported(matrix);
    expect(code).toBe(1);
    expect(json.lessons[0]).toMatchObject({
      scenario: 'async-flush-power-loss',
      verdict: 'not shown',
      notShown: ['lost'],
      broken: [],
    });
    expect(json.lessons[1]).toMatchObject({ scenario: 'quick-start', verdict: 'holds' });
    const text = claimsText(matrix);
    expect(text).toMatch(
      /async-flush-power-loss[\s\S]*LESSON FAILED: it no longer shows what it teaches \(lost not violated\)/,
    );
    expect(text).toContain('2 lessons, 1 failed: async-flush-power-loss (not shown)');
    const page = claimsHtml(matrix);
    expect(page).toMatch(/data-count="failed-lessons" class="bad"\s*>1</);
    expect(page).toContain('data-failed-lesson="async-flush-power-loss"');
    expect(page).toMatch(/data-lesson="async-flush-power-loss" data-verdict="not shown"/);
  });

  test('the lesson as written shows what it teaches: exit 0', async () => {
    const matrix = await matrixOf([lesson]);
    const { code, json } = reported(matrix);
    expect(json.lessons[0]).toMatchObject({ verdict: 'holds', notShown: [] });
    expect(code).toBe(0);
    expect(claimsText(matrix)).toContain('1 lessons, 0 failed');
  });
});
