/**
 * Exhaustive breadth-first exploration: every reachable state up to a depth, each identified by a
 * 64-bit fingerprint, invariants checked as states are generated, so the first violation found is
 * a shortest one. Only the current frontier is kept in memory; traces are rebuilt by
 * re-executing the recorded action indices from the initial state.
 */
import { type Action, type Invariant, type Model, type StateInvariant, type TransitionInvariant, violates } from '../model.ts';
import { fingerprintInto } from './fingerprint.ts';
import { FingerprintSet } from './fpset.ts';
import {
  type ExploreResult, type Progress, type StopReason, type Violation, CoverageCounter, boundsOf, selectInvariants,
} from './result.ts';

export interface ExhaustiveOptions {
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly timeLimitMs?: number;
  /** Invariant names to check; all when absent. */
  readonly invariants?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
  /**
   * Stop at the first violation. Otherwise the search goes on until its bounds, or until every
   * checked invariant has failed, and reports the shortest violation of each.
   */
  readonly stopAtFirst?: boolean;
}

interface Search<S, A extends Action> {
  readonly model: Model<S, A>;
  readonly stateInvs: StateInvariant<S>[];
  readonly stepInvs: TransitionInvariant<S>[];
  readonly seen: FingerprintSet;
  readonly coverage: CoverageCounter<S, A>;
  readonly violations: Violation<A>[];
  transitions: number;
  /** The most states held in the current and next frontier at once. */
  frontierPeak: number;
}

/**
 * Breadth-first search. The first violation of each invariant is a shortest one; by default the
 * search reports one per invariant (see `stopAtFirst`).
 */
export function exploreExhaustive<S, A extends Action>(model: Model<S, A>, options: ExhaustiveOptions = {}): ExploreResult<A> {
  const started = Date.now();
  const invs = selectInvariants(model, options.invariants);
  const search: Search<S, A> = {
    model,
    stateInvs: invs.filter((i): i is StateInvariant<S> => i.kind === 'state'),
    stepInvs: invs.filter((i): i is TransitionInvariant<S> => i.kind === 'transition'),
    seen: new FingerprintSet(),
    coverage: new CoverageCounter(model),
    violations: [],
    transitions: 0,
    frontierPeak: 1,
  };
  const fp = new Uint32Array(2);
  const view = model.fingerprintView ?? ((s: S) => s);
  fingerprintInto(view(model.initial), fp);
  search.seen.add(fp[0], fp[1], -1, -1);
  const initialBad = invs.find((i) => violates(i, undefined, model.initial));
  const finish = (stopReason: StopReason, depth: number): ExploreResult<A> => ({
    verdict: search.violations.length > 0 ? 'violated' : 'holds',
    complete: stopReason === 'exhausted',
    violations: search.violations,
    stats: {
      engine: 'exhaustive', states: search.seen.size, transitions: search.transitions, depth,
      elapsedMs: Date.now() - started, bytesPerState: Math.round(search.seen.bytes / Math.max(1, search.seen.size)),
      frontierPeak: search.frontierPeak,
    },
    coverage: search.coverage.snapshot(),
    stopReason,
  });
  if (initialBad) {
    search.violations.push(violationOf(initialBad, []));
    return finish('violation', 0);
  }
  return breadthFirst(search, options, started, fp, view, finish);
}

function breadthFirst<S, A extends Action>(
  search: Search<S, A>,
  options: ExhaustiveOptions,
  started: number,
  fp: Uint32Array,
  view: (s: S) => unknown,
  finish: (reason: StopReason, depth: number) => ExploreResult<A>,
): ExploreResult<A> {
  const { model, seen, coverage, stateInvs, stepInvs } = search;
  const inBounds = boundsOf(model);
  /** Records a violation; true when the search should stop. */
  const violated = (inv: Invariant<S>, trace: () => A[]): boolean => {
    search.violations.push(violationOf(inv, trace()));
    remove(stateInvs, inv);
    remove(stepInvs, inv);
    return options.stopAtFirst === true || stateInvs.length + stepInvs.length === 0;
  };
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  let frontier: S[] = [model.initial];
  let frontierIds: number[] = [0];
  let depth = 0;
  let lastReport = Date.now();
  while (frontier.length > 0) {
    if (depth >= maxDepth) return finish('depth', depth);
    const next: S[] = [];
    const nextIds: number[] = [];
    for (let i = 0; i < frontier.length; i++) {
      const s = frontier[i];
      const actions = model.enabled(s);
      for (let j = 0; j < actions.length; j++) {
        const n = model.step(s, actions[j]);
        if (!inBounds(n)) continue;
        search.transitions++;
        coverage.record(s, actions[j], n, depth + 1);
        for (let k = 0; k < stepInvs.length; k++) {
          if (stepInvs[k].holds(s, n)) continue;
          if (violated(stepInvs[k], () => [...traceTo(model, seen, frontierIds[i]), actions[j]])) return finish('violation', depth);
          k--;
        }
        fingerprintInto(view(n), fp);
        const id = seen.add(fp[0], fp[1], frontierIds[i], j);
        if (id < 0) continue;
        for (let k = 0; k < stateInvs.length; k++) {
          if (stateInvs[k].holds(n)) continue;
          if (violated(stateInvs[k], () => traceTo(model, seen, id))) return finish('violation', depth);
          k--;
        }
        next.push(n);
        nextIds.push(id);
      }
      if (frontier.length + next.length > search.frontierPeak) search.frontierPeak = frontier.length + next.length;
      if ((i & 255) === 0) {
        const now = Date.now();
        if (now > deadline) return finish('time', depth);
        if (seen.size > maxStates) return finish('states', depth);
        if (options.onProgress && now - lastReport > 500) {
          lastReport = now;
          options.onProgress({ states: seen.size, transitions: search.transitions, depth, elapsedMs: now - started });
        }
      }
    }
    frontier = next;
    frontierIds = nextIds;
    depth++;
  }
  return finish('exhausted', depth);
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function violationOf<S, A extends Action>(inv: Invariant<S>, trace: A[]): Violation<A> {
  return { invariant: inv.name, statement: inv.statement, trace, length: trace.length };
}

/** Rebuilds the path to state `id` by following parents, then re-executing the action indices. */
export function traceTo<S, A extends Action>(model: Model<S, A>, seen: FingerprintSet, id: number): A[] {
  const indices: number[] = [];
  for (let cur = id; seen.parentOf(cur) >= 0; cur = seen.parentOf(cur)) indices.push(seen.actionOf(cur));
  indices.reverse();
  const trace: A[] = [];
  let s = model.initial;
  for (const index of indices) {
    const a = model.enabled(s)[index];
    trace.push(a);
    s = model.step(s, a);
  }
  return trace;
}
