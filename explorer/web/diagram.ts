/**
 * The space-time diagram: a lifeline per participant (producer, each broker, the controller,
 * the consumer), a row per step, the step's message as an arrow from sender to receiver, its
 * local event as a note, and coloured marks for what it changed (an election, the ISR or ELR, a
 * broker fenced, metadata applied, a crash). Steps that a replay could not take are listed in
 * grey below the last one it took.
 */
import type { Marker } from '../kafka.ts';
import type { StepPicture } from '../../src/model.ts';

/** One row of the diagram. */
export interface DiagramRow {
  readonly label: string;
  /** Null for a step that was not replayed (nothing to draw but its name). */
  readonly picture: StepPicture | null;
  readonly markers: readonly Marker[];
}

const NS = 'http://www.w3.org/2000/svg';
const COLUMN = 124;
const HEAD = 36;
const LINE = 18;
const LEFT = 36;

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const clip = (text: string, n = 18) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** The boxes a row stacks over each lifeline: notes first, then markers. */
function boxesOf(row: DiagramRow): Map<string, { text: string; cls: string }[]> {
  const boxes = new Map<string, { text: string; cls: string }[]>();
  const add = (over: string, text: string, cls: string) => boxes.set(over, [...(boxes.get(over) ?? []), { text, cls }]);
  for (const n of row.picture?.notes ?? []) add(n.over, n.text, 'note');
  for (const m of row.markers) add(m.over, m.text, `marker-${m.kind}`);
  return boxes;
}

/** Where a lifeline is drawn, and how wide the diagram is. */
interface Geometry {
  readonly x: (participant: string) => number;
  readonly width: number;
}

/** Row `i` (step i + 1) from `top`, `height` high: its band, number, arrows, notes and markers. */
function drawRow(row: DiagramRow, i: number, top: number, height: number, bad: boolean, { x, width }: Geometry): SVGElement {
  const g = el('g', { class: `row${row.picture === null ? ' unreplayed' : ''}${bad ? ' bad' : ''}`, 'data-step': i + 1 });
  g.appendChild(el('rect', { class: 'band', x: 0, y: top, width, height, fill: 'transparent' }));
  g.appendChild(el('text', { class: 'num', x: 4, y: top + 13, fill: '#888' }, String(i + 1)));
  g.appendChild(el('title', {}, row.label));
  const mid = top + LINE - 4;
  for (const a of row.picture?.arrows ?? []) {
    g.appendChild(el('line', { x1: x(a.from), y1: mid - 4, x2: x(a.to), y2: mid + 6, stroke: '#246', 'marker-end': 'url(#arrow)' }));
    g.appendChild(el('text', { x: (x(a.from) + x(a.to)) / 2, y: mid - 6, 'text-anchor': 'middle' }, clip(a.label, 34)));
  }
  const below = row.picture?.arrows.length ? 1 : 0;
  for (const [over, boxes] of boxesOf(row)) {
    boxes.forEach((b, j) => {
      const y = top + 3 + LINE * (j + below);
      g.appendChild(el('rect', { class: b.cls, x: x(over) - 57, y, width: 114, height: LINE - 3, rx: 3 }));
      g.appendChild(el('text', { x: x(over), y: y + 11, 'text-anchor': 'middle' }, clip(b.text)));
    });
  }
  if (row.picture === null) g.appendChild(el('text', { x: LEFT, y: top + 13 }, `${row.label} (not replayed)`));
  return g;
}

/**
 * Draws `rows` under `participants`; `violationStep` (counted from 1) is marked, `onPick(k)` is
 * called with the step clicked. Returns a function that highlights step `k` (0: none).
 */
export function drawDiagram(
  host: HTMLElement, participants: readonly string[], rows: readonly DiagramRow[], violationStep: number | undefined, onPick: (k: number) => void,
): (k: number) => void {
  host.textContent = '';
  const geometry: Geometry = { x: (p) => LEFT + COLUMN / 2 + COLUMN * Math.max(0, participants.indexOf(p)), width: LEFT + COLUMN * participants.length };
  const heights = rows.map((r) => LINE * Math.max(2, 1 + Math.max(0, ...[...boxesOf(r).values()].map((b) => b.length))));
  const height = HEAD + heights.reduce((a, b) => a + b, 0) + 10;
  const svg = el('svg', { width: geometry.width, height });
  svg.appendChild(el('defs', {})).appendChild(el('marker', { id: 'arrow', markerWidth: 8, markerHeight: 8, refX: 7, refY: 3, orient: 'auto' }))
    .appendChild(el('path', { d: 'M0,0 L7,3 L0,6 z' }));
  for (const p of participants) {
    const x = geometry.x(p);
    svg.appendChild(el('text', { x, y: 20, 'text-anchor': 'middle', 'font-weight': 'bold' }, p));
    svg.appendChild(el('line', { class: 'lifeline', x1: x, y1: 26, x2: x, y2: height, stroke: '#bbb', 'stroke-dasharray': '4 3' }));
  }
  let top = HEAD;
  const groups = rows.map((row, i) => {
    const g = drawRow(row, i, top, heights[i], violationStep === i + 1, geometry);
    g.addEventListener('click', () => onPick(i + 1));
    top += heights[i];
    return svg.appendChild(g);
  });
  host.appendChild(svg);
  return (k) => {
    groups.forEach((g, i) => g.classList.toggle('current', i + 1 === k));
    groups[k - 1]?.scrollIntoView?.({ block: 'nearest' });
  };
}
