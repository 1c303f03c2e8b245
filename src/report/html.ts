/**
 * A trace as one self-contained HTML page (no network needed to open it): a space-time diagram
 * with a lifeline per participant and a row per step (messages as arrows, local events as
 * notes), a step list, a slider, and a panel with the full state after the selected step. A
 * lasso's cycle is highlighted in the diagram and the step list.
 */
import type { Action, Model } from '../model.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderTraceHtml<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  title: string,
  violation?: { invariant: string; statement: string; step: number },
  lasso?: { cycleStart: number },
): string {
  const views = model.views;
  const participants = views?.participants ?? ['system'];
  const data = {
    title,
    participants,
    violation: violation ?? null,
    cycleStart: lasso?.cycleStart ?? null,
    cells: states.map((s) => views?.cells(s) ?? { state: model.summarize(s) }),
    steps: steps.slice(0, states.length - 1).map((a, i) => ({
      label: model.describe(a),
      picture: views?.picture(states[i], a, states[i + 1]) ?? { arrows: [], notes: [{ over: participants[0], text: a.step }] },
    })),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(title)}</h1>${headline(violation, lasso, data.steps.length)}</header>
<main>
<section id="diagram"></section>
<aside>
<label>Step <output id="current">0</output> of ${data.steps.length}<input id="slider" type="range" min="0" max="${data.steps.length}" value="0"></label>
<ol id="steps" start="0"></ol>
<table id="state"></table>
</aside>
</main>
<script id="trace-data" type="application/json">${json}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

function headline(violation: { invariant: string; statement: string; step: number } | undefined, lasso: { cycleStart: number } | undefined, n: number): string {
  if (violation === undefined) return '<p id="violation" class="ok">No invariant violated.</p>';
  const what = `<b>${escapeHtml(violation.invariant)}</b> — ${escapeHtml(violation.statement)}`;
  if (lasso === undefined) return `<p id="violation">Violated after step ${violation.step}: ${what}</p>`;
  const cycle = lasso.cycleStart < n ? `steps ${lasso.cycleStart + 1}-${n} (highlighted) repeat for ever` : `no fair step is enabled after step ${lasso.cycleStart}`;
  return `<p id="violation">Violated for ever (${cycle}): ${what}</p>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 8px 16px; border-bottom: 1px solid #ddd; } h1 { font-size: 18px; margin: 4px 0; }
#violation { color: #a00; } #violation.ok { color: #070; }
main { display: flex; gap: 16px; padding: 8px 16px; }
#diagram { flex: 1 1 60%; overflow: auto; } aside { flex: 1 1 40%; }
#slider { width: 100%; } ol { max-height: 240px; overflow: auto; padding-left: 32px; }
li { cursor: pointer; } li.current { background: #ffe9a8; } li.bad { color: #a00; font-weight: bold; }
li.cycle { border-left: 4px solid #c60; } g.step.cycle rect.band { fill: #fdebd8; }
table { border-collapse: collapse; width: 100%; font: 12px/1.3 ui-monospace, monospace; }
td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; } td.changed { background: #e5f3ff; }
svg text { font: 11px ui-monospace, monospace; } g.step.current rect.band { fill: #ffe9a8; }
`;

const SCRIPT = `
const data = JSON.parse(document.getElementById('trace-data').textContent);
const NS = 'http://www.w3.org/2000/svg', colW = 150, rowH = 30, head = 40;
const x = (p) => 75 + colW * data.participants.indexOf(p);
const el = (name, attrs, text) => { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; };
const svg = el('svg', { width: colW * data.participants.length, height: head + rowH * (data.steps.length + 1) });
svg.appendChild(el('defs', {})).appendChild(el('marker', { id: 'arrow', markerWidth: 8, markerHeight: 8, refX: 7, refY: 3, orient: 'auto' })).appendChild(el('path', { d: 'M0,0 L7,3 L0,6 z' }));
data.participants.forEach((p) => {
  svg.appendChild(el('text', { x: x(p), y: 20, 'text-anchor': 'middle', 'font-weight': 'bold' }, p));
  svg.appendChild(el('line', { x1: x(p), y1: 28, x2: x(p), y2: head + rowH * (data.steps.length + 1), stroke: '#bbb', 'stroke-dasharray': '4 3' }));
});
data.steps.forEach((s, i) => {
  const y = head + rowH * i + rowH / 2, g = el('g', { class: data.cycleStart !== null && i >= data.cycleStart ? 'step cycle' : 'step', 'data-step': i + 1 });
  g.appendChild(el('rect', { class: 'band', x: 0, y: y - rowH / 2, width: colW * data.participants.length, height: rowH, fill: 'transparent' }));
  g.appendChild(el('text', { x: 4, y: y + 4, fill: '#888' }, String(i + 1)));
  for (const a of s.picture.arrows) {
    g.appendChild(el('line', { x1: x(a.from), y1: y - 6, x2: x(a.to), y2: y + 6, stroke: '#246', 'marker-end': 'url(#arrow)' }));
    g.appendChild(el('text', { x: (x(a.from) + x(a.to)) / 2, y: y - 8, 'text-anchor': 'middle' }, a.label));
  }
  for (const n of s.picture.notes) {
    const box = g.appendChild(el('rect', { x: x(n.over) - 70, y: y - 10, width: 140, height: 20, fill: '#f4f4d0', stroke: '#cc9' }));
    box.appendChild(el('title', {}, n.text));
    g.appendChild(el('text', { x: x(n.over), y: y + 4, 'text-anchor': 'middle' }, n.text.length > 22 ? n.text.slice(0, 21) + '…' : n.text));
  }
  g.addEventListener('click', () => show(i + 1));
  svg.appendChild(g);
});
document.getElementById('diagram').appendChild(svg);
const list = document.getElementById('steps');
['initial state', ...data.steps.map((s) => s.label)].forEach((label, i) => {
  const li = document.createElement('li');
  li.textContent = label; li.dataset.step = i;
  if (data.violation && data.cycleStart === null && data.violation.step === i) li.classList.add('bad');
  if (data.cycleStart !== null && i > data.cycleStart) li.classList.add('cycle');
  li.addEventListener('click', () => show(i));
  list.appendChild(li);
});
const slider = document.getElementById('slider');
slider.addEventListener('input', () => show(Number(slider.value)));
document.addEventListener('keydown', (e) => { if (e.key === 'ArrowRight') show(Math.min(data.steps.length, Number(slider.value) + 1)); if (e.key === 'ArrowLeft') show(Math.max(0, Number(slider.value) - 1)); });
function show(k) {
  slider.value = k; document.getElementById('current').textContent = k;
  document.querySelectorAll('li.current, g.step.current').forEach((n) => n.classList.remove('current'));
  list.children[k].classList.add('current');
  const g = document.querySelector('g.step[data-step="' + k + '"]'); if (g) g.classList.add('current');
  const table = document.getElementById('state'); table.textContent = '';
  const cells = data.cells[k], before = data.cells[Math.max(0, k - 1)];
  for (const key of Object.keys(cells)) {
    const tr = table.insertRow(), th = document.createElement('th'); th.textContent = key; tr.appendChild(th);
    const td = tr.insertCell(); td.textContent = cells[key]; td.dataset.cell = key;
    if (k > 0 && cells[key] !== before[key]) td.classList.add('changed');
  }
}
show(0);
`;
