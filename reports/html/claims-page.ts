// The guarantees matrix as an HTML page (claims.html): one table per claim, configurations down
// and faults across, each cell coloured by its verdict (holds; refuted where RocketMQ does not
// promise the claim, the lesson; refuted where it does, a finding), each refuted cell linking to
// its counterexample's run report (counterexamples/<cell>.html, written next to its JSON); then the
// lessons, and the coverage: every probe of core/ with how many runs hit it.
import {
  brokenLessons,
  configText,
  findings,
  lessonWords,
  type ClaimRow,
  type ClaimsMatrix,
} from '../claims-report.ts';
import { coverageSection } from './coverage-section.ts';
import { html, type Html } from './escape.ts';
import { page } from './page-shell.ts';

/** Where a refuted cell's run report is, relative to claims.html. */
export const counterexampleReport = (cell: string) =>
  `counterexamples/${encodeURIComponent(cell).replace(/%2B/g, '+')}.html`;

const unique = <T>(list: T[]) => [...new Set(list)];

function verdictClass(row: ClaimRow): 'holds' | 'refuted' | 'finding' {
  if (row.verdict === 'holds') return 'holds';
  return row.promised ? 'finding' : 'refuted';
}

function cell(row: ClaimRow | undefined, linked: boolean): Html {
  if (row === undefined) return html`<td class="cell empty">·</td>`;
  const cls = verdictClass(row);
  const word = { holds: 'holds', refuted: 'refuted', finding: 'FINDING' }[cls];
  const probes = Object.keys(row.probes).length;
  // The parts of the randomized space its seeds drew from (scenarios/space.ts), if any.
  const space = row.space !== undefined && row.space.length > 0 ? `; space: ${row.space.join(', ')}` : '';
  const title =
    (row.counterexample?.explanation ?? `${row.verdict} over ${row.seeds} seeds, ${probes} probes hit`) +
    space;
  const verdict =
    row.counterexample !== undefined && linked
      ? html`<a href="${counterexampleReport(row.cell)}">${word}</a>`
      : html`${word}`;
  return html`<td
    class="cell ${cls}"
    data-cell="${row.cell}"
    data-verdict="${row.verdict}"
    data-promised="${row.promised}"
    data-probes="${probes}"
    data-space="${(row.space ?? []).join(' ')}"
    title="${title}"
  >
    ${verdict} <span class="seeds">(${row.seeds})</span
    ><span class="promised">${row.promised ? 'promised' : 'not promised'}</span>
  </td>`;
}

function claimTable(claim: string, rows: ClaimRow[], linked: boolean): Html {
  const faults = unique(rows.map((r) => r.fault));
  const configs = unique(rows.map(configText));
  const body = configs.map((config) => {
    const cells = faults.map((f) =>
      cell(
        rows.find((r) => configText(r) === config && r.fault === f),
        linked,
      ),
    );
    return html`<tr>
      <th>${config}</th>
      ${cells}
    </tr>`;
  });
  return html`<section class="claim" id="claim-${claim}">
    <h2>${claim}</h2>
    <table class="matrix">
      <thead>
        <tr>
          <th>configuration \\ fault</th>
          ${faults.map((f) => html`<th>${f}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>
  </section>`;
}

function counterexamples(rows: ClaimRow[], linked: boolean): Html {
  const items = rows.flatMap((row) => {
    const cx = row.counterexample;
    if (cx === undefined) return [];
    const report = linked ? html` <a href="${counterexampleReport(row.cell)}">run report</a>` : '';
    return [
      html`<li id="cx-${row.cell}" class="${verdictClass(row)}">
        <code>${row.cell}</code>: seed ${cx.seed}, ${cx.faults} faults, ${cx.messages} messages,
        <span class="badge">${cx.property}</span> <span class="explanation">${cx.explanation}</span>${report}
        <br /><code>${cx.replay}</code>
      </li>`,
    ];
  });
  if (items.length === 0) return html``;
  return html`<section>
    <h2>Counterexamples</h2>
    <ul class="counterexamples">
      ${items}
    </ul>
  </section>`;
}

function lessons(matrix: ClaimsMatrix): Html {
  if (matrix.lessons.length === 0) return html``;
  const rows = matrix.lessons.map((l) => {
    const cls = l.verdict === 'holds' ? 'holds' : 'finding';
    return html`<tr data-lesson="${l.scenario}" data-verdict="${l.verdict}">
      <td><code>${l.scenario}</code></td>
      <td>${l.seed}</td>
      <td class="cell ${cls}">${lessonWords(l)}</td>
      <td><code>${l.replay}</code></td>
    </tr>`;
  });
  return html`<section>
    <h2>Lessons</h2>
    <p class="muted">
      Each built-in scenario at its own seed: its guarantees hold, and what it teaches shows.
    </p>
    <table class="lessons">
      <tr>
        <th>scenario</th>
        <th>seed</th>
        <th>verdict</th>
        <th>replay</th>
      </tr>
      ${rows}
    </table>
  </section>`;
}

export interface ClaimsPageOptions {
  /** Link refuted cells to counterexamples/<cell>.html (the claims command writes them). */
  linkReports?: boolean;
}

/** The summary's word on the lessons: how many failed, each named (a failed lesson fails the matrix). */
function failedLessons(matrix: ClaimsMatrix): Html {
  if (matrix.lessons.length === 0) return html``;
  const failed = brokenLessons(matrix);
  const names = failed.map((l) => html` <code data-failed-lesson="${l.scenario}">${l.scenario}</code>`);
  return html`<span data-count="failed-lessons" class="${failed.length > 0 ? 'bad' : 'ok'}"
      >${failed.length}</span
    >
    of ${matrix.lessons.length} lessons failed${failed.length > 0 ? html`:${names}` : ''}.`;
}

export function claimsHtml(matrix: ClaimsMatrix, { linkReports = true }: ClaimsPageOptions = {}): string {
  const claims = unique(matrix.claims.map((r) => r.claim));
  const refuted = matrix.claims.filter((c) => c.verdict === 'refuted').length;
  const bad = findings(matrix).length;
  const last = matrix.from + matrix.seeds - 1;
  const body = html`<main>
    <header>
      <h1>rmqsim: the guarantees matrix</h1>
      <p class="summary">
        <span data-count="cells">${matrix.claims.length}</span> cells,
        <span data-count="refuted">${refuted}</span> refuted,
        <span data-count="findings" class="${bad > 0 ? 'bad' : 'ok'}">${bad}</span> refuted where RocketMQ
        promises the claim (seeds ${matrix.from}..${last}). ${failedLessons(matrix)}
        <a href="#coverage">${matrix.coverage.hit} of ${matrix.coverage.total} probes</a> hit.
      </p>
      <p class="muted">
        A cell is one claim under one configuration and one fault, judged over its seeds (in brackets: how
        many ran until the verdict).
        <span class="swatch holds">holds</span>, <span class="swatch refuted">refuted</span> where RocketMQ
        does not promise the claim (the lesson), <span class="swatch finding">FINDING</span>: refuted where
        its documentation promises it.
      </p>
    </header>
    ${claims.map((c) =>
      claimTable(
        c,
        matrix.claims.filter((r) => r.claim === c),
        linkReports,
      ),
    )}
    ${counterexamples(matrix.claims, linkReports)} ${lessons(matrix)} ${coverageSection(matrix.coverage)}
  </main>`;
  return page({ title: 'rmqsim guarantees matrix', body });
}
