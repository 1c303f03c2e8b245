/**
 * The space-time diagram: a lifeline per participant (producer, each broker, the controller, the
 * consumer), a row per step with a box over the one who acts saying what happened in Kafka's
 * words (wrapped, never cut; the step's name in its tooltip), each message one arrow from the
 * step that sent it to the step that took it, and a coloured edge on a box for what the step
 * changed (an election, the ISR or ELR, a broker fenced, metadata applied, a crash). The diagram
 * scrolls both ways inside its frame. Steps a replay could not take are listed in grey below.
 */
import type { Marker } from '../kafka.ts';
import type { DrawnMessage, DrawnStep } from '../../src/report/html.ts';

/** What the diagram draws: the replayed steps, their messages, and the names of the steps not replayed. */
export interface Diagram {
  readonly steps: readonly (DrawnStep & { readonly markers: readonly Marker[] })[];
  readonly messages: readonly DrawnMessage[];
  readonly unreplayed: readonly string[];
}

const NS = 'http://www.w3.org/2000/svg';
const LANE = 180;
const NUM = 40;

function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function cell(grid: HTMLElement, cls: string, row: number, column: string | number, text?: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = cls;
  d.style.gridRow = String(row);
  d.style.gridColumn = String(column);
  if (text !== undefined) d.textContent = text;
  return grid.appendChild(d);
}

/** Where things are inside the grid, in its own coordinates. */
function rectIn(grid: HTMLElement, node: Element): { left: number; right: number; top: number; bottom: number; mid: number } {
  const g = grid.getBoundingClientRect();
  const r = node.getBoundingClientRect();
  return { left: r.left - g.left, right: r.right - g.left, top: r.top - g.top, bottom: r.bottom - g.top, mid: (r.top + r.bottom) / 2 - g.top };
}

/** The lifelines, the messages from send to receipt, and the steps' own arrows, over the grid once it is laid out. */
function drawWires(grid: HTMLElement, participants: readonly string[], d: Diagram, bands: HTMLElement[], boxes: HTMLElement[]): void {
  grid.querySelector('svg.wires')?.remove();
  const svg = svgEl('svg', { class: 'wires', width: grid.scrollWidth, height: grid.scrollHeight });
  svg.appendChild(svgEl('defs', {})).appendChild(svgEl('marker', { id: 'arrow', markerWidth: 8, markerHeight: 8, refX: 7, refY: 3, orient: 'auto' }))
    .appendChild(svgEl('path', { d: 'M0,0 L7,3 L0,6 z', fill: '#246' }));
  const x = (p: string) => NUM + LANE * Math.max(0, participants.indexOf(p)) + LANE / 2;
  const bottom = grid.scrollHeight - 6;
  for (const p of participants) svg.appendChild(svgEl('line', { class: 'lifeline', x1: x(p), y1: 26, x2: x(p), y2: bottom, stroke: '#bbb', 'stroke-dasharray': '4 3' }));
  const labels: SVGElement[] = [];
  const at = (k: number, who: string, edge: 'top' | 'bottom') => {
    const box = boxes[k];
    if (box !== undefined && box.dataset.over === who) return rectIn(grid, box)[edge];
    return bands[k] === undefined ? bottom : rectIn(grid, bands[k]).mid;
  };
  for (const m of d.messages) {
    const [x1, y1, x2] = [x(m.from), at(m.sent, m.from, 'bottom'), x(m.to)];
    const y2 = m.received === null ? bottom : at(m.received, m.to, 'top');
    const line = svg.appendChild(svgEl('line', {
      class: `message ${m.fate.replace(' ', '-')}`, x1, y1, x2, y2, stroke: m.fate === 'delivered' ? '#246' : '#a00', 'stroke-width': 1.3,
      'marker-end': 'url(#arrow)', 'data-sent': m.sent, 'data-received': m.received ?? '', ...(m.fate === 'delivered' ? {} : { 'stroke-dasharray': '5 3' }),
    }));
    line.appendChild(svgEl('title', {}, `${m.label} (sent at step ${m.sent}${m.received === null ? ', still in flight' : `, ${m.fate} at step ${m.received}`})`));
    const right = x2 >= x1;
    const lx = x1 + (x2 - x1) * Math.min(1, 12 / Math.max(1, y2 - y1)) + (right ? 6 : -6);
    labels.push(svgEl('text', { x: lx, y: y1 + 12, 'text-anchor': right ? 'start' : 'end', fill: '#246' }, m.label + (m.fate === 'delivered' ? '' : ` (${m.fate})`)));
  }
  d.steps.forEach((s, i) => {
    for (const a of s.arrows) {
      const b = rectIn(grid, boxes[i + 1]);
      const [x1, y, right] = [x(a.from), b.top + 10, x(a.to) >= x(a.from)];
      svg.appendChild(svgEl('line', { class: 'local', x1, y1: y, x2: right ? b.left : b.right, y2: y, stroke: '#246', 'marker-end': 'url(#arrow)' }));
      labels.push(svgEl('text', { x: x1 + (right ? 4 : -4), y: y - 3, 'text-anchor': right ? 'start' : 'end', fill: '#246' }, a.label));
    }
  });
  grid.appendChild(svg);
  for (const text of labels) {
    svg.appendChild(text);
    const b = (text as SVGTextElement).getBBox();
    svg.insertBefore(svgEl('rect', { class: 'halo', x: b.x - 2, y: b.y, width: b.width + 4, height: b.height }), text);
  }
}

/** Scrolls the diagram's frame (never the page) so that `node` is in view. */
function scrollWithin(host: HTMLElement, grid: HTMLElement, node: HTMLElement): void {
  const r = rectIn(grid, node);
  const lane = 30; // the sticky row of lifeline names
  if (r.top - lane < host.scrollTop) host.scrollTop = r.top - lane;
  else if (r.bottom > host.scrollTop + host.clientHeight) host.scrollTop = Math.min(r.top - lane, r.bottom - host.clientHeight);
  if (r.left < host.scrollLeft + NUM) host.scrollLeft = Math.max(0, r.left - NUM);
  else if (r.right > host.scrollLeft + host.clientWidth) host.scrollLeft = r.right - host.clientWidth;
}

/**
 * Draws `d` under `participants` into `host`; `violationStep` (counted from 1) is marked, `onPick(k)`
 * is called with the step clicked (0: the initial state). Returns a function that highlights step `k`.
 */
export function drawDiagram(
  host: HTMLElement, participants: readonly string[], d: Diagram, violationStep: number | undefined, onPick: (k: number) => void,
): (k: number) => void {
  host.textContent = '';
  const grid = host.appendChild(document.createElement('div'));
  grid.className = 'grid';
  grid.style.gridTemplateColumns = `${NUM}px repeat(${participants.length}, ${LANE}px)`;
  participants.forEach((p, i) => { cell(grid, 'lane', 1, i + 2, p).dataset.lane = p; });
  const bands: HTMLElement[] = [];
  const boxes: HTMLElement[] = [];
  const pick = (k: number, ...nodes: HTMLElement[]) => { for (const n of nodes) n.addEventListener('click', () => onPick(k)); };
  bands[0] = cell(grid, 'band', 2, '1 / -1');
  pick(0, bands[0], cell(grid, 'num', 2, 1, '0'), cell(grid, 'box init', 2, `2 / span ${participants.length}`, 'initial state'));
  d.steps.forEach((s, i) => {
    const [k, row] = [i + 1, i + 3];
    const bad = violationStep === k;
    bands[k] = cell(grid, 'band', row, '1 / -1');
    bands[k].dataset.step = String(k);
    const box = cell(grid, `box${bad ? ' bad' : ''}${s.markers.length > 0 ? ` marker-${s.markers[0].kind}` : ''}`, row, participants.indexOf(s.over) + 2);
    Object.assign(box.dataset, { step: String(k), over: s.over });
    box.title = `${s.name}: ${s.describe}`;
    for (const line of s.lines) box.appendChild(document.createElement('div')).textContent = line;
    for (const m of d.messages) {
      if (m.received !== k || m.sent >= k - 1) continue;
      const note = box.appendChild(document.createElement('div'));
      note.className = 'sent';
      note.textContent = `↖ ${m.fate === 'delivered' ? 'sent' : `${m.fate}, sent`} at step ${m.sent}`;
    }
    boxes[k] = box;
    pick(k, bands[k], box, cell(grid, `num${bad ? ' bad' : ''}`, row, 1, String(k)));
  });
  d.unreplayed.forEach((name, j) => {
    const k = d.steps.length + j + 1;
    cell(grid, 'num', k + 2, 1, String(k));
    cell(grid, 'unreplayed', k + 2, '2 / -1', `${name} (not replayed)`).dataset.step = String(k);
  });
  drawWires(grid, participants, d, bands, boxes);
  return (k) => {
    for (const n of grid.querySelectorAll('.current')) n.classList.remove('current');
    bands[k]?.classList.add('current');
    boxes[k]?.classList.add('current');
    const node = boxes[k] ?? bands[k];
    if (node !== undefined) scrollWithin(host, grid, node);
  };
}
