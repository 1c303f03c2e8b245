/**
 * Both engines on one budget: breadth-first first, which proves "nothing within depth d" and
 * finds shortest counterexamples, then random runs for the rest of the time, which reach far
 * deeper than breadth-first search can (at a cost: a "holds" from them is no proof). The random
 * phase checks only the invariants the breadth-first phase did not already break.
 */
import type { Action, Model } from '../model.ts';
import { exploreExhaustive } from './exhaustive.ts';
import { exploreRandom } from './random.ts';
import { type Coverage, type ExploreResult, type Progress, selectInvariants } from './result.ts';

export interface CombinedOptions {
  /** The whole budget; breadth-first search gets `exhaustiveShare` of it (default one half). */
  readonly timeLimitMs: number;
  readonly exhaustiveShare?: number;
  readonly maxDepth?: number;
  readonly invariants?: readonly string[];
  readonly stopAtFirst?: boolean;
  /** Random phase: runs (default: as many as the time allows), steps per run, seed. */
  readonly runs?: number;
  readonly maxSteps: number;
  readonly seed?: number;
  readonly certify?: { readonly maxStates?: number; readonly timeLimitMs?: number };
  readonly onProgress?: (p: Progress) => void;
}

export interface CombinedResult<A extends Action> extends ExploreResult<A> {
  readonly phases: { readonly exhaustive: ExploreResult<A>; readonly random: ExploreResult<A> | null };
}

export function exploreCombined<S, A extends Action>(model: Model<S, A>, options: CombinedOptions): CombinedResult<A> {
  const started = Date.now();
  const checked = selectInvariants(model, options.invariants).map((i) => i.name);
  const bfs = exploreExhaustive(model, {
    maxDepth: options.maxDepth, timeLimitMs: options.timeLimitMs * (options.exhaustiveShare ?? 0.5),
    invariants: checked, stopAtFirst: options.stopAtFirst, onProgress: options.onProgress,
  });
  const standing = checked.filter((n) => !bfs.violations.some((v) => v.invariant === n));
  const done = bfs.complete || standing.length === 0 || (options.stopAtFirst === true && bfs.verdict === 'violated');
  const remainingMs = Math.max(0, options.timeLimitMs - (Date.now() - started));
  const random = done || remainingMs === 0 ? null : exploreRandom(model, {
    runs: options.runs ?? Number.MAX_SAFE_INTEGER, maxSteps: options.maxSteps, seed: options.seed, timeLimitMs: remainingMs,
    invariants: standing, certify: options.certify, onProgress: options.onProgress,
  });
  const violations = [...bfs.violations, ...(random?.violations ?? [])];
  return {
    verdict: violations.length > 0 ? 'violated' : 'holds',
    complete: bfs.complete,
    violations,
    stats: {
      engine: 'exhaustive+random', states: bfs.stats.states, transitions: bfs.stats.transitions + (random?.stats.transitions ?? 0),
      depth: bfs.stats.depth, runs: random?.stats.runs, elapsedMs: Date.now() - started,
    },
    coverage: random === null ? bfs.coverage : mergeCoverage(bfs.coverage, random.coverage),
    stopReason: random?.stopReason ?? bfs.stopReason,
    phases: { exhaustive: bfs, random },
  };
}

/** Counts add up; a goal's earliest step is the smaller of the two. */
function mergeCoverage(a: Coverage, b: Coverage): Coverage {
  const goals: Coverage['goals'] = {};
  for (const name of new Set([...Object.keys(a.goals), ...Object.keys(b.goals)])) {
    const x = a.goals[name];
    const y = b.goals[name];
    const depths = [x?.firstDepth, y?.firstDepth].filter((d): d is number => d !== null && d !== undefined);
    goals[name] = { count: (x?.count ?? 0) + (y?.count ?? 0), firstDepth: depths.length > 0 ? Math.min(...depths) : null };
  }
  const steps: Record<string, number> = { ...a.steps };
  for (const [k, n] of Object.entries(b.steps)) steps[k] = (steps[k] ?? 0) + n;
  return { goals, steps };
}
