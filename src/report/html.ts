/**
 * A trace as one self-contained HTML page (no network needed to open it): a space-time diagram
 * with a lifeline per participant and a row per step, each step a box over the one who acts saying
 * what happened in the protocol's words (the step's name in its tooltip), each message one arrow
 * from the step that sent it to the step that received it; a step list, a slider, and the full
 * state after the selected step. It opens at the violation (or the last step), its title names the
 * protocol and the invariant, and it says what is missing where and how many late deliveries the
 * trace needs. A lasso's cycle is highlighted.
 */
import type { Action, Model, StepPicture } from '../model.ts';
import { lateDeliveries, lateLine } from './late.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type Violation = { invariant: string; statement: string; step: number };

/** A message drawn from the step that sent it (0: already in the initial state) to the step that took it off the network. */
export interface DrawnMessage {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly sent: number;
  /** The step that took it, or null when it is still in flight at the end of the trace. */
  readonly received: number | null;
  readonly fate: 'delivered' | 'lost' | 'dropped' | 'in flight';
}

/** Pairs each message sent with the step that took it, connection by connection (each is FIFO). */
export function pairMessages<S, A extends Action>(model: Model<S, A>, steps: readonly A[], states: readonly S[]): DrawnMessage[] | null {
  const traffic = model.presentation?.views?.traffic;
  if (traffic === undefined) return null;
  const out: { from: string; to: string; label: string; sent: number; received: number | null; fate: DrawnMessage['fate'] }[] = [];
  const queues = new Map<string, number[]>();
  for (let i = 0; i < steps.length && i + 1 < states.length; i++) {
    const t = traffic(states[i], steps[i], states[i + 1]);
    for (const { connection, fate } of t.taken) {
      const k = queues.get(connection)?.shift();
      if (k !== undefined) Object.assign(out[k], { received: i + 1, fate });
    }
    for (const m of t.sent) {
      queues.set(m.connection, [...(queues.get(m.connection) ?? []), out.length]);
      out.push({ from: m.from, to: m.to, label: m.label, sent: i + 1, received: null, fate: 'in flight' });
    }
  }
  return out;
}

/** The lifeline a step's box sits on: the receiver of what it delivers, or the one its picture names first. */
function actorOf(picture: StepPicture, delivered: DrawnMessage | undefined, first: string): string {
  return delivered?.to ?? picture.notes[0]?.over ?? picture.arrows[0]?.to ?? first;
}

/** One step as a picture draws it: its words, the lifeline its box sits on, and its arrows that are not messages drawn from their send. */
export interface DrawnStep {
  readonly name: string;
  readonly describe: string;
  readonly lines: readonly string[];
  readonly over: string;
  readonly arrows: StepPicture['arrows'];
}

/** The steps of a trace and its messages as a space-time diagram draws them (the HTML viewer and the explorer). */
export function drawnTrace<S, A extends Action>(model: Model<S, A>, steps: readonly A[], states: readonly S[]): { steps: DrawnStep[]; messages: DrawnMessage[] } {
  const views = model.presentation?.views;
  const participants = views?.participants ?? ['system'];
  const n = Math.min(steps.length, states.length - 1);
  const messages = pairMessages(model, steps, states) ?? [];
  return {
    messages,
    steps: steps.slice(0, n).map((a, i) => {
      const picture = views?.picture(states[i], a, states[i + 1]) ?? { arrows: [], notes: [{ over: participants[0], text: a.step }] };
      const delivered = messages.find((m) => m.received === i + 1 && m.fate === 'delivered');
      return {
        name: a.step,
        describe: model.describe(a),
        lines: views?.narrate?.(states[i], a, states[i + 1]) ?? [model.describe(a)],
        over: actorOf(picture, delivered, participants[0]),
        // A delivered message is drawn from its send; the picture's arrow for it would repeat it.
        arrows: delivered === undefined ? picture.arrows : [],
      };
    }),
  };
}

/** The page's title: protocol and size, then the verdict and where it falls (`kafka-4.1 · rf 3 · acks-all-durable violated at step 14`). */
function pageTitle(heading: string, violation: Violation | undefined, lasso: { cycleStart: number } | undefined): string {
  if (violation === undefined) return `${heading} · no invariant violated`;
  if (lasso !== undefined) return `${heading} · ${violation.invariant} violated for ever from step ${lasso.cycleStart}`;
  return `${heading} · ${violation.invariant} violated at step ${violation.step}`;
}

export function renderTraceHtml<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  source: string,
  violation?: Violation,
  lasso?: { cycleStart: number },
): string {
  const views = model.presentation?.views;
  const participants = views?.participants ?? ['system'];
  const n = Math.min(steps.length, states.length - 1);
  const drawn = drawnTrace(model, steps, states);
  const title = pageTitle(views?.heading ?? model.name, violation, lasso);
  const missing = violation !== undefined && views?.missing !== undefined ? views.missing(violation.invariant, states.slice(0, violation.step + 1)) : null;
  const late = lateDeliveries(model, steps.slice(0, n), states);
  const data = {
    participants,
    violation: violation ?? null,
    cycleStart: lasso?.cycleStart ?? null,
    open: violation !== undefined && lasso === undefined ? Math.min(violation.step, n) : n,
    cells: states.slice(0, n + 1).map((s) => views?.cells(s) ?? { state: model.summarize(s) }),
    messages: drawn.messages,
    steps: drawn.steps,
    late,
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(title)}</h1>
<p class="source">${escapeHtml(source)} · ${n} step${n === 1 ? '' : 's'}</p>
${headline(violation, lasso, n)}${missing === null ? '' : `\n<p id="missing">${escapeHtml(missing)}</p>`}${late === null ? '' : `\n<p id="late">${escapeHtml(lateLine(late))}</p>`}</header>
<main>
<section id="diagram"><div id="grid"></div></section>
<aside>
<label>Step <output id="current">0</output> of ${n}<input id="slider" type="range" min="0" max="${n}" value="0"></label>
<ol id="steps" start="0"></ol>
<table id="state"></table>
</aside>
</main>
<script id="trace-data" type="application/json">${json}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

function headline(violation: Violation | undefined, lasso: { cycleStart: number } | undefined, n: number): string {
  if (violation === undefined) return '<p id="violation" class="ok">No invariant violated.</p>';
  const what = `<b>${escapeHtml(violation.invariant)}</b> — ${escapeHtml(violation.statement)}`;
  if (lasso === undefined) return `<p id="violation">Violated after step ${violation.step}: ${what}</p>`;
  const cycle = lasso.cycleStart < n ? `steps ${lasso.cycleStart + 1}-${n} (highlighted) repeat for ever` : `no fair step is enabled after step ${lasso.cycleStart}`;
  return `<p id="violation">Violated for ever (${cycle}): ${what}</p>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 8px 16px; border-bottom: 1px solid #ddd; } h1 { font-size: 18px; margin: 4px 0; }
header p { margin: 2px 0; } .source { color: #666; font-size: 12px; }
#violation { color: #a00; } #violation.ok { color: #070; } #missing { color: #700; background: #fdecec; padding: 4px 8px; border-left: 4px solid #a00; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 16px; padding: 8px 16px; }
#diagram { overflow: auto; max-height: calc(100vh - 140px); border: 1px solid #eee; position: relative; }
#grid { display: grid; position: relative; row-gap: 16px; padding-bottom: 12px; }
#grid .lane { position: sticky; top: 0; z-index: 4; background: #fff; font-weight: bold; text-align: center; padding: 4px 0; border-bottom: 1px solid #ddd; }
#grid .band { z-index: 0; cursor: pointer; } #grid .band.cycle { background: #fdebd8; } #grid .band.current { background: #ffe9a8; }
#grid .num { z-index: 2; color: #888; font: 11px ui-monospace, monospace; padding: 4px; cursor: pointer; }
#grid .num.bad { color: #a00; font-weight: bold; }
#grid .box { z-index: 2; margin: 0 8px; padding: 3px 6px; background: #f4f4d0; border: 1px solid #cc9; border-radius: 3px;
  font: 11px/1.35 system-ui, sans-serif; overflow-wrap: anywhere; cursor: pointer; align-self: start; }
#grid .box div + div { color: #444; } #grid .box.current { outline: 2px solid #d9a400; } #grid .box.bad { border-color: #a00; background: #fbe3e3; }
#wires { position: absolute; left: 0; top: 0; z-index: 1; pointer-events: none; }
#wires text { font: 10px ui-monospace, monospace; } #wires rect.halo { fill: #fff; opacity: 0.9; }
#grid .box .sent { color: #246; font-style: italic; }
#slider { width: 100%; } ol { max-height: 260px; overflow: auto; padding-left: 32px; margin: 6px 0; }
li { cursor: pointer; } li.current { background: #ffe9a8; } li.bad { color: #a00; font-weight: bold; }
li small { color: #888; font: 10px ui-monospace, monospace; margin-left: 6px; }
li.cycle { border-left: 4px solid #c60; }
table { border-collapse: collapse; width: 100%; font: 12px/1.3 ui-monospace, monospace; }
td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; } td.changed { background: #e5f3ff; }
`;

const SCRIPT = `
const data = JSON.parse(document.getElementById('trace-data').textContent);
const NS = 'http://www.w3.org/2000/svg', laneW = 190, P = data.participants.length;
const grid = document.getElementById('grid');
grid.style.gridTemplateColumns = '40px repeat(' + P + ', ' + laneW + 'px)';
const col = (p) => 2 + Math.max(0, data.participants.indexOf(p));
const div = (cls, row, column, text) => { const d = document.createElement('div'); d.className = cls; d.style.gridRow = row; d.style.gridColumn = column; if (text !== undefined) d.textContent = text; grid.appendChild(d); return d; };
data.participants.forEach((p) => div('lane', 1, col(p), p).dataset.lane = p);
const bands = [], boxes = [];
const initial = div('band', 2, '1 / -1'); bands.push(initial); initial.addEventListener('click', () => show(0));
div('num', 2, 1, '0'); div('box init', 2, '2 / -1', 'initial state').addEventListener('click', () => show(0));
data.steps.forEach((s, i) => {
  const row = i + 3, k = i + 1, inCycle = data.cycleStart !== null && i >= data.cycleStart;
  const band = div('band' + (inCycle ? ' cycle' : ''), row, '1 / -1'); band.dataset.step = k; bands.push(band);
  const bad = data.violation && data.cycleStart === null && data.violation.step === k;
  div('num' + (bad ? ' bad' : ''), row, 1, String(k));
  const box = div('box' + (bad ? ' bad' : ''), row, col(s.over)); box.dataset.step = k; box.dataset.over = s.over;
  box.title = s.name + ': ' + s.describe;
  for (const line of s.lines) box.appendChild(document.createElement('div')).textContent = line;
  for (const m of data.messages) {
    if (m.received === k && m.sent < k - 1) { const d = box.appendChild(document.createElement('div')); d.className = 'sent'; d.textContent = '↖ ' + (m.fate === 'delivered' ? 'sent' : m.fate + ', sent') + ' at step ' + m.sent; }
  }
  boxes[k] = box;
  for (const el of [band, box]) el.addEventListener('click', () => show(k));
});
const el = (name, attrs, text) => { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; };
function wire() {
  const old = document.getElementById('wires'); if (old) old.remove();
  const g0 = grid.getBoundingClientRect();
  const svg = el('svg', { id: 'wires', width: grid.scrollWidth, height: grid.scrollHeight });
  const defs = svg.appendChild(el('defs', {}));
  const labels = [];
  for (const [id, color] of [['arrow', '#246'], ['arrow-lost', '#a00']]) {
    defs.appendChild(el('marker', { id, markerWidth: 8, markerHeight: 8, refX: 7, refY: 3, orient: 'auto' })).appendChild(el('path', { d: 'M0,0 L7,3 L0,6 z', fill: color }));
  }
  const rect = (node) => { const r = node.getBoundingClientRect(); return { left: r.left - g0.left, right: r.right - g0.left, top: r.top - g0.top, bottom: r.bottom - g0.top, mid: (r.top + r.bottom) / 2 - g0.top }; };
  const laneX = (p) => 40 + laneW * (col(p) - 2) + laneW / 2;
  const bottom = grid.scrollHeight - 6;
  data.participants.forEach((p) => svg.appendChild(el('line', { class: 'lifeline', x1: laneX(p), y1: 26, x2: laneX(p), y2: bottom, stroke: '#bbb', 'stroke-dasharray': '4 3' })));
  data.messages.forEach((m, i) => {
    const from = boxes[m.sent] && boxes[m.sent].dataset.over === m.from ? rect(boxes[m.sent]) : null;
    const x1 = laneX(m.from), y1 = from ? from.bottom : rect(bands[m.sent]).mid;
    const x2 = laneX(m.to);
    let y2 = bottom;
    if (m.received !== null) { const b = boxes[m.received]; y2 = b && b.dataset.over === m.to ? rect(b).top : rect(bands[m.received]).mid; }
    const lost = m.fate !== 'delivered';
    const line = svg.appendChild(el('line', { class: 'message ' + m.fate.replace(' ', '-'), x1, y1, x2, y2, stroke: lost ? '#a00' : '#246', 'stroke-width': 1.3, 'marker-end': 'url(#' + (lost ? 'arrow-lost' : 'arrow') + ')', 'data-sent': m.sent, 'data-received': m.received === null ? '' : m.received, 'data-from': m.from, 'data-to': m.to }));
    if (lost) line.setAttribute('stroke-dasharray', '5 3');
    line.appendChild(el('title', {}, m.label + ' (sent at step ' + m.sent + (m.received === null ? ', still in flight' : ', ' + m.fate + ' at step ' + m.received) + ')'));
    // The label sits in the gap below the sending box, beside the line, on a white ground.
    const u = y1 + 12, right = x2 >= x1, x = x1 + (x2 - x1) * Math.min(1, 12 / Math.max(1, y2 - y1)) + (right ? 6 : -6);
    const fate = m.fate === 'delivered' ? '' : ' (' + m.fate + ')';
    labels.push([el('text', { class: 'message-label', x, y: u, 'text-anchor': right ? 'start' : 'end', fill: lost ? '#a00' : '#246' }, m.label + fate)]);
  });
  data.steps.forEach((s, i) => {
    const box = boxes[i + 1];
    for (const a of s.arrows) {
      const b = rect(box), x1 = laneX(a.from), y = b.top + 10, right = laneX(a.to) >= x1;
      svg.appendChild(el('line', { class: 'local', x1, y1: y, x2: right ? b.left : b.right, y2: y, stroke: '#246', 'marker-end': 'url(#arrow)' }));
      labels.push([el('text', { class: 'local-label', x: x1 + (right ? 4 : -4), y: y - 3, 'text-anchor': right ? 'start' : 'end', fill: '#246' }, a.label)]);
    }
  });
  grid.appendChild(svg);
  for (const [text] of labels) {
    svg.appendChild(text);
    const b = text.getBBox();
    svg.insertBefore(el('rect', { class: 'halo', x: b.x - 2, y: b.y, width: b.width + 4, height: b.height }), text);
  }
}
const list = document.getElementById('steps');
[{ lines: ['initial state'], name: '' }, ...data.steps].forEach((s, i) => {
  const li = document.createElement('li');
  li.textContent = s.lines.join('; ');
  if (s.name) { const small = li.appendChild(document.createElement('small')); small.textContent = s.name; }
  li.dataset.step = i;
  if (data.violation && data.cycleStart === null && data.violation.step === i) li.classList.add('bad');
  if (data.cycleStart !== null && i > data.cycleStart) li.classList.add('cycle');
  li.addEventListener('click', () => show(i));
  list.appendChild(li);
});
const slider = document.getElementById('slider');
slider.addEventListener('input', () => show(Number(slider.value)));
document.addEventListener('keydown', (e) => { if (e.key === 'ArrowRight') show(Math.min(data.steps.length, Number(slider.value) + 1)); if (e.key === 'ArrowLeft') show(Math.max(0, Number(slider.value) - 1)); });
function show(k, scroll) {
  slider.value = k; document.getElementById('current').textContent = k;
  document.querySelectorAll('.current').forEach((n) => n.classList.remove('current'));
  list.children[k].classList.add('current');
  bands[k].classList.add('current'); if (boxes[k]) boxes[k].classList.add('current');
  if (scroll) { (boxes[k] || bands[k]).scrollIntoView({ block: 'center', inline: 'nearest' }); list.children[k].scrollIntoView({ block: 'nearest' }); }
  const table = document.getElementById('state'); table.textContent = '';
  const cells = data.cells[k], before = data.cells[Math.max(0, k - 1)];
  for (const key of Object.keys(cells)) {
    const tr = table.insertRow(), th = document.createElement('th'); th.textContent = key; tr.appendChild(th);
    const td = tr.insertCell(); td.textContent = cells[key]; td.dataset.cell = key;
    if (k > 0 && cells[key] !== before[key]) td.classList.add('changed');
  }
}
wire();
addEventListener('resize', wire);
show(data.open, true);
`;
