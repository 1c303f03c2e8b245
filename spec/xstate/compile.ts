/**
 * Compiles a flat xstate v5 machine's own definition into a fast pure reducer, so the model stays
 * written in xstate while exploration steps it at plain-function speed. Protocol-agnostic: it
 * reads the machine's config (`states`, `on`, guards, actions) and the implementations given to
 * `setup()`, and nothing from the rest of the model.
 *
 * Supported subset (anything else is refused when compiling, naming what it found): top-level
 * atomic states; `on` keyed by event type; a transition as a target string, an object, or an
 * array of guarded candidates (the first whose guard passes wins); targets naming a sibling
 * state (or none: stay, running no entry/exit); `reenter: true`; guards as a name, `{ type }`
 * or an inline function; actions as names, `{ type }`, or inline `assign()` / `emit()` (function
 * or object form), and `enqueueActions()` whose collector enqueues only `assign` and `emit`;
 * `entry`/`exit` actions. Semantics follow xstate v5: guards see
 * `{ context, event }`; exit actions, then transition actions, then entry actions run in order,
 * each seeing the context the previous `assign` produced. `differential.ts` checks this against
 * xstate's own `transition()`.
 */

type AnyFn = (...args: never[]) => unknown;
type Guard = (args: { context: unknown; event: unknown }) => boolean;
type Action =
  | { kind: 'assign'; run: (args: { context: unknown; event: unknown }) => object; whole: boolean }
  | { kind: 'emit'; run: (args: { context: unknown; event: unknown }) => unknown }
  | { kind: 'enqueue'; collect: (args: { context: unknown; event: unknown; enqueue: Enqueue }) => void }
  | { kind: 'noop' };

/** The part of xstate's `enqueue` the compiler supports: assign and emit, run in order. */
interface Enqueue {
  (action: unknown): void;
  assign(assignment: unknown): void;
  emit(event: unknown): void;
}

interface Candidate {
  readonly guard: Guard | null;
  readonly target: string;
  readonly actions: readonly Action[];
}

/** The result of one step: the next state value, the next context, and what was emitted. */
export interface StepResult<C> {
  readonly value: string;
  readonly context: C;
  readonly emitted: unknown[];
}

export interface CompiledMachine<C = unknown, E extends { type: string } = { type: string }> {
  /** Index of the candidate xstate would take, or -1 when the event is not handled. */
  select(value: string, context: C, event: E): number;
  apply(index: number, value: string, context: C, event: E): StepResult<C>;
  step(value: string, context: C, event: E): StepResult<C> | null;
  initial(input: unknown): StepResult<C>;
}

/** Thrown for a machine that uses a feature outside the supported subset. */
export class UnsupportedMachineError extends Error {
  override name = 'UnsupportedMachineError';
}

const UNSUPPORTED_STATE_KEYS = ['states', 'type', 'always', 'after', 'invoke', 'history', 'onDone'];

interface MachineLike {
  config: { initial?: unknown; context?: unknown; states?: Record<string, Record<string, unknown>>; entry?: unknown };
  implementations: { guards: Record<string, unknown>; actions: Record<string, unknown> };
}

export interface CompileOptions {
  /**
   * Every function-form `assign` returns the whole next context rather than a partial update,
   * so it can be used as it is instead of being merged into a copy (xstate merges it into the
   * same value). The differential test checks the result against xstate either way.
   */
  readonly assignReturnsWholeContext?: boolean;
}

/** Compiles `machine` (from `setup(...).createMachine(...)`) into a reducer. */
export function compileMachine<C = unknown, E extends { type: string } = { type: string }>(
  machine: unknown,
  options: CompileOptions = {},
): CompiledMachine<C, E> {
  const m = machine as MachineLike;
  const states = m.config.states ?? {};
  const entry = new Map<string, Action[]>();
  const exit = new Map<string, Action[]>();
  for (const [name, node] of Object.entries(states)) {
    const bad = UNSUPPORTED_STATE_KEYS.find((k) => node[k] !== undefined);
    if (bad !== undefined) throw new UnsupportedMachineError(`state '${name}' uses '${bad}', which the compiler does not support`);
    entry.set(name, actionsOf(m, node.entry, name));
    exit.set(name, actionsOf(m, node.exit, name));
  }
  const table = buildTable(m, states, entry, exit);
  return makeCompiled<C, E>(m, table, entry, options.assignReturnsWholeContext === true);
}

/** Per state, per event type: the candidates in order, each with its full action list. */
function buildTable(
  m: MachineLike,
  states: Record<string, Record<string, unknown>>,
  entry: Map<string, Action[]>,
  exit: Map<string, Action[]>,
): Map<string, Map<string, Candidate[]>> {
  const table = new Map<string, Map<string, Candidate[]>>();
  for (const [name, node] of Object.entries(states)) {
    const byEvent = new Map<string, Candidate[]>();
    for (const [eventType, config] of Object.entries((node.on ?? {}) as Record<string, unknown>)) {
      if (eventType.includes('*')) throw new UnsupportedMachineError(`state '${name}': wildcard event '${eventType}'`);
      const list = Array.isArray(config) ? config : [config];
      byEvent.set(eventType, list.map((t) => candidateOf(m, states, name, t, entry, exit)));
    }
    table.set(name, byEvent);
  }
  return table;
}

function candidateOf(
  m: MachineLike,
  states: Record<string, unknown>,
  source: string,
  raw: unknown,
  entry: Map<string, Action[]>,
  exit: Map<string, Action[]>,
): Candidate {
  const t = (typeof raw === 'string' ? { target: raw } : raw) as Record<string, unknown>;
  const target = targetOf(states, source, t.target);
  const own = actionsOf(m, t.actions, source);
  const leaves = target !== null && (target !== source || t.reenter === true);
  const actions = leaves ? [...exit.get(source)!, ...own, ...entry.get(target)!] : own;
  return { guard: guardOf(m, t.guard, source), target: target ?? source, actions };
}

function targetOf(states: Record<string, unknown>, source: string, target: unknown): string | null {
  if (target === undefined) return null;
  if (typeof target !== 'string') throw new UnsupportedMachineError(`state '${source}': only a single string target is supported`);
  const name = target.startsWith('.') ? target.slice(1) : target;
  if (!(name in states)) throw new UnsupportedMachineError(`state '${source}': target '${target}' is not a sibling state`);
  return name;
}

function guardOf(m: MachineLike, raw: unknown, where: string): Guard | null {
  if (raw === undefined) return null;
  if (typeof raw === 'function') {
    if ((raw as { check?: unknown }).check !== undefined) throw new UnsupportedMachineError(`state '${where}': guard combinators are not supported`);
    return raw as Guard;
  }
  const name = typeof raw === 'string' ? raw : (raw as { type?: unknown }).type;
  const impl = typeof name === 'string' ? m.implementations.guards[name] : undefined;
  if (typeof impl !== 'function') throw new UnsupportedMachineError(`state '${where}': unknown guard ${JSON.stringify(name)}`);
  return impl as Guard;
}

function actionsOf(m: MachineLike, raw: unknown, where: string): Action[] {
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((a) => actionOf(m, a, where));
}

function actionOf(m: MachineLike, raw: unknown, where: string): Action {
  let impl = raw;
  if (typeof raw === 'string' || (typeof raw === 'object' && raw !== null)) {
    const name = typeof raw === 'string' ? raw : (raw as { type?: unknown }).type;
    impl = typeof name === 'string' ? m.implementations.actions[name] : undefined;
    if (impl === undefined) throw new UnsupportedMachineError(`state '${where}': unknown action ${JSON.stringify(name)}`);
  }
  if (typeof impl !== 'function') throw new UnsupportedMachineError(`state '${where}': unsupported action`);
  const builtIn = impl as AnyFn & { type?: string; assignment?: unknown; event?: unknown };
  if (builtIn.type === 'xstate.assign') {
    return { kind: 'assign', run: assigner(builtIn.assignment, where), whole: typeof builtIn.assignment === 'function' };
  }
  if (builtIn.type === 'xstate.emit') return { kind: 'emit', run: emitter(builtIn.event) };
  if (builtIn.type === 'xstate.enqueueActions') {
    return { kind: 'enqueue', collect: (builtIn as unknown as { collect: Extract<Action, { kind: 'enqueue' }>['collect'] }).collect };
  }
  if (builtIn.type !== undefined) throw new UnsupportedMachineError(`state '${where}': action '${builtIn.type}' is not supported`);
  return { kind: 'noop' }; // a plain function action: a side effect xstate would run later; the model has none
}

function assigner(assignment: unknown, where: string): (args: { context: unknown; event: unknown }) => object {
  if (typeof assignment === 'function') return assignment as (args: { context: unknown; event: unknown }) => object;
  if (typeof assignment !== 'object' || assignment === null) throw new UnsupportedMachineError(`state '${where}': bad assign`);
  const entries = Object.entries(assignment);
  return (args) => {
    const partial: Record<string, unknown> = {};
    for (const [key, v] of entries) partial[key] = typeof v === 'function' ? v(args) : v;
    return partial;
  };
}

function emitter(event: unknown): (args: { context: unknown; event: unknown }) => unknown {
  return typeof event === 'function' ? (event as (args: { context: unknown; event: unknown }) => unknown) : () => event;
}

/** One argument object reused for every guard and action call of a step (they are pure). */
const args: { context: unknown; event: unknown } = { context: undefined, event: undefined };

function runActions<C>(actions: readonly Action[], context: C, event: unknown, emitted: unknown[], whole: boolean): C {
  let ctx = context;
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (a.kind === 'noop') continue;
    args.context = ctx;
    args.event = event;
    if (a.kind === 'emit') emitted.push(a.run(args));
    else if (a.kind === 'enqueue') ctx = runEnqueued(a, ctx, event, emitted, whole);
    else ctx = (whole && a.whole ? a.run(args) : { ...ctx, ...a.run(args) }) as C;
  }
  return ctx;
}

/**
 * The collector running now: its context so far, its event, what it emitted and whether function
 * assigns return the whole context. One `enqueue` object serves every collector, so a step
 * allocates no closures for it; a collector that ran a step inside it would find its own saved
 * and restored around that step.
 */
let enqueuedContext: unknown;
let enqueuedEvent: unknown;
let enqueuedEmitted: unknown[] = [];
let enqueuedWhole = false;

/** The one argument object handed to an enqueued assign or emit function (they are pure and keep nothing). */
const enqueuedArgs: { context: unknown; event: unknown } = { context: undefined, event: undefined };

const enqueue = ((action: unknown) => {
  throw new UnsupportedMachineError(`enqueueActions: enqueue(${JSON.stringify(action)}) is not supported`);
}) as unknown as Enqueue;
enqueue.assign = (assignment) => {
  enqueuedArgs.context = enqueuedContext;
  enqueuedArgs.event = enqueuedEvent;
  enqueuedContext = enqueuedWhole && typeof assignment === 'function'
    ? (assignment as (args: { context: unknown; event: unknown }) => unknown)(enqueuedArgs)
    : { ...(enqueuedContext as object), ...assigner(assignment, 'enqueueActions')(enqueuedArgs) };
};
enqueue.emit = (e) => {
  enqueuedArgs.context = enqueuedContext;
  enqueuedArgs.event = enqueuedEvent;
  enqueuedEmitted.push(typeof e === 'function' ? (e as (args: { context: unknown; event: unknown }) => unknown)(enqueuedArgs) : e);
};

/** The one argument object handed to a collector. */
const collectArgs: { context: unknown; event: unknown; enqueue: Enqueue } = { context: undefined, event: undefined, enqueue };

/** `enqueueActions`: the collector's assigns and emits, applied in the order it enqueued them. */
function runEnqueued<C>(a: Extract<Action, { kind: 'enqueue' }>, context: C, event: unknown, emitted: unknown[], whole: boolean): C {
  const outerContext = enqueuedContext;
  const outerEvent = enqueuedEvent;
  const outerEmitted = enqueuedEmitted;
  const outerWhole = enqueuedWhole;
  enqueuedContext = context;
  enqueuedEvent = event;
  enqueuedEmitted = emitted;
  enqueuedWhole = whole;
  try {
    collectArgs.context = context;
    collectArgs.event = event;
    a.collect(collectArgs);
    return enqueuedContext as C;
  } finally {
    enqueuedContext = outerContext;
    enqueuedEvent = outerEvent;
    enqueuedEmitted = outerEmitted;
    enqueuedWhole = outerWhole;
  }
}

function makeCompiled<C, E extends { type: string }>(
  m: MachineLike,
  table: Map<string, Map<string, Candidate[]>>,
  entry: Map<string, Action[]>,
  whole: boolean,
): CompiledMachine<C, E> {
  const candidates = (value: string, type: string) => table.get(value)?.get(type);
  /** The index in `list` of the candidate xstate would take, or -1. */
  const first = (list: readonly Candidate[], context: C, event: E): number => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i].guard;
      if (g === null) return i;
      args.context = context;
      args.event = event;
      if (g(args)) return i;
    }
    return -1;
  };
  const run = (c: Candidate, context: C, event: E): StepResult<C> => {
    const emitted: unknown[] = [];
    return { value: c.target, context: runActions(c.actions, context, event, emitted, whole), emitted };
  };
  return {
    select(value, context, event) {
      const list = candidates(value, event.type);
      return list === undefined ? -1 : first(list, context, event);
    },
    apply: (index, value, context, event) => run(candidates(value, event.type)![index], context, event),
    step(value, context, event) {
      const list = candidates(value, event.type);
      if (list === undefined) return null;
      const i = first(list, context, event);
      return i < 0 ? null : run(list[i], context, event);
    },
    initial(input) {
      const initial = m.config.initial;
      if (typeof initial !== 'string') throw new UnsupportedMachineError('the machine needs a string initial state');
      const raw = m.config.context;
      const context = (typeof raw === 'function' ? raw({ input }) : raw ?? {}) as C;
      const emitted: unknown[] = [];
      const init = { type: 'xstate.init', input };
      return { value: initial, context: runActions(entry.get(initial)!, context, init, emitted, whole), emitted };
    },
  };
}
