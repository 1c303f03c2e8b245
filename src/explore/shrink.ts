/**
 * Shrinking on concrete, named actions (delta debugging): drop runs of consecutive steps of every
 * length, longest first, down to single steps,
 * keeping a candidate only if every remaining step is still enabled when replayed and the same
 * invariant still fails; the trace is cut right after the failing step.
 */
import { type Action, type Invariant, type Model, violates } from '../model.ts';
import { boundsOf } from './result.ts';

/**
 * Replays `steps`; the 1-based step after which `inv` fails, 0 for the initial state, or -1 (also
 * when a step is not enabled or leaves the model's bounds).
 */
export function firstFailure<S, A extends Action>(model: Model<S, A>, steps: readonly A[], inv: Invariant<S>): number {
  const inBounds = boundsOf(model);
  let s = model.initial;
  if (violates(inv, undefined, s)) return 0;
  for (let i = 0; i < steps.length; i++) {
    const a = findEnabled(model, s, steps[i]);
    if (a === undefined) return -1;
    const next = model.step(s, a);
    if (!inBounds(next)) return -1;
    if (violates(inv, s, next)) return i + 1;
    s = next;
  }
  return -1;
}

/** The enabled action equal to `wanted` (same step and parameters), if any. */
export function findEnabled<S, A extends Action>(model: Model<S, A>, s: S, wanted: Action): A | undefined {
  return model.enabled(s).find((a) => sameAction(a, wanted));
}

export function sameAction(a: Action, b: Action): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/**
 * The shortest trace delta debugging finds that still violates `inv`; past `deadline` (a
 * `Date.now()` value) it stops and returns the shortest found so far. With `apart`, once no run
 * of consecutive steps can go, it also tries dropping two, then three steps anywhere in the trace
 * (a request and its response, say, with other steps between them), and starts over after each
 * success.
 */
export function shrinkTrace<S, A extends Action>(model: Model<S, A>, steps: readonly A[], inv: Invariant<S>, deadline = Infinity, apart = false): A[] {
  let current = steps.slice(0, Math.max(0, firstFailure(model, steps, inv)));
  for (;;) {
    current = dropRuns(model, current, inv, deadline);
    const shorter = apart && Date.now() <= deadline ? dropApart(model, current, inv, deadline) : null;
    if (shorter === null) return current;
    current = shorter;
  }
}

/** Drops runs of consecutive steps of every length, longest first, while the invariant still fails. */
function dropRuns<S, A extends Action>(model: Model<S, A>, steps: A[], inv: Invariant<S>, deadline: number): A[] {
  let current = steps;
  for (let chunk = current.length - 1; chunk >= 1; chunk--) {
    let start = 0;
    while (start < current.length) {
      if (Date.now() > deadline) return current;
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      const at = firstFailure(model, candidate, inv);
      if (at >= 0) current = candidate.slice(0, at);
      else start += chunk;
    }
  }
  return current;
}

/** The first shorter failing trace found by dropping two, then three steps not next to each other; null when none is (or time is up). */
function dropApart<S, A extends Action>(model: Model<S, A>, steps: A[], inv: Invariant<S>, deadline: number): A[] | null {
  const n = steps.length;
  const without = (drop: readonly number[]) => steps.filter((_, i) => !drop.includes(i));
  const attempt = (drop: readonly number[]): A[] | null => {
    const candidate = without(drop);
    const at = firstFailure(model, candidate, inv);
    return at >= 0 ? candidate.slice(0, at) : null;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (Date.now() > deadline) return null;
      const found = attempt([i, j]);
      if (found !== null) return found;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = j + 1; k < n; k++) {
        if (k === i + 2) continue; // three in a row: dropRuns tried it
        if (Date.now() > deadline) return null;
        const found = attempt([i, j, k]);
        if (found !== null) return found;
      }
    }
  }
  return null;
}
