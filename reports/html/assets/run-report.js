/* global document, location, window */
// The run report's script: draws the message-flow diagram (lanes, deliveries, fault windows,
// highlighted messages), the message view and the charts from the JSON embedded in the page.
// What a run wrote (keys, bodies, topics, explanations) reaches the page only through textContent
// and setAttribute, never innerHTML, so a message body of `<script>` stays text.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const lanes = data.lanes;
  const runEnd = Math.max(data.summary.virtualTimeMs, 1);
  const layout = { gutter: 170, plot: 1000, laneH: 30, top: 28, slant: 10, maxDrawn: 800 };
  const state = { start: 0, width: 2000, only: false, selected: null, marked: new Set(data.highlighted) };

  // ---- small DOM helpers ----

  function svg(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function h(name, attrs, text) {
    const node = document.createElement(name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function titled(node, text) {
    node.appendChild(svg('title', {}, text));
    return node;
  }

  function seconds(ms) {
    return `${(ms / 1000).toFixed(ms < 10000 ? 3 : 1)} s`;
  }

  /** An axis label: no more digits than the tick step needs. */
  function tickLabel(ms, step) {
    const digits = Math.max(0, Math.min(3, -Math.floor(Math.log10(step / 1000))));
    return `${(ms / 1000).toFixed(digits)} s`;
  }

  /** A tick step of 1, 2 or 5 times a power of ten giving about `count` ticks. */
  function niceStep(span, count) {
    const raw = span / count;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) || pow * 10;
  }

  // ---- the flow diagram ----

  const x = (t) => layout.gutter + ((t - state.start) / state.width) * layout.plot;
  const y = (lane) => layout.top + lane * layout.laneH + layout.laneH / 2;
  const inWindow = (t) => t >= state.start && t <= state.start + state.width;

  function drawLanes(root) {
    lanes.forEach((lane, i) => {
      root.appendChild(
        svg('line', {
          x1: layout.gutter,
          x2: layout.gutter + layout.plot,
          y1: y(i),
          y2: y(i),
          class: `lane ${lane.role}`,
        }),
      );
      root.appendChild(
        titled(
          svg('text', { x: 4, y: y(i) + 4, class: 'lane-name' }, lane.name),
          `${lane.address} (${lane.role})`,
        ),
      );
    });
  }

  function drawAxis(root) {
    const step = niceStep(state.width, 8);
    for (let t = Math.ceil(state.start / step) * step; t <= state.start + state.width; t += step) {
      root.appendChild(
        svg('line', {
          x1: x(t),
          x2: x(t),
          y1: layout.top - 6,
          y2: layout.top + lanes.length * layout.laneH,
          class: 'tick',
        }),
      );
      root.appendChild(svg('text', { x: x(t), y: 12, class: 'tick-label' }, tickLabel(t, step)));
    }
  }

  function faultEnd(f) {
    return f.end === undefined ? (isInstant(f) ? f.start : runEnd) : f.end;
  }

  function isInstant(f) {
    return ['disk-loss', 'clock-jump', 'reset', 'corrupt'].includes(f.kind);
  }

  function drawFaults(root) {
    for (const f of data.faults) {
      const from = Math.max(f.start, state.start);
      const to = Math.min(faultEnd(f), state.start + state.width);
      if (to < from) continue;
      const text = `${f.label}: ${seconds(f.start)}${f.end === undefined ? '' : ` to ${seconds(f.end)}`}`;
      for (const lane of f.lanes) {
        const w = Math.max(2, x(to) - x(from));
        root.appendChild(
          titled(
            svg('rect', {
              x: x(from),
              y: y(lane) - layout.laneH / 2 + 2,
              width: w,
              height: layout.laneH - 4,
              class: `fault ${f.kind}`,
            }),
            text,
          ),
        );
      }
      const lane = Math.min(...f.lanes);
      if (Number.isFinite(lane))
        root.appendChild(svg('text', { x: x(from) + 3, y: y(lane) - 5, class: 'fault-label' }, f.label));
    }
  }

  function arrow(root, t0, from, t1, to, cls, text) {
    root.appendChild(
      titled(
        svg('line', {
          x1: x(t0),
          y1: y(from),
          x2: x(t1),
          y2: y(to),
          class: `arrow ${cls}`,
          'marker-end': `url(#head-${cls})`,
        }),
        text,
      ),
    );
  }

  function drawNet(root) {
    if (state.only) return 0;
    const visible = data.net.events.filter((e) => inWindow(e[0]));
    const every = Math.ceil(visible.length / layout.maxDrawn);
    const kinds = ['req', 'resp', 'oneway'];
    visible.forEach(([t, to, from, kind, label], i) => {
      if (i % every !== 0) return;
      const text = `${label} ${kinds[kind]} ${lanes[from].name} → ${lanes[to].name}, delivered at ${seconds(t)}`;
      arrow(root, t - (layout.slant * state.width) / layout.plot, from, t, to, kinds[kind], text);
    });
    return visible.length;
  }

  function drawMessages(root) {
    for (const a of data.arrows) {
      if (!state.marked.has(a.key) || !(inWindow(a.t0) || inWindow(a.t1))) continue;
      arrow(root, a.t0, a.from, a.t1, a.to, 'hl', a.text);
    }
    for (const key of state.marked) {
      const message = data.messages[key];
      if (!message) continue;
      const steps = message.steps.filter((s) => inWindow(s.t));
      for (const step of steps) {
        const cls = `mark ${step.outcome || ''} ${key === state.selected ? 'selected' : ''}`;
        const dot = titled(
          svg('circle', { cx: x(step.t), cy: y(step.lane), r: 5, class: cls, 'data-key': key }),
          `${key} at ${seconds(step.t)}: ${step.text}`,
        );
        dot.addEventListener('click', () => showMessage(key));
        root.appendChild(dot);
        if (step === steps[0])
          root.appendChild(svg('text', { x: x(step.t) + 6, y: y(step.lane) + 12, class: 'mark-label' }, key));
      }
    }
  }

  function drawAnomalies(root) {
    const shown = data.anomalies.slice(0, 100).filter((a) => a.t !== undefined && inWindow(a.t));
    let labelEnd = -Infinity;
    for (const a of shown) {
      const line = titled(
        svg('line', {
          x1: x(a.t),
          x2: x(a.t),
          y1: layout.top - 6,
          y2: layout.top + lanes.length * layout.laneH,
          class: 'anomaly-line',
          'data-anomaly': a.id,
        }),
        `${a.id}: ${a.explanation}`,
      );
      const link = svg('a', { href: `#${a.id}` });
      link.appendChild(
        titled(
          svg('rect', { x: x(a.t) - 4, y: layout.top - 10, width: 8, height: 8, class: 'anomaly-flag' }),
          `${a.id}: ${a.explanation}`,
        ),
      );
      // A label only where it does not run into the previous one; the flag's tooltip names the rest.
      if (shown.length <= 8 && x(a.t) > labelEnd) {
        link.appendChild(svg('text', { x: x(a.t) + 6, y: layout.top - 2, class: 'anomaly-label' }, a.id));
        labelEnd = x(a.t) + 70;
      }
      root.append(line, link);
    }
  }

  function defs() {
    const d = svg('defs');
    for (const cls of ['req', 'resp', 'oneway', 'hl']) {
      const m = svg('marker', {
        id: `head-${cls}`,
        viewBox: '0 0 8 8',
        refX: 8,
        refY: 4,
        markerWidth: 6,
        markerHeight: 6,
        orient: 'auto-start-reverse',
        class: `head ${cls}`,
      });
      m.appendChild(svg('path', { d: 'M0,0 L8,4 L0,8 z' }));
      d.appendChild(m);
    }
    return d;
  }

  function drawFlow() {
    const root = document.getElementById('flow-svg');
    const height = layout.top + lanes.length * layout.laneH + 20;
    root.replaceChildren(defs());
    root.setAttribute('width', layout.gutter + layout.plot + 10);
    root.setAttribute('height', height);
    root.setAttribute('viewBox', `0 0 ${layout.gutter + layout.plot + 10} ${height}`);
    drawAxis(root);
    drawLanes(root);
    drawFaults(root);
    const visible = drawNet(root);
    drawMessages(root);
    drawAnomalies(root);
    const thinned =
      visible > layout.maxDrawn
        ? `, ${layout.maxDrawn} of ${visible} deliveries drawn (zoom in for all)`
        : `, ${visible} deliveries`;
    document.getElementById('flow-window').textContent =
      `${seconds(state.start)} to ${seconds(state.start + state.width)}${state.only ? '' : thinned}`;
    drawOverview();
  }

  function drawOverview() {
    const root = document.getElementById('flow-overview');
    const w = layout.gutter + layout.plot + 10;
    const ox = (t) => layout.gutter + (t / runEnd) * layout.plot;
    root.replaceChildren();
    root.setAttribute('width', w);
    root.setAttribute('height', 34);
    root.setAttribute('viewBox', `0 0 ${w} 34`);
    root.appendChild(svg('text', { x: 4, y: 20, class: 'lane-name' }, 'whole run (click)'));
    root.appendChild(
      svg('rect', { x: layout.gutter, y: 4, width: layout.plot, height: 24, class: 'overview-bg' }),
    );
    for (const f of data.faults) {
      root.appendChild(
        titled(
          svg('rect', {
            x: ox(f.start),
            y: 4,
            width: Math.max(2, ox(faultEnd(f)) - ox(f.start)),
            height: 24,
            class: `fault ${f.kind}`,
          }),
          f.label,
        ),
      );
    }
    for (const a of data.anomalies)
      if (a.t !== undefined)
        root.appendChild(svg('line', { x1: ox(a.t), x2: ox(a.t), y1: 4, y2: 28, class: 'anomaly-tick' }));
    root.appendChild(
      svg('rect', {
        x: ox(state.start),
        y: 2,
        width: Math.max(3, ox(state.start + state.width) - ox(state.start)),
        height: 28,
        class: 'overview-window',
      }),
    );
  }

  function centerAt(t) {
    state.start = Math.max(0, Math.min(runEnd - state.width, t - state.width / 2));
    drawFlow();
  }

  /** A window around `t` that shows a readable number of deliveries. */
  function initialWindow(t) {
    const count = (w) => data.net.events.filter((e) => e[0] >= t - w / 2 && e[0] <= t + w / 2).length;
    let w = 2000;
    while (w > 20 && count(w) > 250) w /= 2;
    while (w < runEnd && count(w) < 30) w *= 2;
    state.width = Math.min(w, runEnd);
    centerAt(t);
  }

  function wireControls() {
    for (const b of document.querySelectorAll('[data-move]')) {
      b.addEventListener('click', () =>
        centerAt(state.start + state.width / 2 + (Number(b.dataset.move) * state.width) / 2),
      );
    }
    for (const b of document.querySelectorAll('[data-zoom]')) {
      b.addEventListener('click', () => {
        const mid = state.start + state.width / 2;
        state.width = Math.max(1, Math.min(runEnd, state.width * Number(b.dataset.zoom)));
        centerAt(mid);
      });
    }
    document.getElementById('flow-only-highlighted').addEventListener('change', (e) => {
      state.only = e.target.checked;
      drawFlow();
    });
    document.getElementById('flow-overview').addEventListener('click', (e) => {
      const box = e.currentTarget.getBoundingClientRect();
      const scale = box.width / (layout.gutter + layout.plot + 10);
      centerAt((((e.clientX - box.left) / scale - layout.gutter) / layout.plot) * runEnd);
    });
    fillJump();
  }

  function fillJump() {
    const select = document.getElementById('flow-jump');
    select.appendChild(h('option', { value: '' }, '…'));
    for (const a of data.anomalies.slice(0, 50))
      if (a.t !== undefined)
        select.appendChild(h('option', { value: a.t }, `${a.id} ${a.property} ${a.key}`));
    for (const f of data.faults)
      select.appendChild(h('option', { value: f.start }, `${seconds(f.start)} ${f.label}`));
    select.addEventListener('change', () => select.value !== '' && centerAt(Number(select.value)));
  }

  // ---- the message view ----

  function stepsTable(steps) {
    const table = h('table', { class: 'steps' });
    table.appendChild(headRow(['time', 'node', 'event', 'what happened']));
    for (const s of steps) {
      const row = h('tr', { class: s.outcome || '' });
      for (const text of [seconds(s.t), lanes[s.lane].name, s.event, s.text])
        row.appendChild(h('td', {}, text));
      table.appendChild(row);
    }
    return table;
  }

  function headRow(names) {
    const row = h('tr');
    for (const n of names) row.appendChild(h('th', {}, n));
    return row;
  }

  function recordTable(record) {
    const box = h('div', { class: 'record' });
    box.appendChild(
      h(
        'h4',
        {},
        `${record.broker}: ${record.topic}, physical offset ${record.commitLogOffset}, ${record.size} B`,
      ),
    );
    const table = h('table', { class: 'bytes' });
    table.appendChild(headRow(['offset', 'bytes', 'field', 'hex', 'value']));
    for (const f of record.fields) {
      const row = h('tr');
      row.append(
        h('td', { class: 'num' }, f.offset),
        h('td', { class: 'num' }, f.length),
        h('td', {}, f.name),
      );
      row.appendChild(h('td', { class: 'hex' }, f.hex + (f.truncated ? ' …' : '')));
      const value = h('td');
      value.appendChild(h('pre', { class: 'value', 'data-field': f.name }, f.value));
      row.appendChild(value);
      table.appendChild(row);
    }
    box.appendChild(table);
    return box;
  }

  function showMessage(key) {
    const view = document.getElementById('message-view');
    view.replaceChildren();
    view.classList.remove('muted');
    view.appendChild(h('h3', { class: 'message-key' }, key));
    const message = data.messages[key];
    if (!message) {
      view.appendChild(
        h(
          'p',
          { class: 'muted' },
          'This message is not embedded in the report (or was never sent): history.jsonl and trace.jsonl have every message.',
        ),
      );
      return;
    }
    state.selected = key;
    state.marked.add(key);
    const show = h('button', { type: 'button' }, 'show in the diagram');
    show.addEventListener('click', () => message.steps.length > 0 && centerAt(message.steps[0].t));
    view.append(show, stepsTable(message.steps));
    if (message.records === undefined)
      view.appendChild(
        h(
          'p',
          { class: 'muted' },
          "Its CommitLog records are not decoded in this report (only the anomalies' messages and the first sent are).",
        ),
      );
    else if (message.records.length === 0)
      view.appendChild(
        h('p', { class: 'warn' }, 'No CommitLog record of this message is left in the final stores.'),
      );
    else for (const r of message.records) view.appendChild(recordTable(r));
    drawFlow();
  }

  function wireMessages() {
    document.getElementById('message-search').addEventListener('submit', (e) => {
      e.preventDefault();
      showMessage(document.getElementById('message-key').value.trim());
    });
    for (const link of document.querySelectorAll('a.key[data-key]')) {
      link.addEventListener('click', () => showMessage(link.dataset.key));
    }
    for (const link of document.querySelectorAll('a.goto[data-t]')) {
      link.addEventListener('click', () => centerAt(Number(link.dataset.t)));
    }
  }

  // ---- the charts ----

  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

  function linePath(values, cx, cy) {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${cx(i).toFixed(1)},${cy(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  }

  function lineChart(title, lines) {
    const w = 520,
      hgt = 190,
      left = 60,
      right = 10,
      top = 10,
      bottom = 24;
    const t = data.charts.t;
    const max = Math.max(1, ...lines.flatMap((l) => l.values.filter((v) => v !== null)));
    const cx = (i) => left + ((t[i] || 0) / runEnd) * (w - left - right);
    const tx = (ms) => left + (ms / runEnd) * (w - left - right);
    const cy = (v) => top + (1 - v / max) * (hgt - top - bottom);
    const figure = h('figure', { class: 'chart' });
    figure.appendChild(h('figcaption', {}, title));
    const root = svg('svg', {
      width: w,
      height: hgt,
      viewBox: `0 0 ${w} ${hgt}`,
      role: 'img',
      'aria-label': title,
    });
    for (const f of data.faults)
      root.appendChild(
        titled(
          svg('rect', {
            x: tx(f.start),
            y: top,
            width: Math.max(2, tx(faultEnd(f)) - tx(f.start)),
            height: hgt - top - bottom,
            class: `fault ${f.kind}`,
          }),
          f.label,
        ),
      );
    for (const v of [0, max / 2, max]) {
      root.appendChild(svg('line', { x1: left, x2: w - right, y1: cy(v), y2: cy(v), class: 'grid' }));
      root.appendChild(svg('text', { x: left - 4, y: cy(v) + 4, class: 'y-label' }, Math.round(v)));
    }
    const step = niceStep(runEnd, 5);
    for (let s = 0; s <= runEnd; s += step)
      root.appendChild(svg('text', { x: tx(s), y: hgt - 6, class: 'x-label' }, tickLabel(s, step)));
    const legend = h('div', { class: 'chart-legend' });
    lines.forEach((l, i) => {
      const color = PALETTE[i % PALETTE.length];
      root.appendChild(
        titled(
          svg('path', {
            d: linePath(l.values, cx, cy),
            stroke: color,
            class: `series ${l.dashed ? 'dashed' : ''}`,
          }),
          l.name,
        ),
      );
      const item = h('span', { class: 'legend-item' }, l.name);
      item.style.borderColor = color;
      legend.appendChild(item);
    });
    figure.append(root, legend);
    return figure;
  }

  function drawCharts() {
    const queues = document.getElementById('queue-charts');
    for (const [id, q] of Object.entries(data.charts.queues)) {
      const lines = [{ name: 'max offset', values: q.maxOffset }];
      for (const [group, committed] of Object.entries(q.committed)) {
        lines.push({ name: `${group} committed`, values: committed });
        const lag = committed.map((c, i) =>
          c === null || q.maxOffset[i] === null ? null : Math.max(0, q.maxOffset[i] - c),
        );
        lines.push({ name: `${group} lag`, values: lag, dashed: true });
      }
      queues.appendChild(lineChart(`queue ${id}`, lines));
    }
    const brokers = document.getElementById('broker-charts');
    for (const [name, b] of Object.entries(data.charts.brokers)) {
      brokers.appendChild(
        lineChart(`${name} CommitLog (bytes)`, [
          { name: 'written', values: b.written },
          { name: 'flushed', values: b.flushed },
          { name: 'dispatched', values: b.dispatched, dashed: true },
        ]),
      );
    }
  }

  // ---- start ----

  function openFromHash() {
    const anomaly = data.anomalies.find((a) => `#${a.id}` === location.hash);
    if (anomaly === undefined) return;
    document.getElementById(anomaly.id).closest('details')?.setAttribute('open', '');
    if (anomaly.t !== undefined) centerAt(anomaly.t);
    if (data.messages[anomaly.key]) showMessage(anomaly.key);
  }

  wireControls();
  wireMessages();
  drawCharts();
  initialWindow(data.focusMs);
  openFromHash();
  window.addEventListener('hashchange', openFromHash);
})();
