/**
 * The explorer page: the configuration form (generated from the model's declarations, each field
 * labelled with its meaning and grouped by what a Kafka engineer chooses), checks run in a Web
 * Worker with progress and cancel (on the page's own thread, with a notice, when the page was
 * opened from disk, where Chromium refuses workers), and a trace panel that starts at the initial
 * state and steps through a counterexample or a loaded trace (space-time diagram in Kafka's
 * words, what is missing where, state table with changes, each step's invariant verdict), lists
 * the steps enabled at the current step (taking one extends the trace by hand), replays the trace
 * under the configuration as it now stands, and puts both in the address to share.
 */
import { type Action, violates } from '../../src/model.ts';
import { formatAction } from '../../src/trace/replay.ts';
import { parseTrace, TraceError } from '../../src/trace/schema.ts';
import { oneLine } from '../../src/report/line.ts';
import { type CheckOutcome, type CheckRequest, runExplorerCheck, type WorkerMessage } from '../check.ts';
import { drawnTrace } from '../../src/report/html.ts';
import {
  type ClusterAction, type ClusterConfig, type ClusterState, ConfigError, configFromForm, configOfRecord, CURRENT_VERSION, decodeShare, defaultsOf, encodeShare,
  FIELDS, OPTIONAL_KEYS, type Field, fieldText, SECTIONS, kafkaModel, type KafkaModel, markers, MODEL_NAME, PROTOCOLS, replayUnder, ShareError,
} from '../kafka.ts';
import { drawDiagram } from './diagram.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** The trace on the right: its steps, as replayed under `model`, and the step shown. */
interface TraceView {
  readonly model: KafkaModel;
  /** Every step of the trace, including any after the one a replay stopped at. */
  readonly steps: readonly Action[];
  readonly states: readonly ClusterState[];
  readonly violation?: { readonly invariant: string; readonly statement: string; readonly step: number };
  readonly stopped?: { readonly step: number; readonly reason: string };
  /** The invariants checked along the trace (all when empty). */
  readonly invariants: readonly string[];
  readonly origin: string;
}

let view: TraceView | null = null;
let index = 0;
let highlight: (k: number) => void = () => {};
let worker: Worker | null = null;
/** Whether a check is running on the page's own thread (opened from disk, where Chromium refuses workers). */
let busy = false;

/**
 * Opened from disk (file://), Chromium refuses to start a Web Worker from the page's folder, so
 * checks run on the page's own thread instead, and the page says so.
 */
const onPageThread = location.protocol === 'file:';
const PAGE_THREAD_NOTICE = 'Opened from disk: checks run on this page\'s own thread, so the page stops responding until a check ends and Cancel cannot stop it; run npx kafka-spec explore and open the address it prints for checks in the background with progress and cancel.';

function showError(message: string | null): void {
  const e = $('error');
  e.hidden = message === null;
  e.textContent = message ?? '';
}

// ---- the configuration form ----

function inputFor(field: Field): HTMLInputElement | HTMLSelectElement {
  const testid = `setting-${field.key}`;
  if (field.input.type === 'flag') {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.dataset.testid = testid;
    return box;
  }
  if (field.input.type === 'whole') {
    const n = document.createElement('input');
    Object.assign(n, { type: 'number', min: String(field.input.min), max: String(field.input.max) });
    if (OPTIONAL_KEYS.has(field.key)) n.placeholder = 'absent';
    n.dataset.testid = testid;
    return n;
  }
  const select = document.createElement('select');
  for (const option of [...(OPTIONAL_KEYS.has(field.key) ? [''] : []), ...field.input.options]) select.add(new Option(option === '' ? '(none)' : option, option));
  select.dataset.testid = testid;
  return select;
}

const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();

/** A field's label: its declared meaning, and under it in small type its key (and the change in Kafka that flipped a switch). */
function labelFor(field: Field, input: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'field';
  label.dataset.key = field.key;
  const text = label.appendChild(document.createElement('span'));
  text.className = 'text';
  const meaning = text.appendChild(document.createElement('span'));
  meaning.className = 'meaning';
  meaning.textContent = field.meaning;
  const key = text.appendChild(document.createElement('span'));
  key.className = 'key';
  key.textContent = field.key + (field.change === undefined ? '' : ` · ${field.change}`);
  label.appendChild(input);
  return label;
}

function buildForm(): void {
  const protocol = $<HTMLSelectElement>('protocol');
  for (const p of PROTOCOLS) protocol.add(new Option(p, p));
  for (const field of FIELDS) {
    const input = inputFor(field);
    input.addEventListener('change', onConfigChange);
    input.addEventListener('input', onConfigChange);
    inputs.set(field.key, input);
    $(`section-${field.section}`).appendChild(labelFor(field, input));
  }
  for (const [section, heading] of Object.entries(SECTIONS)) $(`section-${section}`).previousElementSibling!.textContent = heading;
  protocol.addEventListener('change', () => {
    // A protocol version sets the switches; settings, bounds and the mutation stay as chosen.
    const defaults = defaultsOf(protocol.value);
    for (const f of FIELDS) if (f.group === 'switch') setInput(f.key, fieldText(defaults, f.key));
    onConfigChange();
  });
}

function setInput(key: string, text: string): void {
  const input = inputs.get(key)!;
  if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = text === 'true';
  else input.value = text;
}

function inputText(input: HTMLInputElement | HTMLSelectElement): string {
  return input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;
}

function setForm(config: ClusterConfig): void {
  $<HTMLSelectElement>('protocol').value = config.protocol;
  for (const f of FIELDS) setInput(f.key, fieldText(config, f.key));
  onConfigChange();
}

/** The configuration the form shows, or null (with the reason shown) when it cannot be run. */
function formConfig(): ClusterConfig | null {
  const texts = Object.fromEntries([...inputs].map(([k, input]) => [k, inputText(input)]));
  try {
    const config = configFromForm($<HTMLSelectElement>('protocol').value, texts);
    $('config-error').hidden = true;
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    $('config-error').textContent = `Impossible configuration: ${e.message}`;
    $('config-error').hidden = false;
    return null;
  }
}

function onConfigChange(): void {
  const config = formConfig();
  $<HTMLButtonElement>('run').disabled = config === null || worker !== null || busy;
  $<HTMLButtonElement>('replay').disabled = config === null || view === null;
  if (config === null) return;
  const defaults = defaultsOf(config.protocol);
  for (const f of FIELDS) inputs.get(f.key)!.parentElement!.classList.toggle('differs', config[f.key] !== defaults[f.key]);
  const select = $<HTMLSelectElement>('invariant');
  const chosen = select.value;
  select.textContent = '';
  const { invariants } = kafkaModel(config);
  select.add(new Option(`all ${invariants.length}`, ''));
  for (const inv of invariants) select.add(new Option(inv.name, inv.name));
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
  // With no step taken yet, the trace panel follows the form: the initial state and its enabled steps.
  if (view === null || (view.steps.length === 0 && view.origin === INITIAL)) loadTrace(config, [], [], INITIAL);
}

const INITIAL = 'The initial state of this configuration';

// ---- checks in the worker ----

function checkRequest(config: ClusterConfig): CheckRequest {
  const number = (id: string) => ($<HTMLInputElement>(id).value === '' ? undefined : Number($<HTMLInputElement>(id).value));
  const invariant = $<HTMLSelectElement>('invariant').value;
  return {
    config, engine: $<HTMLSelectElement>('engine').value as CheckRequest['engine'], timeLimitS: number('time-limit'), depth: number('depth'),
    invariants: invariant === '' ? [] : [invariant], first: $<HTMLInputElement>('first').checked,
  };
}

function setRunning(running: boolean): void {
  $<HTMLButtonElement>('run').disabled = running;
  $<HTMLButtonElement>('cancel').disabled = !running;
}

function runCheck(): void {
  const config = formConfig();
  if (config === null || worker !== null) return;
  const request = checkRequest(config);
  $('verdict').textContent = 'Checking…';
  $('verdict').className = '';
  $('violations').textContent = '';
  $('report').textContent = '';
  $('progress').textContent = 'starting…';
  if (onPageThread) {
    runOnPage(request);
    return;
  }
  worker = new Worker('worker.js');
  setRunning(true);
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const m = event.data;
    if (m.type === 'progress') $('progress').textContent = m.line;
    else finishCheck(m.type === 'done' ? m.outcome : null, m.type === 'error' ? m.message : null, request);
  };
  worker.onerror = (event) => finishCheck(null, oneLine(event.message || 'the worker failed'), request);
  worker.postMessage(request);
}

/** Runs the check on the page's thread, after the page has painted that it is checking. */
function runOnPage(request: CheckRequest): void {
  busy = true;
  setRunning(true);
  $<HTMLButtonElement>('cancel').disabled = true;
  $('progress').textContent = 'checking on this page\'s thread (the page waits until the check ends)…';
  setTimeout(() => {
    let outcome: CheckOutcome | null = null;
    let error: string | null = null;
    try {
      outcome = runExplorerCheck(request);
    } catch (e) {
      error = oneLine(e instanceof Error ? e.message : String(e));
    }
    busy = false;
    finishCheck(outcome, error, request);
  }, 50);
}

function stopWorker(): void {
  worker?.terminate();
  worker = null;
  setRunning(false);
  onConfigChange();
}

function cancelCheck(): void {
  if (worker === null) return;
  stopWorker();
  $('progress').textContent = 'cancelled';
  $('verdict').textContent = 'Cancelled: no verdict.';
}

function finishCheck(outcome: CheckOutcome | null, error: string | null, request: CheckRequest): void {
  stopWorker();
  if (outcome === null) {
    $('progress').textContent = '';
    $('verdict').textContent = `The check failed: ${error}`;
    $('verdict').className = 'bad';
    return;
  }
  const s = outcome.stats;
  $('progress').textContent = `${s.states.toLocaleString('en')} states, ${s.transitions.toLocaleString('en')} transitions, depth ${s.depth}, ${(s.elapsedMs / 1000).toFixed(1)} s`;
  const reached = outcome.goals.filter((g) => g.count > 0).length;
  $('verdict').textContent = outcome.verdict === 'violated'
    ? `Violated: ${outcome.violations.map((v) => v.invariant).join(', ')}.`
    : `${outcome.summary} Goals reached: ${reached} of ${outcome.goals.length}; kinds of step never taken: ${outcome.neverTaken.length === 0 ? 'none' : outcome.neverTaken.join(', ')}.`;
  $('verdict').className = outcome.verdict === 'violated' ? 'bad' : 'ok';
  $('report').textContent = outcome.report;
  for (const v of outcome.violations) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `${v.invariant}: ${v.steps.length} steps`;
    button.title = v.statement;
    button.addEventListener('click', () => loadTrace(request.config, v.steps, [v.invariant], `Counterexample to ${v.invariant} found by the check`));
    li.appendChild(button);
    $('violations').appendChild(li);
  }
  const first = outcome.violations[0];
  if (first !== undefined) loadTrace(request.config, first.steps, [first.invariant], `Counterexample to ${first.invariant} found by the check`);
}

// ---- the trace panel ----

function loadTrace(config: ClusterConfig, steps: readonly Action[], invariants: readonly string[], origin: string): void {
  const model = kafkaModel(config);
  const known = invariants.filter((n) => model.invariants.some((i) => i.name === n));
  view = { model, steps, invariants: known, origin, ...replayUnder(model, steps, known) };
  index = 0;
  $('replay-outcome').textContent = '';
  drawTrace();
}

/** Replays the trace's steps under the form's configuration and shows where it stops or what it violates. */
function replayTrace(): void {
  const config = formConfig();
  if (config === null || view === null) return;
  const before = view;
  const model = kafkaModel(config);
  const known = before.invariants.filter((n) => model.invariants.some((i) => i.name === n));
  view = { model, steps: before.steps, invariants: known, origin: before.origin, ...replayUnder(model, before.steps, known) };
  index = Math.min(index, view.states.length - 1);
  $('replay-outcome').textContent = replaySummary(before, view);
  drawTrace();
}

/** What changed between replaying the same steps under two configurations, in one sentence. */
function replaySummary(before: TraceView, after: TraceView): string {
  const was = before.violation === undefined ? 'violated nothing' : `violated ${before.violation.invariant} after step ${before.violation.step}`;
  if (after.stopped !== undefined) {
    return `Under this configuration the trace stops being possible: ${after.stopped.reason}; before, it ${was}.`;
  }
  if (after.violation === undefined) return `Under this configuration all ${after.steps.length} steps replay and no invariant is violated; before, it ${was}.`;
  return `Under this configuration the trace still violates ${after.violation.invariant}, after step ${after.violation.step}; before, it ${was}.`;
}

function drawTrace(): void {
  if (view === null) return;
  const v = view;
  const replayed = v.states.length - 1;
  $('trace-origin').textContent = `${v.origin} · ${v.steps.length} steps · ${v.model.presentation?.configuration?.lines.join(' · ') ?? ''}`;
  $('violation').textContent = v.violation !== undefined
    ? `Violates ${v.violation.invariant} after step ${v.violation.step}: ${v.violation.statement}`
    : v.stopped !== undefined ? `Step ${v.stopped.step} is not possible here: ${v.stopped.reason}; no invariant violated before it.`
      : `No invariant violated by these ${replayed} steps (${v.invariants.length === 0 ? 'all invariants' : v.invariants.join(', ')} checked).`;
  $('violation').className = v.violation !== undefined ? 'bad' : v.stopped !== undefined ? 'warn' : 'ok';
  $<HTMLButtonElement>('replay').disabled = formConfig() === null;
  const missing = v.violation === undefined ? null : v.model.presentation!.views!.missing!(v.violation.invariant, v.states.slice(0, v.violation.step + 1));
  $('missing').hidden = missing === null;
  $('missing').textContent = missing ?? '';
  const steps = v.steps.slice(0, replayed) as ClusterAction[];
  const drawn = drawnTrace(v.model, steps, v.states);
  const diagram = {
    steps: drawn.steps.map((s, i) => ({ ...s, markers: markers(v.states[i], steps[i], v.states[i + 1]) })),
    messages: drawn.messages,
    unreplayed: v.steps.slice(replayed).map(formatAction),
  };
  highlight = drawDiagram($('diagram'), v.model.presentation!.views!.participants, diagram, v.violation?.step, (k) => show(Math.min(k, replayed)));
  show(index);
}

/** The invariants that fail at step `k` of the current trace (state invariants on its state, transition invariants on the step into it). */
function failingAt(k: number): { name: string; statement: string }[] {
  const v = view!;
  const checked = v.model.invariants.filter((i) => v.invariants.length === 0 || v.invariants.includes(i.name));
  return checked.filter((i) => violates(i, k === 0 ? undefined : v.states[k - 1], v.states[k]));
}

function show(k: number): void {
  if (view === null) return;
  const v = view;
  index = Math.max(0, Math.min(k, v.states.length - 1));
  $<HTMLInputElement>('step-index').value = String(index);
  $<HTMLInputElement>('step-index').max = String(v.states.length - 1);
  $('step-count').textContent = String(v.states.length - 1);
  $<HTMLButtonElement>('step-prev').disabled = index === 0;
  $<HTMLButtonElement>('step-next').disabled = index >= v.states.length - 1;
  $('step-label').textContent = index === 0 ? 'The initial state.' : `Step ${index}: ${v.model.describe(v.steps[index - 1] as ClusterAction)}.`;
  $('step-label').title = index === 0 ? '' : formatAction(v.steps[index - 1]);
  const failing = failingAt(index);
  const checked = v.invariants.length === 0 ? `all ${v.model.invariants.length} invariants` : v.invariants.join(', ');
  const hold = v.invariants.length === 1 ? 'holds' : 'hold';
  $('step-verdict').textContent = failing.length === 0 ? `Here ${checked} ${hold}.` : `Here ${failing.map((i) => `${i.name} fails: ${i.statement}`).join(' ')}`;
  $('step-verdict').className = failing.length === 0 ? 'ok' : 'bad';
  highlight(index);
  drawState();
  drawEnabled();
}

function drawState(): void {
  const v = view!;
  const table = $<HTMLTableElement>('state');
  table.textContent = '';
  const cells = v.model.presentation!.views!.cells(v.states[index]);
  const before = index === 0 ? cells : v.model.presentation!.views!.cells(v.states[index - 1]);
  for (const [key, text] of Object.entries(cells)) {
    const row = table.insertRow();
    const th = document.createElement('th');
    th.textContent = key;
    row.appendChild(th);
    const td = row.insertCell();
    td.textContent = text;
    td.dataset.cell = key;
    if (text !== before[key]) {
      td.classList.add('changed');
      td.title = `before: ${before[key] ?? '(none)'}`;
    }
  }
}

function drawEnabled(): void {
  const v = view!;
  const list = $('enabled-steps');
  list.textContent = '';
  const s = v.states[index];
  const enabled = v.model.enabled(s).filter((a) => v.model.withinBounds?.(v.model.step(s, a)) ?? true);
  if (enabled.length === 0) list.textContent = 'No step is enabled here (within the bounds).';
  for (const a of enabled) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = v.model.describe(a);
    button.title = v.model.presentation!.views!.narrate!(s, a, v.model.step(s, a)).join('; ');
    button.dataset.step = formatAction(a);
    const name = li.appendChild(document.createElement('small'));
    name.textContent = a.step;
    button.addEventListener('click', () => takeStep(a));
    li.prepend(button);
    list.appendChild(li);
  }
}

/** Extends the trace by hand: the steps up to the one shown, then `a`. */
function takeStep(a: Action): void {
  const v = view!;
  const steps = [...v.steps.slice(0, index), a];
  const origin = v.origin.endsWith('(extended by hand)') ? v.origin : `${v.origin} (extended by hand)`;
  view = { model: v.model, steps, invariants: v.invariants, origin, ...replayUnder(v.model, steps, v.invariants) };
  index = steps.length;
  drawTrace();
}

// ---- trace files and shared links ----

async function loadTraceFile(file: File): Promise<void> {
  try {
    const trace = parseTrace(await file.text(), file.name);
    if (trace.model !== MODEL_NAME) throw new TraceError(`${file.name}: a trace of model '${trace.model}', not '${MODEL_NAME}'`);
    const config = configOfRecord(trace.config);
    setForm(config);
    loadTrace(config, trace.steps, trace.violation ? [trace.violation.invariant] : [], `Trace file ${file.name}`);
    showError(null);
  } catch (e) {
    if (e instanceof TraceError || e instanceof ConfigError) showError(oneLine(e instanceof ConfigError ? `${file.name}: config: ${e.message}` : e.message));
    else throw e;
  }
}

function share(): void {
  const config = formConfig();
  if (config === null) return;
  history.replaceState(null, '', `#${encodeShare({ config, steps: view?.steps ?? [], invariants: view?.invariants ?? [] })}`);
  navigator.clipboard?.writeText(location.href).catch(() => {});
  $('replay-outcome').textContent = 'The address now holds this configuration and trace; copy it to share.';
}

function openShared(): void {
  if (!location.hash.includes('s=')) return;
  try {
    const shared = decodeShare(location.hash);
    setForm(shared.config);
    if (shared.steps.length > 0) loadTrace(shared.config, shared.steps, shared.invariants, 'Shared trace');
  } catch (e) {
    if (e instanceof ShareError || e instanceof ConfigError) showError(`The shared link cannot be opened: ${oneLine(e.message)}`);
    else throw e;
  }
}

function wire(): void {
  if (onPageThread) {
    $('page-thread').textContent = PAGE_THREAD_NOTICE;
    $('page-thread').hidden = false;
  }
  buildForm();
  setForm(defaultsOf(CURRENT_VERSION));
  $('run').addEventListener('click', runCheck);
  $('cancel').addEventListener('click', cancelCheck);
  $('replay').addEventListener('click', replayTrace);
  $('share').addEventListener('click', share);
  $('step-prev').addEventListener('click', () => show(index - 1));
  $('step-next').addEventListener('click', () => show(index + 1));
  $('step-index').addEventListener('change', () => show(Number($<HTMLInputElement>('step-index').value)));
  $('load-trace').addEventListener('change', () => {
    const file = $<HTMLInputElement>('load-trace').files?.[0];
    if (file !== undefined) void loadTraceFile(file);
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === 'ArrowRight') show(index + 1);
    if (e.key === 'ArrowLeft') show(index - 1);
  });
  openShared();
  document.body.dataset.ready = 'true';
}

wire();
