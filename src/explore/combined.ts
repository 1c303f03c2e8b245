/**
 * Both engines on one budget: breadth-first search, which proves "nothing within depth d" and
 * finds shortest counterexamples, and random runs, which reach far deeper than breadth-first
 * search can (at a cost: a "holds" from them is no proof). With two threads or more they run at
 * once (portfolio.ts); on one thread (a browser) breadth-first search runs first, for a share of
 * the time limit, then random runs on the invariants it did not already break.
 */
import type { Action, Model } from '../model.ts';
import { exploreBounded } from './bounded.ts';
import { type ExhaustiveOptions, exploreExhaustive } from './exhaustive.ts';
import { explorePortfolio } from './portfolio.ts';
import { type CertifyBudget, exploreRandom, type RandomOptions } from './random.ts';
import type { ModelSource } from './on-threads.ts';
import { addCoverage, type ExploreResult, type Progress, type StopReason, type Violation, searchVerdict, selectInvariants, stopRaised } from './result.ts';

export interface CombinedOptions {
  /**
   * The whole budget; run one after the other, breadth-first search gets `exhaustiveShare` of it
   * (default one half), random runs the rest. Without it both phases run to their own bounds (`maxDepth`, `runs`), so the
   * result is the same on every machine.
   */
  readonly timeLimitMs?: number;
  readonly exhaustiveShare?: number;
  /**
   * Run the engines at once, on threads of their own (portfolio.ts), sharing the whole time limit;
   * default: with two `workers` or more and a `source`. Otherwise one after the other, as above.
   */
  readonly together?: boolean;
  readonly maxDepth?: number;
  /** Threads for both phases (the calling thread and `workers` − 1 more), and how they rebuild the model (see `ExhaustiveOptions`). */
  readonly workers?: number;
  /** Threads for the random phase when they differ from `workers` (absent: `workers`). */
  readonly randomWorkers?: number;
  readonly source?: ModelSource;
  /** Breadth-first phase: bound this budget of the model, fewest first (bounded.ts), instead of plain breadth-first search. */
  readonly budget?: string;
  readonly invariants?: readonly string[];
  readonly stopAtFirst?: boolean;
  /** Random phase: runs (default: as many as the time allows), steps per run, seed. */
  readonly runs?: number;
  readonly maxSteps: number;
  readonly seed?: number;
  /** Random phase: guide runs by the model's sketches (random.ts; default true). */
  readonly guide?: boolean;
  readonly certify?: CertifyBudget;
  /**
   * The random engine stops at its first violation; with this set, it is run again on the
   * invariants still standing until a pass finds nothing, so every invariant gets a verdict.
   */
  readonly everyInvariant?: boolean;
  /** Stamp each violation with the engine that found it and when (`Violation.found`). */
  readonly recordFound?: boolean;
  /** Each phase stops once it has seen more than this many distinct states (see the engines' `maxStates`). */
  readonly maxStates?: number;
  /** Either phase stops once the process's resident memory passes this; a breadth-first phase stopped by it ends the search. */
  readonly maxMemoryBytes?: number;
  readonly onProgress?: (p: Progress) => void;
}

export interface CombinedResult<A extends Action> extends ExploreResult<A> {
  /** The random phase sums its passes (see `everyInvariant`); null when it did not run. */
  readonly phases: { readonly exhaustive: ExploreResult<A>; readonly random: ExploreResult<A> | null };
  /** The engines ran at once, on threads of their own (portfolio.ts), rather than one after the other. */
  readonly together?: boolean;
  /**
   * Run at once: the random runs stopped when breadth-first search ended the check by itself,
   * left out of `phases` (and of the violations) since how far they got depends on the clock.
   */
  readonly leftOut?: ExploreResult<A>;
}

export function exploreCombined<S, A extends Action>(model: Model<S, A>, options: CombinedOptions): CombinedResult<A> {
  if (options.timeLimitMs === undefined && options.runs === undefined) throw new Error('exploreCombined needs a time limit or a number of runs');
  if (options.together ?? ((options.workers ?? 1) > 1 && options.source !== undefined)) return explorePortfolio(model, options);
  const started = Date.now();
  const checked = selectInvariants(model, options.invariants).map((i) => i.name);
  const bfs = breadthFirstFor<S, A>(options.budget)(model, {
    maxDepth: options.maxDepth, timeLimitMs: options.timeLimitMs === undefined ? undefined : options.timeLimitMs * (options.exhaustiveShare ?? 0.5),
    invariants: checked, stopAtFirst: options.stopAtFirst, onProgress: options.onProgress,
    maxStates: options.maxStates, maxMemoryBytes: options.maxMemoryBytes, workers: options.workers, source: options.source,
  });
  const random = endsTheCheck(bfs) ? null : randomPhase(model, options, started, checked.filter((n) => !bfs.violations.some((v) => v.invariant === n)));
  const violations = [...bfs.violations, ...(random?.violations ?? [])];
  return combinedResult(bfs, random, violations, random?.stopReason ?? bfs.stopReason, started);
}

/** Plain breadth-first search, or with a `budget` fewest-first (bounded.ts). */
export function breadthFirstFor<S, A extends Action>(budget: string | undefined): (model: Model<S, A>, options: ExhaustiveOptions) => ExploreResult<A> {
  return budget === undefined ? exploreExhaustive : (m, o) => exploreBounded(m, { ...o, budget });
}

/**
 * Whether breadth-first search ended the check by itself: it exhausted its bounds, stopped at a
 * violation (the first one asked for, or that of the last invariant standing) or at the memory
 * limit. Random runs then have nothing to add.
 */
export function endsTheCheck(bfs: ExploreResult<Action>): boolean {
  return bfs.complete || bfs.stopReason === 'violation' || bfs.stopReason === 'memory';
}

/** The two engines' results as one: breadth-first search's states and depth, both engines' steps and coverage, `violations` as given. */
export function combinedResult<A extends Action>(
  bfs: ExploreResult<A>, random: ExploreResult<A> | null, violations: Violation<A>[], stopReason: StopReason, started: number,
): CombinedResult<A> {
  return {
    verdict: searchVerdict(violations, bfs.complete),
    complete: bfs.complete,
    violations,
    stats: {
      engine: 'exhaustive+random', states: bfs.stats.states, transitions: bfs.stats.transitions + (random?.stats.transitions ?? 0),
      depth: bfs.stats.depth, elapsedMs: Date.now() - started,
      ...(bfs.stats.breadthFirst === undefined ? {} : { breadthFirst: bfs.stats.breadthFirst }),
      ...(random?.stats.random === undefined ? {} : { random: random.stats.random }),
    },
    coverage: random === null ? bfs.coverage : addCoverage(bfs.coverage, random.coverage),
    stopReason,
    phases: { exhaustive: bfs, random },
  };
}

/** The random phase of the sequence: passes on the invariants breadth-first search left standing, in the time left. */
function randomPhase<S, A extends Action>(
  model: Model<S, A>, options: CombinedOptions, started: number, standing: string[],
): ExploreResult<A> | null {
  const remainingMs = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (Date.now() - started);
  if (remainingMs !== undefined && remainingMs <= 0) return null;
  return randomPasses(model, {
    runs: options.runs ?? Number.MAX_SAFE_INTEGER, maxSteps: options.maxSteps, seed: options.seed, timeLimitMs: remainingMs,
    invariants: standing, certify: options.certify, onProgress: options.onProgress, recordFound: options.recordFound,
    maxStates: options.maxStates, maxMemoryBytes: options.maxMemoryBytes, workers: options.randomWorkers ?? options.workers, source: options.source, guide: options.guide,
  }, options.everyInvariant === true);
}

/**
 * One random pass on `options.invariants`, or (`everyInvariant`) passes until one finds nothing,
 * each on the invariants still standing and in the time left of `options.timeLimitMs`, summed;
 * null when no pass ran. Passes stop too once `options.stop` is raised.
 */
export function randomPasses<S, A extends Action>(model: Model<S, A>, options: RandomOptions, everyInvariant: boolean): ExploreResult<A> | null {
  const started = Date.now();
  let standing = selectInvariants(model, options.invariants).map((i) => i.name);
  let total: ExploreResult<A> | null = null;
  const violations: Violation<A>[] = [];
  while (standing.length > 0) {
    const remainingMs = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (Date.now() - started);
    if ((remainingMs !== undefined && remainingMs <= 0) || (total !== null && stopRaised(options.stop))) break;
    const pass = exploreRandom(model, { ...options, timeLimitMs: remainingMs, invariants: standing });
    violations.push(...pass.violations);
    total = total === null ? pass : {
      ...pass,
      stats: {
        ...pass.stats, transitions: total.stats.transitions + pass.stats.transitions, elapsedMs: total.stats.elapsedMs + pass.stats.elapsedMs,
        random: { ...pass.stats.random, runs: (total.stats.random?.runs ?? 0) + (pass.stats.random?.runs ?? 0) },
      },
      coverage: addCoverage(total.coverage, pass.coverage),
    };
    if (pass.verdict !== 'violated' || !everyInvariant) break;
    standing = standing.filter((n) => !pass.violations.some((v) => v.invariant === n));
  }
  return total === null ? null : { ...total, violations, verdict: searchVerdict(violations, false) };
}
