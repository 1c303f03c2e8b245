/**
 * Liveness checked from the end of given steps: the graph is built from the state they lead to
 * instead of the initial state (the model's `initial` replaced by it), and every lasso's prefix
 * begins with them. A lasso found there is a counterexample of the whole behaviour (the given
 * steps, then the stem, then the cycle), so it is a proof however small the graph; "holds" means
 * every fair behaviour that extends those steps settles again and again, and only when the graph
 * from their end is complete. This is how a scenario whose complete graph is too large (a
 * historical anomaly several faults deep) is checked: its faults are given, what follows is
 * explored.
 */
import type { Action, Model } from '../model.ts';
import { exploreLiveness, instanceKey, type LivenessOptions, type LivenessResult } from './liveness.ts';
import { boundsOf } from './result.ts';
import { findEnabled } from './shrink.ts';

/** A given step that is not enabled where it is taken, or goes past the bounds; the message is one line. */
export class PrefixError extends Error {
  override name = 'PrefixError';
}

/**
 * The state `steps` lead to from the initial state, and those steps as the model enumerates them
 * (matched by name and parameters, like a trace's); throws PrefixError when one cannot be taken.
 */
export function startOf<S, A extends Action>(model: Model<S, A>, steps: readonly Action[]): { state: S; steps: A[] } {
  const inBounds = boundsOf(model);
  let s = model.initial;
  const taken: A[] = [];
  for (let i = 0; i < steps.length; i++) {
    const a = findEnabled(model, s, steps[i]);
    const next = a === undefined ? undefined : model.step(s, a);
    if (next === undefined || !inBounds(next)) {
      throw new PrefixError(`step ${i + 1} (${instanceKey(steps[i])}) of the prefix ${next === undefined ? 'is not enabled' : 'goes past the bounds'}`);
    }
    taken.push(a!);
    s = next;
  }
  return { state: s, steps: taken };
}

/** A liveness result from the end of given steps: how many there were, and lassos that start with them. */
export interface LivenessFromResult<A extends Action> extends LivenessResult<A> {
  readonly fromSteps: number;
}

/** `exploreLiveness` on the graph from the state `steps` lead to; each lasso's prefix starts with them. */
export function exploreLivenessFrom<S, A extends Action>(
  model: Model<S, A>, steps: readonly Action[], options: LivenessOptions = {},
): LivenessFromResult<A> {
  const start = startOf(model, steps);
  // Worker threads rebuild the model from its source, and start where the same steps lead.
  const source = options.source === undefined ? undefined : { ...options.source, from: steps };
  const r = exploreLiveness({ ...model, initial: start.state }, { ...options, source });
  return { ...r, fromSteps: start.steps.length, lassos: r.lassos.map((l) => ({ ...l, prefix: [...start.steps, ...l.prefix] })) };
}
