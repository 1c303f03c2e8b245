/**
 * Both engines on one budget: breadth-first first, which proves "nothing within depth d" and
 * finds shortest counterexamples, then random runs, which reach far deeper than breadth-first
 * search can (at a cost: a "holds" from them is no proof). The random phase checks only the
 * invariants the breadth-first phase did not already break.
 */
import type { Action, Model } from '../model.ts';
import { exploreBounded } from './bounded.ts';
import { type ExhaustiveOptions, exploreExhaustive } from './exhaustive.ts';
import { type CertifyBudget, exploreRandom } from './random.ts';
import type { ModelSource } from './on-threads.ts';
import { addCoverage, type ExploreResult, type Progress, type Violation, searchVerdict, selectInvariants } from './result.ts';

export interface CombinedOptions {
  /**
   * The whole budget; breadth-first search gets `exhaustiveShare` of it (default one half), random
   * runs the rest. Without it both phases run to their own bounds (`maxDepth`, `runs`), so the
   * result is the same on every machine.
   */
  readonly timeLimitMs?: number;
  readonly exhaustiveShare?: number;
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
  /** Each phase stops once it has seen more than this many distinct states (see the engines' `maxStates`). */
  readonly maxStates?: number;
  /** Either phase stops once the process's resident memory passes this; a breadth-first phase stopped by it ends the search. */
  readonly maxMemoryBytes?: number;
  readonly onProgress?: (p: Progress) => void;
}

export interface CombinedResult<A extends Action> extends ExploreResult<A> {
  /** The random phase sums its passes (see `everyInvariant`); null when it did not run. */
  readonly phases: { readonly exhaustive: ExploreResult<A>; readonly random: ExploreResult<A> | null };
}

export function exploreCombined<S, A extends Action>(model: Model<S, A>, options: CombinedOptions): CombinedResult<A> {
  if (options.timeLimitMs === undefined && options.runs === undefined) throw new Error('exploreCombined needs a time limit or a number of runs');
  const started = Date.now();
  const checked = selectInvariants(model, options.invariants).map((i) => i.name);
  const breadthFirst = options.budget === undefined ? exploreExhaustive : (m: Model<S, A>, o: ExhaustiveOptions) => exploreBounded(m, { ...o, budget: options.budget! });
  const bfs = breadthFirst(model, {
    maxDepth: options.maxDepth, timeLimitMs: options.timeLimitMs === undefined ? undefined : options.timeLimitMs * (options.exhaustiveShare ?? 0.5),
    invariants: checked, stopAtFirst: options.stopAtFirst, onProgress: options.onProgress,
    maxStates: options.maxStates, maxMemoryBytes: options.maxMemoryBytes, workers: options.workers, source: options.source,
  });
  const done = bfs.complete || (options.stopAtFirst === true && bfs.verdict === 'violated') || bfs.stopReason === 'memory';
  const random = done ? null : randomPhase(model, options, started, checked.filter((n) => !bfs.violations.some((v) => v.invariant === n)));
  const violations = [...bfs.violations, ...(random?.violations ?? [])];
  return {
    verdict: searchVerdict(violations, bfs.complete),
    complete: bfs.complete,
    violations,
    stats: {
      engine: 'exhaustive+random', states: bfs.stats.states, transitions: bfs.stats.transitions + (random?.stats.transitions ?? 0),
      depth: bfs.stats.depth, runs: random?.stats.runs, elapsedMs: Date.now() - started,
    },
    coverage: random === null ? bfs.coverage : addCoverage(bfs.coverage, random.coverage),
    stopReason: random?.stopReason ?? bfs.stopReason,
    phases: { exhaustive: bfs, random },
  };
}

/** One random pass on the standing invariants, or (`everyInvariant`) passes until one holds, summed. */
function randomPhase<S, A extends Action>(
  model: Model<S, A>, options: CombinedOptions, started: number, standing: string[],
): ExploreResult<A> | null {
  let total: ExploreResult<A> | null = null;
  const violations: Violation<A>[] = [];
  while (standing.length > 0) {
    const remainingMs = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (Date.now() - started);
    if (remainingMs !== undefined && remainingMs <= 0) break;
    const pass = exploreRandom(model, {
      runs: options.runs ?? Number.MAX_SAFE_INTEGER, maxSteps: options.maxSteps, seed: options.seed, timeLimitMs: remainingMs,
      invariants: standing, certify: options.certify, onProgress: options.onProgress,
      maxStates: options.maxStates, maxMemoryBytes: options.maxMemoryBytes, workers: options.randomWorkers ?? options.workers, source: options.source, guide: options.guide,
    });
    violations.push(...pass.violations);
    total = total === null ? pass : {
      ...pass,
      stats: { ...pass.stats, transitions: total.stats.transitions + pass.stats.transitions, elapsedMs: total.stats.elapsedMs + pass.stats.elapsedMs },
      coverage: addCoverage(total.coverage, pass.coverage),
    };
    if (pass.verdict !== 'violated' || options.everyInvariant !== true) break;
    standing = standing.filter((n) => !pass.violations.some((v) => v.invariant === n));
  }
  return total === null ? null : { ...total, violations, verdict: searchVerdict(violations, false) };
}

