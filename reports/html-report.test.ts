// The HTML reports in a real browser: the Chromium of @sparticuz/chromium (an npm package; a system
// Chromium if that fails: test-browser.ts), headless, driven by playwright-core. A
// small run is made in-process (with a hostile key, explanation, title and body injected), its
// report.html and a small guarantees matrix (claims.html, linking to a real counterexample's
// report) are written to a temp dir and opened from file: URLs with every other request refused.
// Each page must load without console or page errors, show the same counts as run.json or
// claims.json, and render `<script>alert(1)</script>` as text (no dialog may fire). A screenshot
// of each page is saved in the temp dir and its path printed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROBE_NAMES } from '../core/probes.ts';
import { CLAIM_CELLS, type ClaimCell } from '../scenarios/claims-matrix.ts';
import { matrixCoverage, probeSeeds } from '../scenarios/coverage.ts';
import type { LessonVerdict } from '../scenarios/lessons.ts';
import { findScenario } from '../scenarios/library/index.ts';
import { runScenario, type RunResult } from '../scenarios/runner.ts';
import { parseScenario, type ScenarioInput } from '../scenarios/scenario-schema.ts';
import type { ClaimRow, ClaimsMatrix } from './claims-report.ts';
import { claimsHtml, counterexampleReport } from './html/claims-page.ts';
import { runReportData } from './html/run-report-data.ts';
import { runReportPage } from './html/run-report-page.ts';
import { writeFiles } from './output-files.ts';
import { runJson } from './run-report.ts';
import { chromiumPath } from './test-browser.ts';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const HOSTILE = '<script>alert(1)</script>';

let dir: string;
let context: BrowserContext | undefined;
let scenario: ScenarioInput;
let result: RunResult;

/** The seed scenario, smaller, with `lost` guaranteed (so the run fails) and a hostile title and lesson. */
function hostileScenario(): ScenarioInput {
  const base = findScenario('async-flush-power-loss')!;
  return {
    ...base,
    title: `title ${HOSTILE}`,
    lesson: { ...base.lesson, why: HOSTILE },
    workload: { messages: 60, intervalMs: 100 },
    guarantees: ['unexpected', 'cq-consistent', 'lost'],
  } as ScenarioInput;
}

/** A hostile key and explanation, as a checker might have written them from a workload's data. */
function injectHostileViolation(run: RunResult): void {
  const lost = run.checks.find((c) => c.property === 'lost')!;
  const violation = { property: 'lost', key: HOSTILE, explanation: `explained: ${HOSTILE}` };
  lost.all.unshift(violation);
  lost.examples.unshift(violation.explanation);
  lost.violations++;
  lost.holds = false;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rmqsim-html-'));
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: await chromiumPath(),
    headless: true,
    args: ARGS,
    viewport: { width: 1300, height: 900 },
  });
  scenario = hostileScenario();
  result = runScenario(scenario, { seed: 1, keepTrace: true });
  injectHostileViolation(result);
}, 30_000);

afterAll(async () => {
  await context?.close();
});

interface Opened {
  page: Page;
  problems: string[];
  dialogs: string[];
}

/** Opens a file, refusing every request that is not a file: URL and recording what went wrong. */
async function open(file: string): Promise<Opened> {
  const page = await context!.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    problems.push(`network request: ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems, dialogs };
}

async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

describe('report.html', () => {
  test('shows run.json’s numbers, draws the run, and keeps hostile text as text', async () => {
    const data = runReportData(result, parseScenario(scenario));
    const withRecord = Object.entries(data.messages).find(([, m]) => (m.records?.length ?? 0) > 0)!;
    withRecord[1].records![0]!.fields.find((f) => f.name === 'body')!.value = HOSTILE;
    const summary = runJson(result);
    const out = join(dir, 'run');
    writeFiles(out, { 'run.json': JSON.stringify(summary), 'report.html': runReportPage(data) });
    const { page, problems, dialogs } = await open(join(out, 'report.html'));

    const text = (selector: string) => page.locator(selector).first().textContent();
    for (const [stat, value] of Object.entries(summary.stats)) {
      expect(await text(`[data-stat="${stat}"]`), stat).toBe(String(value));
    }
    for (const check of summary.checks) {
      expect(await text(`tr[data-property="${check.property}"] [data-violations]`)).toBe(
        String(check.violations),
      );
    }
    expect(await text('[data-field="traceHash"]')).toBe(summary.traceHash);
    expect(await text('[data-field="replay"]')).toBe(summary.replay);
    expect(await text('h1')).toContain(HOSTILE);
    expect(await text('dl.lesson')).toContain(HOSTILE);
    expect(await page.locator('#flow-svg line.arrow').count()).toBeGreaterThan(0);
    expect(await page.locator('#flow-overview rect.fault').count()).toBeGreaterThan(0);
    expect(await page.locator('#queue-charts figure').count()).toBeGreaterThan(0);

    await page.locator(`a.key[data-key="${HOSTILE}"]`).click();
    expect(await text('#message-view h3')).toBe(HOSTILE);
    await page.locator('#message-key').fill(withRecord[0]);
    await page.locator('#message-search button').click();
    expect(await text('#message-view pre[data-field="body"]')).toBe(HOSTILE);
    expect(await page.locator('#message-view table.steps tr').count()).toBeGreaterThan(1);
    // Only the page's own two scripts: the data and the code.
    expect(await page.locator('script').count()).toBe(2);
    await screenshot(page, 'report.png');
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('claims.html', () => {
  const cellWhere = (test: (c: ClaimCell) => boolean) => CLAIM_CELLS.find(test)!;
  const powerLoss = (flush: string) => (c: ClaimCell) =>
    c.claim === 'not-lost' &&
    c.fault === 'power-loss' &&
    c.config.flushDiskType === flush &&
    c.config.slaves === 0 &&
    c.config.sendMode === 'sync';

  function row(cell: ClaimCell, verdict: 'holds' | 'refuted', explanation?: string): ClaimRow {
    const base = { claim: cell.claim, cell: cell.id, config: cell.config, fault: cell.fault };
    const file = join(dir, 'claims', `counterexamples/${cell.id}.json`);
    const counterexample = explanation && {
      counterexample: {
        seed: result.seed,
        property: 'lost' as const,
        explanation,
        faults: result.faults.length,
        messages: result.stats.sent,
        scenario,
        replay: `npx rmqsim replay ${file}@${result.seed}`,
        file,
      },
    };
    // The refuted cell's one seed is the run the report shows: its probes are that run's.
    const probes = explanation ? probeSeeds([{ seed: result.seed, probes: Object.keys(result.probes) }]) : {};
    return { ...base, promised: cell.promised, verdict, seeds: 1, probes, ...counterexample };
  }

  test('shows claims.json’s verdicts and links a refuted cell to its run report', async () => {
    const refuted = cellWhere(powerLoss('ASYNC_FLUSH'));
    const held = cellWhere(powerLoss('SYNC_FLUSH'));
    const finding = cellWhere((c) => c.promised && c.claim === 'not-duplicated');
    const lost = result.checks.find((c) => c.property === 'lost')!;
    const claims = [
      row(refuted, 'refuted', lost.examples[1]),
      row(held, 'holds'),
      row(finding, 'refuted', `explained: ${HOSTILE}`),
    ];
    const lessons: LessonVerdict[] = [
      {
        scenario: 'quick-start',
        seed: 1,
        broken: [],
        notShown: [],
        verdict: 'holds',
        replay: 'npx rmqsim replay quick-start@1',
        probes: [],
      },
    ];
    const coverage = matrixCoverage(
      claims.map((c) => ({ runs: c.seeds, probes: c.probes })),
      lessons,
    );
    const matrix: ClaimsMatrix = {
      seeds: 1,
      from: 1,
      shard: { index: 1, count: 1 },
      claims,
      lessons,
      coverage,
    };
    const report = runReportPage(runReportData(result, parseScenario(scenario)));
    const out = join(dir, 'claims');
    writeFiles(out, {
      'claims.json': JSON.stringify(matrix),
      'claims.html': claimsHtml(matrix),
      [counterexampleReport(refuted.id)]: report,
      [counterexampleReport(finding.id)]: report,
    });
    const { page, problems, dialogs } = await open(join(out, 'claims.html'));

    const count = (name: string) => page.locator(`[data-count="${name}"]`).textContent();
    expect(await count('cells')).toBe(String(matrix.claims.length));
    expect(await count('refuted')).toBe(String(matrix.claims.filter((c) => c.verdict === 'refuted').length));
    expect(await count('findings')).toBe(
      String(matrix.claims.filter((c) => c.promised && c.verdict === 'refuted').length),
    );
    for (const r of matrix.claims) {
      const cell = page.locator(`td[data-cell="${r.cell}"]`);
      expect(await cell.getAttribute('data-verdict')).toBe(r.verdict);
      const cls = r.verdict === 'holds' ? 'holds' : r.promised ? 'finding' : 'refuted';
      expect(await cell.getAttribute('class')).toContain(cls);
    }
    expect(await count('probes')).toBe(String(PROBE_NAMES.length));
    expect(coverage.hit).toBeGreaterThan(0);
    expect(await count('probes-hit')).toBe(String(coverage.hit));
    expect(await page.locator('table.coverage tr[data-probe]').count()).toBe(PROBE_NAMES.length);
    for (const p of coverage.probes) {
      const probeRow = page.locator(`tr[data-probe="${p.probe}"]`);
      expect(await probeRow.getAttribute('data-runs')).toBe(String(p.runs));
    }
    expect(await page.locator('.counterexamples .explanation').last().textContent()).toBe(
      `explained: ${HOSTILE}`,
    );
    await screenshot(page, 'claims.png');

    await page.locator(`td[data-cell="${refuted.id}"] a`).click();
    await page.waitForURL(/counterexamples\/.*\.html$/);
    expect(await page.locator('[data-stat="sent"]').textContent()).toBe(String(result.stats.sent));
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
