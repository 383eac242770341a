// One run as an HTML page (report.html): the header with the replay command and the lesson, the
// property verdicts and the message accounting (rendered here, the same numbers as run.json), the
// anomalies, and the places the page's script fills from the embedded data: the message-flow
// diagram, the message view and the charts.
import type { RunResult } from '../../scenarios/runner.ts';
import { parseScenario, type Scenario, type ScenarioInput } from '../../scenarios/scenario-schema.ts';
import { html, type Html } from './escape.ts';
import { page } from './page-shell.ts';
import { LIMITS, runReportData, type Anomaly, type RunReportData } from './run-report-data.ts';

/** The order and the words of run.json's `stats`, as `rmqsim run` prints them. */
export const STAT_LABELS = [
  ['sent', 'sent'],
  ['acked', 'acknowledged'],
  ['failed', 'failed'],
  ['unknown', 'unknown'],
  ['stored', 'stored'],
  ['consumed', 'consumed'],
  ['deliveries', 'deliveries'],
  ['duplicated', 'duplicated'],
  ['lost', 'lost'],
  ['backlog', 'backlog'],
  ['recovered', 'recovered'],
] as const;

function header(data: RunReportData): Html {
  const s = data.summary;
  const verdict = s.ok ? 'every guaranteed property held' : 'a guaranteed property was violated';
  return html`<header>
    <h1><span class="scenario">${s.scenario}</span> ${data.title}</h1>
    <dl class="meta">
      <dt>seed</dt>
      <dd data-field="seed">${s.seed}</dd>
      <dt>verdict</dt>
      <dd data-field="verdict" class="${s.ok ? 'ok' : 'bad'}">${verdict}</dd>
      <dt>trace hash</dt>
      <dd data-field="traceHash"><code>${s.traceHash}</code></dd>
      <dt>virtual time</dt>
      <dd>
        ${(s.virtualTimeMs / 1000).toFixed(1)} s, ${s.events}
        events${s.stopReason === 'until' ? '' : ` (stopped: ${s.stopReason})`}
      </dd>
      <dt>replay</dt>
      <dd><code data-field="replay">${s.replay}</code></dd>
    </dl>
    <dl class="lesson">
      <dt>teaches</dt>
      <dd>${data.lesson.teaches}</dd>
      <dt>expect</dt>
      <dd>${data.lesson.expect}</dd>
      <dt>why</dt>
      <dd>${data.lesson.why}</dd>
    </dl>
  </header>`;
}

function verdicts(data: RunReportData): Html {
  const rows = data.summary.checks.map((c) => {
    const cls = c.holds ? 'ok' : c.guaranteed ? 'bad' : 'warn';
    return html`<tr data-property="${c.property}" data-holds="${c.holds}" class="${cls}">
      <td>${c.property}</td>
      <td>${c.guaranteed ? 'guaranteed' : 'reported'}</td>
      <td>${c.holds ? 'holds' : 'violated'}</td>
      <td class="num" data-violations>${c.violations}</td>
    </tr>`;
  });
  return html`<section id="verdicts">
    <h2>Properties</h2>
    <table>
      <thead>
        <tr>
          <th>property</th>
          <th>kind</th>
          <th>verdict</th>
          <th>violations</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

function accounting(data: RunReportData): Html {
  const stats = data.summary.stats as unknown as Record<string, number>;
  const cells = STAT_LABELS.map(
    ([k, label]) =>
      html`<div class="stat">
        <span class="n" data-stat="${k}">${stats[k]}</span><span class="l">${label}</span>
      </div>`,
  );
  const { drain, warnings } = data.summary;
  const lag = Object.entries(drain.lag).map(([group, behind]) => `${group} ${behind}`);
  const ended = drain.caughtUp ? 'every group caught up' : `stopped at its cap (${drain.capMs / 1000} s)`;
  return html`<section id="accounting">
    <h2>Messages</h2>
    <div class="stats">${cells}</div>
    <p data-field="drain">
      Drain from ${drain.fromMs / 1000} s to ${drain.endedAtMs / 1000} s: ${ended}; lag at the end:
      ${lag.join(', ') || 'no group'}.
    </p>
    ${warnings.map((w) => html`<p class="warn" data-field="warning">Warning: ${w}</p>`)}
  </section>`;
}

function flow(data: RunReportData): Html {
  const shown = data.net.events.length;
  const capped =
    shown < data.net.total ? ` (the ${shown} nearest the first anomaly of ${data.net.total})` : '';
  return html`<section id="flow">
    <h2>Message flow</h2>
    <div class="controls">
      <button type="button" data-move="-1" title="earlier">◀</button>
      <button type="button" data-move="1" title="later">▶</button>
      <button type="button" data-zoom="0.5" title="zoom in">+</button>
      <button type="button" data-zoom="2" title="zoom out">−</button>
      <label
        >jump to
        <select id="flow-jump"></select
      ></label>
      <label><input type="checkbox" id="flow-only-highlighted" /> only the highlighted messages</label>
      <span id="flow-window" class="muted"></span>
    </div>
    <svg id="flow-overview" class="overview" role="img" aria-label="the whole run"></svg>
    <div class="scroll"><svg id="flow-svg" role="img" aria-label="message-flow diagram"></svg></div>
    <p class="muted legend">
      <span class="req">request</span> <span class="resp">response</span> <span class="oneway">one-way</span>
      <span class="hl">highlighted message</span> <span class="fault">fault window</span><br />The trace
      records when the network delivered each message, not when it was sent, so an arrow's tail is drawn a
      fixed slant before its head; a highlighted message's attempt and answer are drawn at their real times.
      ${shown} deliveries embedded${capped}.
    </p>
  </section>`;
}

function anomalyItem(a: Anomaly): Html {
  const cls = a.guaranteed ? 'bad' : 'warn';
  const at =
    a.t === undefined
      ? ''
      : html` <a href="#flow" class="goto" data-t="${a.t}" data-anomaly="${a.id}"
          >at ${(a.t / 1000).toFixed(3)} s in the diagram</a
        >`;
  return html`<li id="${a.id}" class="${cls}">
    <span class="badge">${a.property}</span> <a href="#message" class="key" data-key="${a.key}">${a.key}</a>:
    <span class="explanation">${a.explanation}</span>${at}
  </li>`;
}

/** Anomalies listed open; the others are folded under "more". */
const SHOWN_ANOMALIES = 10;

function anomalies(data: RunReportData): Html {
  const more = data.anomaliesTotal - data.anomalies.length;
  const none = data.anomalies.length === 0 ? html`<p class="ok">No anomalies: every property held.</p>` : '';
  const hidden = data.anomalies.slice(SHOWN_ANOMALIES);
  // The rest stay in the page (anchors and the diagram's flags point at them), folded.
  const rest =
    hidden.length === 0
      ? ''
      : html`<details class="more">
          <summary>${hidden.length} more</summary>
          <ol start="${SHOWN_ANOMALIES + 1}">
            ${hidden.map(anomalyItem)}
          </ol>
        </details>`;
  const tail =
    more > 0 ? html`<p class="muted">… and ${more} more (run.json and history.jsonl have them all).</p>` : '';
  return html`<section id="anomalies">
    <h2>Anomalies <span class="count" data-count="anomalies">${data.anomaliesTotal}</span></h2>
    ${none}
    <ol>
      ${data.anomalies.slice(0, SHOWN_ANOMALIES).map(anomalyItem)}
    </ol>
    ${rest}${tail}
  </section>`;
}

function messageView(data: RunReportData): Html {
  const keys = Object.keys(data.messages);
  return html`<section id="message">
    <h2>Message</h2>
    <form id="message-search" autocomplete="off">
      <label>key <input id="message-key" list="message-keys" placeholder="m0" /></label>
      <button type="submit">show</button>
      <span class="muted"
        >${keys.length} of ${data.messagesTotal} messages embedded; CommitLog records for the anomalies'
        messages and the first ${LIMITS.firstMessages} sent</span
      >
    </form>
    <datalist id="message-keys">${keys.map((k) => html`<option value="${k}"></option>`)}</datalist>
    <div id="message-view" class="muted">Choose a message: click a key among the anomalies or type one.</div>
  </section>`;
}

function charts(): Html {
  return html`<section id="charts">
    <h2>Queues</h2>
    <p class="muted">
      Per queue over virtual time: its max offset, each group's committed offset and the lag between them.
    </p>
    <div id="queue-charts" class="charts"></div>
    <h2>CommitLog</h2>
    <p class="muted">Per broker: bytes written, flushed to disk and dispatched to the ConsumeQueues.</p>
    <div id="broker-charts" class="charts"></div>
  </section>`;
}

export function runReportPage(data: RunReportData): string {
  const s = data.summary;
  const body = html`<main>
    ${header(data)}${verdicts(data)}${accounting(data)}${flow(data)}${anomalies(data)}${messageView(data)}${charts()}
  </main>`;
  return page({ title: `rmqsim ${s.scenario} seed ${s.seed}`, body, data, script: 'run-report.js' });
}

/** The report of a run; `scenario` is what the run ran (for its title, lesson, topic and groups). */
export function runReportHtml(result: RunResult, scenario: Scenario | ScenarioInput): string {
  return runReportPage(runReportData(result, parseScenario(scenario)));
}
