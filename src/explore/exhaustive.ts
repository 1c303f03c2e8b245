/**
 * Exhaustive breadth-first exploration: every reachable state up to a depth, each identified by a
 * 64-bit fingerprint, invariants checked as states are generated, so the first violation found is
 * a shortest one.
 *
 * No level of the search is kept as state objects. The visited-state table gives every new state
 * a dense id in the order it was found, with its parent's id and the index of the action that
 * reached it, so one level is a contiguous range of ids, already in the order the next level must
 * be expanded in. To expand a state, the search rebuilds it by stepping its parent, which it
 * rebuilds the same way (`Ancestors` keeps the last state rebuilt at each depth, so siblings share
 * their parent and cousins their grandparent). Memory is the table's ~40 bytes a state plus one
 * state object per level, instead of every state of the widest level as an object (~1 KB each for
 * Kafka); the price is one extra step per state expanded. Traces are rebuilt the same way, by
 * re-executing the recorded action indices from the initial state.
 */
import { type Action, type Invariant, type Model, type StateInvariant, type TransitionInvariant, violates } from '../model.ts';
import { fingerprintInto } from './fingerprint.ts';
import { FingerprintSet } from './fpset.ts';
import { SleepSets } from './sleep.ts';
import { type ModelSource, threadEngines } from './on-threads.ts';
import { LevelSplit, type Shard } from './shard.ts';
import {
  type BudgetCap, type ExploreResult, type Progress, type StopReason, type Violation, CoverageCounter, SearchLimits, boundsOf, capOf, searchVerdict, selectInvariants,
} from './result.ts';

export interface ExhaustiveOptions {
  readonly maxDepth?: number;
  /** Stop once more than this many distinct states were visited (checked every 256 states expanded). */
  readonly maxStates?: number;
  /** Stop once the process's resident memory passes this many bytes (checked every 256 states expanded). */
  readonly maxMemoryBytes?: number;
  readonly timeLimitMs?: number;
  /** Invariant names to check; all when absent. */
  readonly invariants?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
  /**
   * Stop at the first violation. Otherwise the search goes on until its bounds, or until every
   * checked invariant has failed, and reports the shortest violation of each.
   */
  readonly stopAtFirst?: boolean;
  /** Explore only the states within this budget cap, on top of the model's own bounds (see bounded.ts). */
  readonly cap?: BudgetCap;
  /**
   * Threads expanding each level (parallel.ts): the calling thread and `workers` − 1 worker
   * threads; more than 1 needs `source`. The states, ids, violations and coverage are those of
   * one thread, in the same order.
   */
  readonly workers?: number;
  /** How a worker thread rebuilds this very model. */
  readonly source?: ModelSource;
  /**
   * With `workers`: the smallest level (in states) for which the worker threads start; smaller
   * levels are expanded on the calling thread, and a search with none this large starts no
   * worker (default 2,048, parallel.ts `THREADS_FROM`).
   */
  readonly threadsFrom?: number;
  /**
   * Partial-order reduction: `sleep` skips steps that only reorder independent ones (sleep.ts),
   * with the same states, violations and goals, and needs a model that declares its steps'
   * independence; `none` (the default) takes every enabled step. One thread only.
   */
  readonly reduction?: Reduction;
  /**
   * Search only this shard of the whole (shard.ts `LevelSplit`): every level in full up to the
   * first one holding at least `splitPerShard` (default `SPLIT_STATES_PER_SHARD`) states per
   * shard, then only this shard's block of that level and what it reaches. Not with sleep sets.
   */
  readonly shard?: Shard;
  readonly splitPerShard?: number;
  /** Called once the search is over with its visited-state table's slots (empty ones hold 0:0), e.g. to write them out. */
  readonly keepStates?: (slots: { readonly hi: Uint32Array; readonly lo: Uint32Array }) => void;
}

export type Reduction = 'sleep' | 'none';

interface Search<S, A extends Action> {
  readonly model: Model<S, A>;
  readonly options: ExhaustiveOptions;
  readonly stateInvs: StateInvariant<S>[];
  readonly stepInvs: TransitionInvariant<S>[];
  readonly seen: FingerprintSet;
  readonly coverage: CoverageCounter<S, A>;
  readonly violations: Violation<A>[];
  readonly view: (s: S) => unknown;
  readonly inBounds: (s: S) => boolean;
  readonly inCap: ((s: S) => boolean) | null;
  /** The fewest steps after which the cap left a state out (Infinity: none yet). */
  capCut: number;
  /** Scratch space for one fingerprint. */
  readonly fp: Uint32Array;
  transitions: number;
  /** The sleep sets, with partial-order reduction. */
  readonly sleep: SleepSets<S, A> | null;
  /** This shard's part of the levels, when the search is a shard. */
  readonly split: LevelSplit | null;
}

/**
 * Breadth-first search. The first violation of each invariant is a shortest one; by default the
 * search reports one per invariant (see `stopAtFirst`).
 */
export function exploreExhaustive<S, A extends Action>(model: Model<S, A>, options: ExhaustiveOptions = {}): ExploreResult<A> {
  const reduced = options.reduction === 'sleep';
  if (reduced && model.independence === undefined) throw new Error(`model ${model.name} declares no independence of steps, which sleep sets need`);
  if (reduced && (options.workers ?? 1) > 1) throw new Error('sleep sets run on one thread: drop the reduction or the workers');
  if (reduced && options.shard !== undefined) throw new Error('sleep sets search the whole graph: drop the reduction or the shard');
  if ((options.workers ?? 1) > 1) {
    if (options.source === undefined) throw new Error('breadth-first search on worker threads needs the model\'s source');
    return threadEngines().exhaustive(model, { ...options, workers: options.workers!, source: options.source });
  }
  const started = Date.now();
  const invs = selectInvariants(model, options.invariants);
  const search: Search<S, A> = {
    model, options,
    stateInvs: invs.filter((i): i is StateInvariant<S> => i.kind === 'state'),
    stepInvs: invs.filter((i): i is TransitionInvariant<S> => i.kind === 'transition'),
    seen: reduced ? FingerprintSet.withIds() : new FingerprintSet(),
    coverage: new CoverageCounter(model),
    violations: [],
    view: model.fingerprintView ?? ((s: S) => s),
    inBounds: boundsOf(model),
    inCap: capOf(model, options.cap),
    capCut: Infinity,
    fp: new Uint32Array(2),
    transitions: 0,
    sleep: reduced ? new SleepSets(model.independence!) : null,
    split: splitOf(options),
  };
  fingerprintInto(search.view(model.initial), search.fp);
  search.seen.add(search.fp[0], search.fp[1], -1, -1);
  const ancestors = new Ancestors(model, search.seen);
  const finish = (stopReason: StopReason, depth: number): ExploreResult<A> => {
    options.keepStates?.(search.seen.slots);
    const complete = stopReason === 'exhausted' && (search.split === null || search.split.at === null);
    return {
      verdict: searchVerdict(search.violations, complete),
      complete,
      violations: search.violations,
      stats: {
        engine: 'exhaustive', states: search.seen.size, transitions: search.transitions, depth,
        elapsedMs: Date.now() - started, bytesPerState: Math.round(search.seen.bytes / Math.max(1, search.seen.size)),
        frontierPeak: ancestors.peak, ...(search.capCut === Infinity ? {} : { capCut: search.capCut }),
        ...(search.sleep === null ? {} : { skipped: search.sleep.skipped }),
        ...(search.split === null ? {} : { split: search.split.report }),
      },
      coverage: search.coverage.snapshot(),
      stopReason,
    };
  };
  const initialBad = invs.find((i) => violates(i, undefined, model.initial));
  if (initialBad) {
    search.violations.push(violationOf(initialBad, []));
    return finish('violation', 0);
  }
  return finish(...breadthFirst(search, ancestors, started));
}

/** Expands level after level (each a range of ids); the reason it stopped and the depth fully expanded. */
function breadthFirst<S, A extends Action>(search: Search<S, A>, ancestors: Ancestors<S, A>, started: number): [StopReason, number] {
  const { options, seen } = search;
  const maxDepth = options.maxDepth ?? Infinity;
  const limits = new SearchLimits(options, started);
  let levelStart = 0;
  let levelEnd = 1;
  let depth = 0;
  for (; levelStart < levelEnd; depth++) {
    if (depth >= maxDepth) return ['depth', depth];
    search.sleep?.nextLevel(levelEnd);
    const [from, to] = search.split?.range(depth, levelStart, levelEnd) ?? [levelStart, levelEnd];
    for (let id = from; id < to; id++) {
      if (expand(search, ancestors, id, depth)) return ['violation', depth];
      if (((id - from) & 255) !== 0) continue;
      const stop = limits.check(seen.size, search.transitions, depth);
      if (stop !== null) return [stop, depth];
    }
    levelStart = levelEnd;
    levelEnd = seen.size;
  }
  return ['exhausted', depth];
}

/**
 * Takes every step enabled in state `id` (at `depth`): checks, counts and records each successor.
 * True when the search must stop at a violation.
 */
function expand<S, A extends Action>(search: Search<S, A>, ancestors: Ancestors<S, A>, id: number, depth: number): boolean {
  const { model, seen, coverage, stateInvs, stepInvs, fp } = search;
  const s = ancestors.state(id, depth);
  const actions = ancestors.enabled(depth);
  const sleep = search.sleep;
  sleep?.enter(id, s, actions);
  for (let j = 0; j < actions.length; j++) {
    if (sleep !== null && sleep.skips(j)) continue;
    const n = model.step(s, actions[j]);
    if (!search.inBounds(n)) continue;
    if (search.inCap !== null && !search.inCap(n)) {
      search.capCut = Math.min(search.capCut, depth + 1);
      continue;
    }
    search.transitions++;
    coverage.record(s, actions[j], n, depth + 1);
    for (let k = 0; k < stepInvs.length; k++) {
      if (stepInvs[k].holds(s, n)) continue;
      if (violated(search, stepInvs[k], () => [...traceTo(model, seen, id), actions[j]])) return true;
      k--;
    }
    fingerprintInto(search.view(n), fp);
    let child: number;
    if (sleep === null) child = seen.add(fp[0], fp[1], id, j);
    else sleep.arrive(j, (child = seen.addOrFind(fp[0], fp[1], id, j)));
    if (child < 0) continue;
    for (let k = 0; k < stateInvs.length; k++) {
      if (stateInvs[k].holds(n)) continue;
      if (violated(search, stateInvs[k], () => traceTo(model, seen, child))) return true;
      k--;
    }
  }
  return false;
}

/** The split of a search that is a shard, or null for the whole search. */
export function splitOf(options: ExhaustiveOptions): LevelSplit | null {
  return options.shard === undefined ? null : new LevelSplit(options.shard, options.splitPerShard);
}

/** Records a violation and stops checking its invariant; true when the search should stop. */
function violated<S, A extends Action>(search: Search<S, A>, inv: Invariant<S>, trace: () => A[]): boolean {
  search.violations.push(violationOf(inv, trace()));
  remove(search.stateInvs, inv);
  remove(search.stepInvs, inv);
  return search.options.stopAtFirst === true || search.stateInvs.length + search.stepInvs.length === 0;
}

/** Per state id, its parent's id and the index of the action that reached it (a `FingerprintSet`, or a copy shared with a worker). */
export interface Links {
  parentOf(id: number): number;
  actionOf(id: number): number;
}

/**
 * The states of the search tree, rebuilt on demand from the visited-state table: the one at depth
 * d is its parent (depth d - 1) stepped by the recorded action. Keeps, per depth, the last state
 * rebuilt and its enabled actions, so a level expanded in id order rebuilds each parent once for
 * all its children. The initial state (id 0) is always kept.
 */
export class Ancestors<S, A extends Action> {
  private readonly ids: number[] = [0];
  private readonly states: S[];
  private readonly actions: (A[] | undefined)[] = [undefined];
  /** The most states held at once (one per depth). */
  peak = 1;

  constructor(private readonly model: Model<S, A>, private readonly seen: Links) {
    this.states = [model.initial];
  }

  /** The state with this id, found at this depth of the search. */
  state(id: number, depth: number): S {
    const chain: number[] = [];
    let d = depth;
    for (let cur = id; this.ids[d] !== cur; d--) {
      chain.push(cur);
      cur = this.seen.parentOf(cur);
    }
    for (let k = chain.length - 1; k >= 0; k--, d++) {
      const action = this.enabled(d)[this.seen.actionOf(chain[k])];
      this.ids[d + 1] = chain[k];
      this.states[d + 1] = this.model.step(this.states[d], action);
      this.actions[d + 1] = undefined;
    }
    if (this.states.length > this.peak) this.peak = this.states.length;
    return this.states[depth];
  }

  /** The actions enabled in the state last rebuilt at this depth. */
  enabled(depth: number): A[] {
    return (this.actions[depth] ??= this.model.enabled(this.states[depth]));
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

export function violationOf<S, A extends Action>(inv: Invariant<S>, trace: A[]): Violation<A> {
  return { invariant: inv.name, statement: inv.statement, trace, length: trace.length };
}

/** Rebuilds the path to state `id` by following parents, then re-executing the action indices. */
export function traceTo<S, A extends Action>(model: Model<S, A>, seen: Links, id: number): A[] {
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
