/**
 * Mutation testing of a specification, for any `Model`: explore a mutant (the model with one rule,
 * switch or guard changed) breadth-first at the original's bounds and say whether the checker
 * kills it (an invariant fails, with a shortest trace, or a reachability goal the original reaches,
 * or a kind of step it takes, never happens: the mutant lost a behaviour), whether it is equivalent at these bounds
 * (it reaches exactly the original's states by exactly as many steps of each kind, so no
 * invariant can tell them apart there), or whether it survives.
 *
 * A mutant may break the model itself (a forced guard lets a step run where its helper assumed
 * the guard held, and it throws): `withModelErrors` turns that into a violation of the invariant
 * `model-error`, so the search still finds the shortest trace into it.
 */
import type { Action, Invariant, Model } from '../model.ts';
import { exploreExhaustive, type ExhaustiveOptions } from './exhaustive.ts';
import type { ExploreResult, Violation } from './result.ts';

/** The invariant a mutant violates when the model throws. */
export const MODEL_ERROR = 'model-error';
/** The pseudo step taken from a state whose enabled steps cannot be listed (listing them threw). */
export const MODEL_ERROR_STEP = 'ModelError';

/** The state after the model threw: plain data, so it is fingerprinted like any state. */
export interface ModelErrorState {
  readonly modelError: string;
}

const isError = (s: unknown): s is ModelErrorState =>
  typeof s === 'object' && s !== null && typeof (s as ModelErrorState).modelError === 'string';

const errorOf = (e: unknown): ModelErrorState => ({ modelError: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });

/** The model's invariant, holding trivially in the error state (which `model-error` judges). */
function tolerant<S>(inv: Invariant<S>): Invariant<S | ModelErrorState> {
  if (inv.kind === 'state') return { ...inv, holds: (s: S | ModelErrorState) => isError(s) || inv.holds(s) };
  return { ...inv, holds: (p: S | ModelErrorState, n: S | ModelErrorState) => isError(p) || isError(n) || inv.holds(p, n) };
}

/**
 * `model` where a step or a listing of enabled steps that throws leads to an error state, which
 * violates `model-error` and has no successors.
 */
export function withModelErrors<S, A extends Action>(model: Model<S, A>): Model<S | ModelErrorState, A> {
  const modelError: Invariant<S | ModelErrorState> = {
    name: MODEL_ERROR, kind: 'state', statement: 'the model can take every step it lists (no step throws)', holds: (s) => !isError(s),
  };
  return {
    ...model,
    enabled: (s) => {
      if (isError(s)) return [];
      try {
        return model.enabled(s);
      } catch (e) {
        return [{ step: MODEL_ERROR_STEP, error: errorOf(e).modelError } as unknown as A];
      }
    },
    step: (s, a) => {
      if (a.step === MODEL_ERROR_STEP) return { modelError: String(a.error) };
      try {
        return model.step(s as S, a);
      } catch (e) {
        return errorOf(e);
      }
    },
    withinBounds: (s) => isError(s) || model.withinBounds === undefined || model.withinBounds(s),
    describe: (a) => (a.step === MODEL_ERROR_STEP ? `the model cannot list its steps (${String(a.error)})` : model.describe(a)),
    summarize: (s) => (isError(s) ? `the model threw: ${s.modelError}` : model.summarize(s)),
    fingerprintView: model.fingerprintView === undefined ? undefined : (s: S | ModelErrorState) => (isError(s) ? s : model.fingerprintView!(s)),
    invariants: [...model.invariants.map(tolerant), modelError],
    goals: model.goals.map((g) => ({ ...g, reached: (p, a, n) => !isError(p) && !isError(n) && g.reached(p, a, n) })),
    presentation: { ...model.presentation, views: undefined },
  };
}

/**
 * What a search reached, enough to tell two state spaces apart: the number of distinct states,
 * an order-independent digest of their 64-bit fingerprints (sums and exclusive ors of each word),
 * the transitions taken by step kind, and whether the search covered its whole depth bound.
 */
export interface StateSpace {
  readonly states: number;
  readonly digest: string;
  readonly transitions: number;
  readonly steps: Readonly<Record<string, number>>;
  /** Each goal reached, with the fewest steps it took. */
  readonly goals: Readonly<Record<string, number>>;
  readonly depth: number;
  /** The search stopped at its depth bound or ran out of states, not at a time, state or memory limit or a violation. */
  readonly whole: boolean;
}

/** The order-independent digest of a visited-state table's fingerprints: sums and exclusive ors of each word. */
export function digestOf(slots: { readonly hi: Uint32Array; readonly lo: Uint32Array }): string {
  const acc = new Uint32Array(4);
  for (let i = 0; i < slots.hi.length; i++) {
    if (slots.hi[i] === 0 && slots.lo[i] === 0) continue;
    acc[0] += slots.hi[i];
    acc[1] += slots.lo[i];
    acc[2] ^= slots.hi[i];
    acc[3] ^= slots.lo[i];
  }
  return [...acc].map((w) => w.toString(16).padStart(8, '0')).join('');
}

/** Breadth-first search of `model` that also records its state space, digested from the visited-state table it hands over. */
export function exploreWithStateSpace<S, A extends Action>(
  model: Model<S, A>, options: ExhaustiveOptions,
): { result: ExploreResult<A>; space: StateSpace } {
  let digest = '';
  const result = exploreExhaustive(model, { ...options, keepStates: (slots) => (digest = digestOf(slots)) });
  const whole = result.stopReason === 'depth' || result.stopReason === 'exhausted';
  return {
    result,
    space: {
      states: result.stats.states, digest, transitions: result.stats.transitions, steps: result.coverage.steps,
      goals: Object.fromEntries(Object.entries(result.coverage.goals).flatMap(([g, c]) => (c.firstDepth === null ? [] : [[g, c.firstDepth]]))),
      depth: result.stats.depth, whole,
    },
  };
}

/** Whether two searches reached the same states by as many steps of each kind, each over its whole bound. */
export function sameStateSpace(a: StateSpace, b: StateSpace): boolean {
  if (!a.whole || !b.whole) return false;
  const kinds = [...new Set([...Object.keys(a.steps), ...Object.keys(b.steps)])];
  return a.states === b.states && a.digest === b.digest && a.transitions === b.transitions && a.depth === b.depth &&
    kinds.every((k) => (a.steps[k] ?? 0) === (b.steps[k] ?? 0));
}

/** A behaviour the original shows within the bounds and the mutant never does: a goal reached, or a kind of step taken. */
export type LostBehaviour =
  | { readonly goal: string; readonly originalDepth: number }
  | { readonly step: string; readonly originalCount: number };

/** The first goal, then the first kind of step, that the original reached and the mutant, searched whole, never did. */
export function lostBehaviour(original: StateSpace, mutant: StateSpace): LostBehaviour | undefined {
  if (!mutant.whole) return undefined;
  const goal = Object.keys(original.goals).find((g) => mutant.goals[g] === undefined);
  if (goal !== undefined) return { goal, originalDepth: original.goals[goal] };
  const step = Object.keys(original.steps).find((k) => original.steps[k] > 0 && (mutant.steps[k] ?? 0) === 0);
  return step === undefined ? undefined : { step, originalCount: original.steps[step] };
}

/** A mutant's verdict at one set of bounds. */
export type MutantOutcome<A extends Action> =
  | { readonly verdict: 'killed'; readonly violation: Violation<A>; readonly space: StateSpace }
  | { readonly verdict: 'killed'; readonly lost: LostBehaviour; readonly space: StateSpace }
  | { readonly verdict: 'equivalent'; readonly space: StateSpace }
  | { readonly verdict: 'survived'; readonly space: StateSpace };

/**
 * Explores `mutant` breadth-first (stopping at its first, hence shortest, violation) and judges
 * it against the original's state space at the same bounds: a goal the original reaches, or a kind
 * of step it takes, that the mutant searched over the whole bound never does is a behaviour the
 * mutant lost.
 */
export function judgeMutant<S, A extends Action>(
  mutant: Model<S, A>, original: StateSpace, options: Omit<ExhaustiveOptions, 'stopAtFirst'>,
): MutantOutcome<A> {
  const { result, space } = exploreWithStateSpace(withModelErrors(mutant), { ...options, stopAtFirst: true });
  if (result.violations.length > 0) return { verdict: 'killed', violation: result.violations[0], space };
  const lost = lostBehaviour(original, space);
  if (lost !== undefined) return { verdict: 'killed', lost, space };
  return { verdict: sameStateSpace(space, original) ? 'equivalent' : 'survived', space };
}

/** A state of `reaching`: the model's state and whether the step into it showed the behaviour sought. */
interface Seeking<S> {
  readonly s: S;
  readonly hit: boolean;
}

/**
 * A shortest trace of `model` that shows `behaviour` (a goal reached, or a step of a kind taken),
 * by breadth-first search to `maxDepth`; undefined when none is found. It is the witness of a lost
 * behaviour: replayed under the mutant, it stops where the mutant can no longer follow.
 */
export function reaching<S, A extends Action>(model: Model<S, A>, behaviour: LostBehaviour, maxDepth: number): A[] | undefined {
  const goal = 'goal' in behaviour ? model.goals.find((g) => g.name === behaviour.goal) : undefined;
  const shows = (prev: S, a: A, next: S) => ('goal' in behaviour ? goal !== undefined && goal.reached(prev, a, next) : a.step === behaviour.step);
  const view = model.fingerprintView ?? ((s: S) => s);
  const seeking: Model<Seeking<S>, A> = {
    name: model.name,
    initial: { s: model.initial, hit: false },
    enabled: (x) => (x.hit ? [] : model.enabled(x.s)),
    step: (x, a) => {
      const next = model.step(x.s, a);
      return { s: next, hit: shows(x.s, a, next) };
    },
    withinBounds: (x) => model.withinBounds === undefined || model.withinBounds(x.s),
    describe: (a) => model.describe(a),
    summarize: (x) => model.summarize(x.s),
    fingerprintView: (x) => [view(x.s), x.hit],
    invariants: [{ name: 'not-yet', kind: 'state', statement: 'the behaviour sought has not happened', holds: (x) => !x.hit }],
    goals: [],
  };
  return exploreExhaustive(seeking, { maxDepth, stopAtFirst: true }).violations[0]?.trace;
}
