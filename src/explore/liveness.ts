/**
 * Liveness checking under weak fairness, the way TLC does it for `WF`: explore the bounded state
 * graph breadth-first with its edges (graph.ts), then, for each property, look for a reachable
 * fair cycle in which the property's `settled` predicate never holds (□◇settled fails).
 *
 * - **Faults stop.** Fault steps never belong to the cycle. Budgeted faults could not anyway (a
 *   fault spends a budget recorded in the state, so it never leads back), but leaving them out
 *   explicitly also covers an unbudgeted one.
 * - **Weak fairness per action instance** (a step with its parameters, e.g. the fetch of broker
 *   2): a cycle is fair when every fair instance enabled in all of its states is taken in it.
 *   For weak fairness a strongly connected component decides it exactly: if an instance is
 *   enabled in every state of an SCC and taken on none of its edges, no cycle inside it is fair;
 *   otherwise the cycle through every state and edge of the SCC is. No splitting is needed (it is
 *   for strong fairness).
 * - **Stuttering.** A state in which no fair step is enabled may be where the behaviour stays:
 *   an unsettled such state is a lasso whose cycle is empty.
 * - **Bounds.** A step that the model's bounds cut (`withinBounds` false) is enabled in Kafka but
 *   cannot be taken here; a fair one keeps every SCC it is continuously enabled in unfair, so the
 *   bounds can hide a lasso but never invent one. The result counts such states.
 *
 * The SCCs are found with an iterative Tarjan (no recursion: components can be millions of
 * states deep). The lasso is the shortest breadth-first prefix to a fair component (or
 * stuttering state), then a cycle inside it built through waypoints: an edge for each fair
 * instance the cycle so far leaves continuously enabled and untaken, or a state where that
 * instance is disabled, until the cycle itself is fair.
 */
import type { Action, LivenessProperty, Model, StepFairness } from '../model.ts';
import { actionsAlong, FAULT, instanceKey } from './chunks.ts';
import { EdgeRows, StateGraph } from './graph.ts';
import { inline, type Scheduler, searchLevels, type ThreadOptions } from './levels.ts';
import { threadEngines } from './on-threads.ts';
import { type SearchLimitOptions, type StopReason, UnknownInvariantError } from './result.ts';

export { instanceKey };

export interface LivenessOptions extends SearchLimitOptions, ThreadOptions {
  readonly maxDepth?: number;
  /** Property names to check; all of the model's when absent or empty. */
  readonly properties?: readonly string[];
}

/** A violation of a liveness property: the steps to the cycle, then the cycle back to where it starts. */
export interface Lasso<A extends Action> {
  readonly property: string;
  readonly statement: string;
  readonly prefix: A[];
  /** Empty when the behaviour stutters in the last state of the prefix (no fair step is enabled there). */
  readonly cycle: A[];
  /**
   * Set when the lasso came from a fair run's suspect (suspects.ts), not from the breadth-first
   * graph: the run's seed, and how many of the prefix's steps are that run's (shortened) steps
   * before its faults stopped, given steps included; such a prefix is not known to be the shortest.
   */
  readonly fromSuspect?: { readonly seed: number; readonly runSteps: number };
}

/** A liveness verdict: `holds` only on a complete graph, `no-lasso-found` on one that was not. */
export type LivenessVerdict = 'holds' | 'no-lasso-found' | 'violated';

export interface LivenessResult<A extends Action> {
  readonly verdict: LivenessVerdict;
  /** The whole reachable graph within the model's bounds was explored: only then does "holds" hold. */
  readonly complete: boolean;
  readonly checked: readonly string[];
  readonly lassos: Lasso<A>[];
  readonly stats: {
    readonly engine: 'liveness';
    readonly states: number;
    /** Edges recorded: every enabled step of every expanded state. */
    readonly transitions: number;
    readonly depth: number;
    readonly elapsedMs: number;
    /** Bytes of the graph (fingerprints, links, edges) per state. */
    readonly bytesPerState: number;
    /** States in which a fair step was cut by the model's bounds (no cycle through them can be fair). */
    readonly statesWithCutFairStep: number;
    /** Threads that built the graph, when more than one did. */
    readonly threads?: number;
  };
  readonly stopReason: StopReason;
}

/** The liveness properties named (all when `names` is empty or absent), in the model's order. */
export function selectLiveness<S, A extends Action>(model: Model<S, A>, names?: readonly string[]): LivenessProperty<S>[] {
  const all = model.liveness?.properties ?? [];
  if (names === undefined || names.length === 0) return [...all];
  for (const n of names) {
    if (!all.some((p) => p.name === n)) throw new UnknownInvariantError(`unknown liveness property '${n}' (known: ${all.map((p) => p.name).join(', ')})`);
  }
  return all.filter((p) => names.includes(p.name));
}

/** The model's fairness classes, or every step fair when it declares none. */
export function fairnessOf<S, A extends Action>(model: Model<S, A>): (s: S, a: A) => StepFairness {
  return model.liveness?.fairness === undefined ? () => 'fair' : (s, a) => model.liveness!.fairness!(s, a);
}

/** Explores the graph, then checks each selected property on it. */
export function exploreLiveness<S, A extends Action>(model: Model<S, A>, options: LivenessOptions = {}): LivenessResult<A> {
  const started = Date.now();
  const properties = selectLiveness(model, options.properties);
  if (properties.length > 8) throw new Error('at most 8 liveness properties at once');
  const rows = new EdgeRows();
  const graphed = properties.map((p) => model.liveness!.properties.indexOf(p));
  const scheduler: Scheduler = (options.workers ?? 1) > 1
    ? threadEngines().scheduler({ workers: options.workers!, source: options.source, threadsFrom: options.threadsFrom, recording: { goals: false, graph: graphed } })
    : inline;
  const levels = searchLevels(model, options, { goals: false, graph: graphed }, scheduler, { edges: rows });
  const graph = new StateGraph(levels.seen, rows);
  const lassos: Lasso<A>[] = [];
  properties.forEach((p, k) => {
    const found = findLasso(graph, k);
    if (found !== null) lassos.push({ property: p.name, statement: p.statement, ...lassoActions(model, graph, found) });
  });
  const complete = levels.stopReason === 'exhausted';
  return {
    verdict: lassos.length > 0 ? 'violated' : complete ? 'holds' : 'no-lasso-found',
    complete,
    checked: properties.map((p) => p.name),
    lassos,
    stats: {
      engine: 'liveness', states: graph.size, transitions: graph.edges,
      depth: complete ? (graph.size === 0 ? 0 : depthOf(graph, graph.size - 1)) : levels.depth, elapsedMs: Date.now() - started,
      bytesPerState: Math.round(graph.bytes / Math.max(1, graph.size)), statesWithCutFairStep: levels.cutStates,
      ...(levels.threads > 1 ? { threads: levels.threads } : {}),
    },
    stopReason: levels.stopReason,
  };
}

function depthOf(graph: StateGraph, id: number): number {
  let d = 0;
  for (let cur = id; graph.parentOf(cur) >= 0; cur = graph.parentOf(cur)) d++;
  return d;
}

/** Where a lasso is in the graph: the state its cycle starts at and the cycle's edges (empty: stuttering). */
interface GraphLasso {
  readonly entry: number;
  readonly cycle: readonly { readonly from: number; readonly edge: number }[];
}

/** In property `k`'s unsettled subgraph: expanded and not settled. */
function unsettled(graph: StateGraph, k: number, v: number): boolean {
  return v >= 0 && v < graph.expanded && !graph.settled(v, k);
}

/** Whether edge `e` may be part of a cycle of property `k`'s subgraph: not a fault, into an unsettled expanded state. */
function cycleEdge(graph: StateGraph, k: number, e: number): boolean {
  return graph.label(e) !== FAULT && unsettled(graph, k, graph.target(e));
}

/** The lasso with the shortest prefix for property `k`, or null when every fair behaviour settles again and again. */
function findLasso(graph: StateGraph, k: number): GraphLasso | null {
  let best = -1;
  let bestComponent = null as number[] | null;
  for (let v = 0; v < graph.expanded; v++) {
    if (!unsettled(graph, k, v) || hasFairStep(graph, v)) continue;
    best = v; // ids are in breadth-first order: the first is the shallowest
    break;
  }
  forEachComponent(graph, k, (members) => {
    const entry = Math.min(...members);
    if (best >= 0 && entry >= best) return;
    if (!isFairComponent(graph, k, members)) return;
    best = entry;
    bestComponent = members;
  });
  if (best < 0) return null;
  return { entry: best, cycle: bestComponent === null ? [] : fairCycle(graph, k, bestComponent, best) };
}

function hasFairStep(graph: StateGraph, v: number): boolean {
  for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) if (graph.label(e) >= 0) return true;
  return false;
}

/**
 * Calls `visit` with the members of every strongly connected component of property `k`'s
 * unsettled subgraph that contains a cycle (more than one state, or a step back to itself).
 * Tarjan's algorithm with an explicit stack.
 */
function forEachComponent(graph: StateGraph, k: number, visit: (members: number[]) => void): void {
  const n = graph.expanded;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const calls: number[] = []; // pairs: state, next edge to look at
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0 || !unsettled(graph, k, root)) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    calls.push(root, graph.firstEdge(root));
    while (calls.length > 0) {
      const v = calls[calls.length - 2];
      const e = calls[calls.length - 1];
      if (e < graph.endEdge(v)) {
        calls[calls.length - 1] = e + 1;
        if (!cycleEdge(graph, k, e)) continue;
        const w = graph.target(e);
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          calls.push(w, graph.firstEdge(w));
        } else if (onStack[w] === 1 && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      calls.length -= 2;
      if (calls.length > 0) {
        const parent = calls[calls.length - 2];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        members.push(w);
      } while (w !== v);
      if (members.length > 1 || hasSelfLoop(graph, k, v)) visit(members);
    }
  }
}

function hasSelfLoop(graph: StateGraph, k: number, v: number): boolean {
  for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) if (graph.target(e) === v && cycleEdge(graph, k, e)) return true;
  return false;
}

/** Fair instances enabled in every one of `states` and taken on none of `edges`. */
function neglected(graph: StateGraph, states: Iterable<number>, edges: Iterable<number>): Set<number> {
  let left: Set<number> | undefined;
  for (const v of states) {
    const here = new Set<number>();
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) if (graph.label(e) >= 0) here.add(graph.label(e));
    const before: Set<number> | undefined = left;
    left = before === undefined ? here : new Set([...before].filter((i) => here.has(i)));
    if (left.size === 0) return left;
  }
  if (left === undefined) return new Set();
  for (const e of edges) left.delete(graph.label(e));
  return left;
}

/** The edges inside a component (not faults, between its members). */
function internalEdges(graph: StateGraph, k: number, inside: (v: number) => boolean, members: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of members) {
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) if (cycleEdge(graph, k, e) && inside(graph.target(e))) out.push(e);
  }
  return out;
}

function isFairComponent(graph: StateGraph, k: number, members: readonly number[]): boolean {
  const set = new Set(members);
  return neglected(graph, members, internalEdges(graph, k, (v) => set.has(v), members)).size === 0;
}

/** A fair cycle through `entry` inside the (fair) component `members`, as (state, edge) pairs. */
function fairCycle(graph: StateGraph, k: number, members: readonly number[], entry: number): { from: number; edge: number }[] {
  const set = new Set(members);
  const inside = (v: number) => set.has(v);
  const edges = internalEdges(graph, k, inside, members);
  const waypoints: ({ edge: number; from: number } | { state: number })[] = [];
  const fromOf = new Map<number, number>();
  for (const v of members) for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) fromOf.set(e, v);
  for (;;) {
    const cycle = cycleThrough(graph, k, inside, entry, waypoints);
    if (cycle.length === 0) {
      const first = edges.find((e) => fromOf.get(e) === entry)!;
      waypoints.push({ edge: first, from: entry });
      continue;
    }
    const missing = neglected(graph, cycle.map((c) => c.from), cycle.map((c) => c.edge));
    if (missing.size === 0) return cycle;
    const instance = missing.values().next().value as number;
    const taking = edges.find((e) => graph.label(e) === instance);
    if (taking !== undefined) {
      waypoints.push({ edge: taking, from: fromOf.get(taking)! });
    } else {
      const disabled = members.find((v) => !enables(graph, v, instance))!;
      waypoints.push({ state: disabled });
    }
  }
}

function enables(graph: StateGraph, v: number, instance: number): boolean {
  for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) if (graph.label(e) === instance) return true;
  return false;
}

/** From `entry` through each waypoint in turn and back to `entry`, by shortest paths inside the component. */
function cycleThrough(
  graph: StateGraph, k: number, inside: (v: number) => boolean, entry: number,
  waypoints: readonly ({ edge: number; from: number } | { state: number })[],
): { from: number; edge: number }[] {
  const out: { from: number; edge: number }[] = [];
  let at = entry;
  for (const w of waypoints) {
    if ('edge' in w) {
      out.push(...pathBetween(graph, k, inside, at, w.from), { from: w.from, edge: w.edge });
      at = graph.target(w.edge);
    } else {
      out.push(...pathBetween(graph, k, inside, at, w.state));
      at = w.state;
    }
  }
  out.push(...pathBetween(graph, k, inside, at, entry));
  return out;
}

/** A shortest path from `a` to `b` inside the component (empty when a = b). */
function pathBetween(graph: StateGraph, k: number, inside: (v: number) => boolean, a: number, b: number): { from: number; edge: number }[] {
  if (a === b) return [];
  const via = new Map<number, { from: number; edge: number }>([[a, { from: -1, edge: -1 }]]);
  const queue = [a];
  for (let head = 0; head < queue.length && !via.has(b); head++) {
    const v = queue[head];
    for (let e = graph.firstEdge(v); e < graph.endEdge(v); e++) {
      const w = graph.target(e);
      if (!cycleEdge(graph, k, e) || !inside(w) || via.has(w)) continue;
      via.set(w, { from: v, edge: e });
      queue.push(w);
    }
  }
  const path: { from: number; edge: number }[] = [];
  for (let v = b; v !== a; v = via.get(v)!.from) path.push(via.get(v)!);
  return path.reverse();
}

/** The lasso's actions, rebuilt by re-executing action indices from the initial state. */
function lassoActions<S, A extends Action>(model: Model<S, A>, graph: StateGraph, lasso: GraphLasso): { prefix: A[]; cycle: A[] } {
  const indices: number[] = [];
  for (let cur = lasso.entry; graph.parentOf(cur) >= 0; cur = graph.parentOf(cur)) indices.push(graph.actionOf(cur));
  const { trace: prefix, state } = actionsAlong(model, indices.reverse());
  const { trace: cycle } = actionsAlong(model, lasso.cycle.map(({ from, edge }) => edge - graph.firstEdge(from)), state);
  return { prefix, cycle };
}
