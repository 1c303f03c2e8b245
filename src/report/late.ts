/**
 * How many late deliveries a trace needs: the steps the model's own classification
 * (`views.late`) calls late, counted along the trace. A pure function of the trace and its
 * states; no search. Reports print it so that a reader can weigh how plausible a counterexample's
 * timing is.
 */
import type { Action, Model } from '../model.ts';

/** A trace's late deliveries: how many, and which steps (numbered from 1) with why. */
export interface LateDeliveries {
  readonly count: number;
  readonly steps: readonly { readonly step: number; readonly why: string }[];
}

/** The late deliveries along `steps` (with `states[i]` the state before step i+1), or null when the model does not classify them. */
export function lateDeliveries<S, A extends Action>(model: Model<S, A>, steps: readonly A[], states: readonly S[]): LateDeliveries | null {
  const late = model.presentation?.views?.late;
  if (late === undefined) return null;
  const found: { step: number; why: string }[] = [];
  for (let i = 0; i < steps.length && i < states.length; i++) {
    const why = late(states[i], steps[i]);
    if (why !== null) found.push({ step: i + 1, why });
  }
  return { count: found.length, steps: found };
}

/** One line for people: `Late deliveries: 1 (step 8: fetch from broker 2 handled after broker 2 restarted)`. */
export function lateLine(late: LateDeliveries): string {
  if (late.count === 0) return 'Late deliveries: 0 (every message is handled before a timeout that would have ended it)';
  return `Late deliveries: ${late.count} (${late.steps.map((l) => `step ${l.step}: ${l.why}`).join('; ')})`;
}
