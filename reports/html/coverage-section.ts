// The coverage section of the matrix page: every probe of core/ (hit or not), grouped by area, with
// how many runs hit it; a probe no run hit is marked, for it names a branch no verdict was tested on.
import type { Coverage } from '../../scenarios/coverage.ts';
import { html, type Html } from './escape.ts';

export function coverageSection(coverage: Coverage): Html {
  const rows = coverage.probes.map(
    (p) =>
      html`<tr data-probe="${p.probe}" data-runs="${p.runs}">
        <td><code>${p.probe}</code></td>
        <td class="cell ${p.runs > 0 ? 'holds' : 'finding'}">${p.runs > 0 ? p.runs : 'not hit'}</td>
        <td>${p.what}</td>
      </tr>`,
  );
  return html`<section id="coverage">
    <h2>Coverage</h2>
    <p class="summary">
      <span data-count="probes-hit">${coverage.hit}</span> of
      <span data-count="probes">${coverage.total}</span> probes hit (${coverage.percent}%) in ${coverage.runs}
      runs.
    </p>
    <p class="muted">
      A probe marks a rare or error branch of the RocketMQ code (a file roll, a CRC failure, a flush timeout,
      a send retried on another broker...). A verdict says nothing about a branch no run reached.
    </p>
    <table class="coverage">
      <tr>
        <th>probe</th>
        <th>runs</th>
        <th>the branch it marks</th>
      </tr>
      ${rows}
    </table>
  </section>`;
}
