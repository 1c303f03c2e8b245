/**
 * Long random fair runs: evidence for a liveness property where the graph could not be explored
 * whole, never a proof of it, and never a counterexample either.
 *
 * Each run has two phases. First up to `faultSteps` steps chosen at random among every enabled
 * step (faults included, as far as the model's budgets allow). Then `fairSteps` steps in which
 * faults stop: only fair and unfair steps are taken, and a weakly fair action instance that has
 * stayed enabled for `patience` steps without being taken is taken next (the one that has
 * waited longest first), so every run is weakly fair as far as it goes. A step past the model's
 * bounds counts as not enabled, as in the other engines; a run in which no step but a fault is
 * enabled stays in its last state for ever.
 *
 * With `from`, every run starts where those steps lead instead of the initial state.
 *
 * A run settles a property when the property holds in some state of its last quarter of fair
 * steps (or in the state it stays in). One that does not is a suspect, reported with the seed
 * that replays it: it may be a lasso whose cycle the run has not closed, or only a run too short
 * to settle. Only the liveness checker's lassos are counterexamples.
 */
import type { Action, LivenessProperty, Model } from '../model.ts';
import { fairnessOf, instanceKey, selectLiveness } from './liveness.ts';
import { startOf } from './liveness-from.ts';
import { boundsOf } from './result.ts';

export interface FairRunOptions {
  readonly runs: number;
  /** Fair steps after the faults stop (default 400). */
  readonly fairSteps?: number;
  /** The most steps of the first phase, where faults may happen (default 60); each run draws its own length up to it. */
  readonly faultSteps?: number;
  /** Run `i` (from 0) uses seed `seed + i` (default 0), so one run replays alone with `runs: 1` and its seed. */
  readonly seed?: number;
  /** Property names; all of the model's when absent or empty. */
  readonly properties?: readonly string[];
  /** Stop starting new runs after this many milliseconds. */
  readonly timeLimitMs?: number;
  /** Steps every run starts after (as the liveness checker's `from`); PrefixError when one cannot be taken. */
  readonly from?: readonly Action[];
}

/** What the fair runs showed for one property. */
export interface FairRunVerdict {
  readonly property: string;
  readonly statement: string;
  /** Runs in which the property held again in the last quarter of the fair steps. */
  readonly settled: number;
  /** The seeds of the runs in which it did not (suspects, not counterexamples). */
  readonly suspects: readonly number[];
}

export interface FairRunsResult {
  readonly runs: number;
  readonly fairSteps: number;
  readonly faultSteps: number;
  readonly seed: number;
  /** Runs that stopped early because only faults were enabled (they stay in their last state). */
  readonly stuttered: number;
  readonly verdicts: readonly FairRunVerdict[];
  readonly elapsedMs: number;
  /** True when the time limit stopped the runs before `runs` of them were done. */
  readonly interrupted: boolean;
}

/** mulberry32: a small seeded generator of numbers in [0, 1); runs must replay from their seed alone. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One step from `s` among `candidates` (a step past the bounds counts as not enabled, so another
 * is chosen), or null when none is left. `choose` picks an index among the candidates still left.
 */
function stepAmong<S, A extends Action>(
  model: Model<S, A>, inBounds: (s: S) => boolean, s: S, candidates: A[], choose: (left: readonly A[]) => number,
): { action: A; next: S; left: A[] } | null {
  let left = candidates;
  while (left.length > 0) {
    const j = choose(left);
    const next = model.step(s, left[j]);
    if (inBounds(next)) return { action: left[j], next, left };
    left = left.filter((_, i) => i !== j);
  }
  return null;
}

/**
 * A run's first phase: up to `faultSteps` steps (the run draws how many) at random among every
 * enabled step, faults included; the state it ends in, and each step taken pushed onto `taken`.
 */
function faultPhase<S, A extends Action>(
  model: Model<S, A>, inBounds: (s: S) => boolean, start: S, random: () => number, faultSteps: number, taken?: A[],
): S {
  const atRandom = (left: readonly A[]) => Math.floor(random() * left.length);
  let s = start;
  const length = Math.floor(random() * (faultSteps + 1));
  for (let i = 0; i < length; i++) {
    const step = stepAmong(model, inBounds, s, model.enabled(s), atRandom);
    if (step === null) break;
    taken?.push(step.action);
    s = step.next;
  }
  return s;
}

/**
 * The steps run `seed` takes before its faults stop, after `from` (the options' `from` and
 * `faultSteps` must be those of the runs), as the model enumerates them: where a suspect's lasso
 * is looked for (suspects.ts).
 */
export function faultStepsOf<S, A extends Action>(
  model: Model<S, A>, options: Pick<FairRunOptions, 'faultSteps' | 'from'>, seed: number,
): A[] {
  const start = startOf(model, options.from ?? []);
  const taken: A[] = [...start.steps];
  faultPhase(model, boundsOf(model), start.state, generator(seed), options.faultSteps ?? 60, taken);
  return taken;
}

/** One run: for each property, whether it settled in the tail of the fair phase; and whether the run stuttered. */
function fairRun<S, A extends Action>(
  model: Model<S, A>, properties: readonly LivenessProperty<S>[], start: S, seed: number, faultSteps: number, fairSteps: number,
): { settled: boolean[]; stuttered: boolean } {
  const random = generator(seed);
  const inBounds = boundsOf(model);
  const fairness = fairnessOf(model);
  let s = faultPhase(model, inBounds, start, random, faultSteps);
  const settled = properties.map(() => false);
  const tailFrom = fairSteps - Math.ceil(fairSteps / 4);
  let waiting = new Map<string, number>();
  for (let i = 0; i < fairSteps; i++) {
    const here = s;
    const isFair = (a: A) => fairness(here, a) === 'fair';
    const taken = stepAmong(model, inBounds, s, model.enabled(s).filter((a) => fairness(here, a) !== 'fault'),
      (left) => fairChoice(left, isFair, waiting, random));
    if (taken === null) {
      properties.forEach((p, k) => (settled[k] = p.settled(s)));
      return { settled, stuttered: true };
    }
    waiting = stillWaiting(taken.left, taken.action, isFair, waiting);
    s = taken.next;
    if (i + 1 >= tailFrom) properties.forEach((p, k) => (settled[k] ||= p.settled(s)));
  }
  return { settled, stuttered: false };
}

/**
 * The index of the step to take: the fair instance that has waited longest once it has waited
 * `patience` steps (twice the steps enabled), else one at random.
 */
function fairChoice<A extends Action>(actions: readonly A[], isFair: (a: A) => boolean, waiting: ReadonlyMap<string, number>, random: () => number): number {
  const patience = 2 * actions.length;
  let longest = -1;
  let longestWait = -1;
  for (let j = 0; j < actions.length; j++) {
    const wait = isFair(actions[j]) ? waiting.get(instanceKey(actions[j])) ?? 0 : -1;
    if (wait > longestWait) [longest, longestWait] = [j, wait];
  }
  return longest >= 0 && longestWait >= patience ? longest : Math.floor(random() * actions.length);
}

/** How long each fair instance has been enabled without being taken, after `taken` was taken among `enabled`. */
function stillWaiting<A extends Action>(enabled: readonly A[], taken: A, isFair: (a: A) => boolean, waiting: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of enabled) if (a !== taken && isFair(a)) out.set(instanceKey(a), (waiting.get(instanceKey(a)) ?? 0) + 1);
  return out;
}

/** Runs `runs` random fair runs and counts, for each property, those that settled it and those that did not. */
export function fairRuns<S, A extends Action>(model: Model<S, A>, options: FairRunOptions): FairRunsResult {
  const started = Date.now();
  const properties = selectLiveness(model, options.properties);
  const fairSteps = options.fairSteps ?? 400;
  const faultSteps = options.faultSteps ?? 60;
  const seed = options.seed ?? 0;
  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  const start = startOf(model, options.from ?? []).state;
  const settled = properties.map(() => 0);
  const suspects: number[][] = properties.map(() => []);
  let runs = 0;
  let stuttered = 0;
  for (; runs < options.runs && Date.now() <= deadline; runs++) {
    const r = fairRun(model, properties, start, seed + runs, faultSteps, fairSteps);
    if (r.stuttered) stuttered++;
    r.settled.forEach((ok, k) => (ok ? settled[k]++ : suspects[k].push(seed + runs)));
  }
  return {
    runs, fairSteps, faultSteps, seed, stuttered,
    verdicts: properties.map((p, k) => ({ property: p.name, statement: p.statement, settled: settled[k], suspects: suspects[k] })),
    elapsedMs: Date.now() - started,
    interrupted: runs < options.runs,
  };
}
