/**
 * What an exploration reports, whichever engine ran it: the verdict, the violations with their
 * traces, how much was explored, and the coverage that shows a pass was not vacuous.
 */
import type { SplitReport } from './shard.ts';
import type { Action, Invariant, Model } from '../model.ts';

export interface Violation<A extends Action> {
  readonly invariant: string;
  readonly statement: string;
  /** The steps from the initial state; the invariant fails in the state after the last one. */
  readonly trace: A[];
  readonly length: number;
  /** True when a breadth-first search showed that no shorter trace violates this invariant. */
  readonly certifiedMinimal?: boolean;
  /**
   * Random engine: the breadth-first search run to certify the trace shortest (absent when none
   * ran): why it stopped, and the depth to which it covered every behaviour.
   */
  readonly certification?: {
    readonly stopReason: StopReason; readonly depth: number; readonly states: number;
    /** The breadth-first search was a portfolio's, run beside the random runs (portfolio.ts), not one run to certify this trace. */
    readonly alongside?: boolean;
  };
  /**
   * Bounded strategy only: the trace spends `spent` units of `budget`, and is a shortest among the
   * counterexamples spending at most that much; `proven` when the rounds with less all finished,
   * so no counterexample of this invariant spends less.
   */
  readonly fewest?: { readonly budget: string; readonly spent: number; readonly proven: boolean };
  /** Random engine only: how to replay the failing run in fast-check, and its length before shrinking. */
  readonly seed?: number;
  readonly path?: string;
  readonly shrunkFrom?: number;
  /** Which engine found it, and when (milliseconds from the start of the search that found it). */
  readonly found?: FoundBy;
}

/**
 * Which engine found a violation and when: breadth-first search, or random runs (the seed of the
 * campaign or shard, and the number of the run that failed, from 1) with the time its failing run
 * ended, before shrinking.
 */
export type FoundBy =
  | { readonly engine: 'breadth-first'; readonly atMs: number }
  | { readonly engine: 'random'; readonly atMs: number; readonly seed: number; readonly run: number };

export interface GoalCoverage {
  /** Transitions that reached the goal. */
  readonly count: number;
  /** The fewest steps after which it was reached (a shortest, for breadth-first search); null if never. */
  readonly firstDepth: number | null;
}

export interface Coverage {
  readonly goals: Record<string, GoalCoverage>;
  /** Transitions taken, by step name. */
  readonly steps: Record<string, number>;
}

/**
 * Why a search stopped: `states` and `memory` are the `maxStates` and `maxMemoryBytes` limits;
 * `stopped`, its `stop` signal (the other engine of a portfolio found a violation first, or is done).
 */
export type StopReason = 'exhausted' | 'depth' | 'states' | 'memory' | 'time' | 'violation' | 'runs' | 'stopped';

/**
 * What a search may claim: `violated` with a counterexample; `holds` only when the search was
 * complete (every reachable state within the model's bounds explored); otherwise
 * `no-violation-found`, which says nothing about the behaviours the search did not reach.
 */
export type SearchVerdict = 'holds' | 'no-violation-found' | 'violated';

/** The verdict of a search that found `violations` and was, or was not, `complete`. */
export function searchVerdict(violations: readonly unknown[], complete: boolean): SearchVerdict {
  return violations.length > 0 ? 'violated' : complete ? 'holds' : 'no-violation-found';
}

/**
 * How far a search went: a core every engine fills in, and the part of each engine that ran
 * (both, for a check that ran breadth-first search then random runs).
 */
export interface SearchStats {
  readonly engine: 'exhaustive' | 'random' | 'exhaustive+random';
  /** Distinct states visited (random: a lower bound when `random.statesCapped`). */
  readonly states: number;
  readonly transitions: number;
  /** Exhaustive: every state up to this depth was expanded. Random: the longest run. */
  readonly depth: number;
  readonly elapsedMs: number;
  /** Threads that expanded levels (exhaustive: workers start only for large levels) or ran shards (random), when more than one did. */
  readonly threads?: number;
  readonly breadthFirst?: BreadthFirstStats;
  readonly random?: RandomStats;
}

/** Breadth-first search's own figures. */
export interface BreadthFirstStats {
  /** Bytes per distinct state of the visited-state table (fingerprints and parent links). */
  readonly bytesPerState: number;
  /** The most states held as objects at once on the calling thread (the ancestors of the state being expanded, one per depth). */
  readonly frontierPeak: number;
  /**
   * With a budget cap: the fewest steps after which the cap left a state out, absent when it
   * left none out; up to one step less, every behaviour of the uncapped graph was explored.
   */
  readonly capCut?: number;
  /**
   * As one shard of a search (shard.ts `LevelSplit`): which shard, and where it split. `depth`
   * and `states` are then this shard's; with a split, `complete` is false even when the shard's
   * own part was exhausted.
   */
  readonly split?: SplitReport;
}

/** Random runs' own figures. */
export interface RandomStats {
  readonly runs: number;
  /** Counting stopped at `states` to bound memory, so more distinct states were visited. */
  readonly statesCapped?: boolean;
  /**
   * With a violation: milliseconds from the start to the end of the first run that broke an
   * invariant, before shrinking and certifying (with threads, the earliest of the shards').
   */
  readonly firstFoundMs?: number;
  /**
   * Runs guided by the model's sketches: how many distinct sketches the runs met, and how many
   * runs started where a run that met a new one left off.
   */
  readonly guided?: { readonly sketches: number; readonly resumedRuns: number };
}

export interface ExploreResult<A extends Action> {
  readonly verdict: SearchVerdict;
  /** Exhaustive only: the whole reachable space (within the model's own bounds) was explored. */
  readonly complete: boolean;
  readonly violations: Violation<A>[];
  readonly stats: SearchStats;
  readonly coverage: Coverage;
  readonly stopReason: StopReason;
}

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly elapsedMs: number;
  readonly runs?: number;
}

/** The kinds of step the model says can happen in its configuration (all it declares, in order). */
export function possibleStepKinds<S, A extends Action>(model: Model<S, A>): string[] {
  return Object.entries(model.presentation?.stepKinds ?? {}).filter(([, why]) => why === null).map(([k]) => k);
}

/** The kinds of step that can happen but that an exploration never took. */
export function stepKindsNeverTaken<S, A extends Action>(model: Model<S, A>, coverage: Coverage): string[] {
  return possibleStepKinds(model).filter((k) => (coverage.steps[k] ?? 0) === 0);
}

/** Thrown for an unknown invariant name; the message is one line. */
export class UnknownInvariantError extends Error {
  override name = 'UnknownInvariantError';
}

/** The invariants named (all when `names` is empty or absent), in the model's order. */
export function selectInvariants<S, A extends Action>(model: Model<S, A>, names?: readonly string[]): Invariant<S>[] {
  if (names === undefined || names.length === 0) return [...model.invariants];
  for (const n of names) {
    if (!model.invariants.some((i) => i.name === n)) {
      throw new UnknownInvariantError(`unknown invariant '${n}' (known: ${model.invariants.map((i) => i.name).join(', ')})`);
    }
  }
  return model.invariants.filter((i) => names.includes(i.name));
}

/**
 * The process's resident memory in bytes (`process.memoryUsage.rss()`), or 0 where there is no
 * such figure (a browser), so a memory limit never stops a search there.
 */
export function residentBytes(): number {
  const proc = (globalThis as { process?: { memoryUsage?: { rss?: () => number } } }).process;
  return proc?.memoryUsage?.rss?.() ?? 0;
}

/** The limits a search checks now and then, and its progress reports. */
export interface SearchLimitOptions {
  readonly timeLimitMs?: number;
  readonly maxStates?: number;
  readonly maxMemoryBytes?: number;
  readonly onProgress?: (p: Progress) => void;
  /**
   * A stop signal another thread may raise: the search stops (reason `stopped`) once `stop[0]` is
   * not 0. Shared memory for a signal from another thread; a plain buffer works on one thread.
   */
  readonly stop?: Int32Array;
}

/** Whether `stop` (see `SearchLimitOptions.stop`) has been raised. */
export function stopRaised(stop: Int32Array | undefined): boolean {
  return stop !== undefined && Atomics.load(stop, 0) !== 0;
}

/** Raises `stop` (see `SearchLimitOptions.stop`) and wakes whoever waits on it. */
export function raiseStop(stop: Int32Array | undefined): void {
  if (stop === undefined) return;
  Atomics.store(stop, 0, 1);
  Atomics.notify(stop, 0);
}

/**
 * The time, state and memory limits of one search started at `started`, checked between units of
 * work (states expanded, chunks taken), with a progress report at most every half second.
 */
export class SearchLimits {
  private readonly deadline: number;
  private lastReport: number;

  constructor(private readonly options: SearchLimitOptions, private readonly started: number) {
    this.deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
    this.lastReport = started;
  }

  /** Why the search must stop now, having seen `states` states and `transitions` transitions at `depth`; null to go on. */
  check(states: number, transitions: number, depth: number): StopReason | null {
    const { options } = this;
    const now = Date.now();
    if (now > this.deadline) return 'time';
    if (stopRaised(options.stop)) return 'stopped';
    if (options.maxStates !== undefined && states > options.maxStates) return 'states';
    if (options.maxMemoryBytes !== undefined && residentBytes() > options.maxMemoryBytes) return 'memory';
    if (options.onProgress && now - this.lastReport > 500) {
      this.lastReport = now;
      options.onProgress({ states, transitions, depth, elapsedMs: now - this.started });
    }
    return null;
  }
}

/** A bound on one of the model's budgets (`Model.guidance.budgets`): only states spending at most `spent` of it. */
export interface BudgetCap {
  readonly budget: string;
  readonly spent: number;
}

/** The model's bounds check, or one that accepts every state. */
export function boundsOf<S, A extends Action>(model: Model<S, A>): (s: S) => boolean {
  return model.withinBounds === undefined ? () => true : (s) => model.withinBounds!(s);
}

/** Whether a state is within `cap`, or null without a cap. */
export function capOf<S, A extends Action>(model: Model<S, A>, cap: BudgetCap | undefined): ((s: S) => boolean) | null {
  if (cap === undefined) return null;
  const budget = model.guidance?.budgets?.[cap.budget];
  if (budget === undefined) throw new Error(`the model declares no budget '${cap.budget}'`);
  return (s) => budget.spent(s) <= cap.spent;
}

/** Coverage added up: transitions by kind and goal counts summed, each goal's earliest depth the least. */
export function addCoverage(a: Coverage, b: Coverage): Coverage {
  const goals: Record<string, { count: number; firstDepth: number | null }> = structuredClone(a.goals);
  for (const [name, g] of Object.entries(b.goals)) {
    const x = (goals[name] ??= { count: 0, firstDepth: null });
    x.count += g.count;
    if (g.firstDepth !== null && (x.firstDepth === null || g.firstDepth < x.firstDepth)) x.firstDepth = g.firstDepth;
  }
  const steps = { ...a.steps };
  for (const [k, n] of Object.entries(b.steps)) steps[k] = (steps[k] ?? 0) + n;
  return { goals, steps };
}

/** Mutable coverage counters used while exploring. */
export class CoverageCounter<S, A extends Action> {
  readonly goals: Record<string, { count: number; firstDepth: number | null }> = {};
  readonly steps: Record<string, number> = {};

  constructor(private readonly model: Model<S, A>) {
    for (const g of model.goals) this.goals[g.name] = { count: 0, firstDepth: null };
  }

  record(prev: S, action: A, next: S, depth: number): void {
    this.steps[action.step] = (this.steps[action.step] ?? 0) + 1;
    const goals = this.model.goals;
    for (let i = 0; i < goals.length; i++) {
      if (!goals[i].reached(prev, action, next)) continue;
      const g = this.goals[goals[i].name];
      g.count++;
      if (g.firstDepth === null || depth < g.firstDepth) g.firstDepth = depth;
    }
  }

  /**
   * Adds steps counted elsewhere, all taken to `depth`: `kinds[k]` steps named `names[k]`, and
   * `reached[i]` of them reaching goal i (an index into `model.goals`).
   */
  tally(names: readonly string[], kinds: Int32Array, reached: Int32Array, depth: number): void {
    for (let k = 0; k < names.length; k++) if (kinds[k] > 0) this.steps[names[k]] = (this.steps[names[k]] ?? 0) + kinds[k];
    for (let i = 0; i < reached.length; i++) {
      if (reached[i] === 0) continue;
      const g = this.goals[this.model.goals[i].name];
      g.count += reached[i];
      if (g.firstDepth === null || depth < g.firstDepth) g.firstDepth = depth;
    }
  }

  snapshot(): Coverage {
    return { goals: structuredClone(this.goals), steps: { ...this.steps } };
  }
}

/**
 * A property's verdict once what the exploration reached is taken into account: `holds` only
 * after a complete search, `no-violation-found` after one that was not.
 */
export type Verdict = 'holds' | 'no-violation-found' | 'violated' | 'not-exercised';

/**
 * Why a property that was not violated was not exercised: the goals it requires that the
 * exploration never reached, each with the reason the model gives when its configuration rules
 * the goal out (e.g. `consumer-read (no consumer)`); null when every required goal was reached.
 */
export function notExercisedReason<S, A extends Action>(model: Model<S, A>, coverage: Coverage, invariant: Invariant<S>): string | null {
  const missing = (invariant.requires ?? []).filter((g) => (coverage.goals[g]?.count ?? 0) === 0);
  if (missing.length === 0) return null;
  const why = (g: string) => model.presentation?.goalsImpossible?.[g] ?? 'not reached within the bounds';
  return missing.map((g) => `${g} (${why(g)})`).join(', ');
}

/**
 * Each property's verdict: violated when a violation was found, not exercised when a goal it
 * requires was never reached, else holds when the search was `complete` and no violation found
 * when it was not.
 */
export function verdictsOf<S, A extends Action>(
  model: Model<S, A>, coverage: Coverage, violations: readonly Violation<A>[], checked: readonly string[], complete: boolean,
): { invariant: string; verdict: Verdict; reason?: string }[] {
  const clean: Verdict = complete ? 'holds' : 'no-violation-found';
  return model.invariants.filter((i) => checked.includes(i.name)).map((inv) => {
    if (violations.some((v) => v.invariant === inv.name)) return { invariant: inv.name, verdict: 'violated' };
    const reason = notExercisedReason(model, coverage, inv);
    return reason === null ? { invariant: inv.name, verdict: clean } : { invariant: inv.name, verdict: 'not-exercised', reason };
  });
}
