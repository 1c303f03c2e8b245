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
 * `Date.now()` value) it stops and returns the shortest found so far.
 */
export function shrinkTrace<S, A extends Action>(model: Model<S, A>, steps: readonly A[], inv: Invariant<S>, deadline = Infinity): A[] {
  let current = steps.slice(0, Math.max(0, firstFailure(model, steps, inv)));
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
