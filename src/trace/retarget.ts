/**
 * Replays a trace under another model (another protocol version, other settings) and says what
 * became of it: a step no longer enabled there (or past its bounds), an invariant violated at
 * some step, or a clean run to the end. Unlike `replay`, a step that cannot be taken is an
 * outcome, not an error: it is what a fix that removed a behaviour looks like. Used by
 * `kafka-spec replay --protocol` and `kafka-spec diff`, and usable in the browser.
 */
import { type Action, type Model, violates } from '../model.ts';
import { findEnabled } from '../explore/shrink.ts';
import { boundsOf, selectInvariants } from '../explore/result.ts';
import { formatAction } from './replay.ts';

export type RetargetOutcome =
  /** Step `step` (1-based) is not enabled in the state the steps before it reach, or goes past the bounds. */
  | { readonly outcome: 'blocked'; readonly step: number; readonly action: string; readonly pastBounds: boolean }
  /** `invariant` fails in the state after step `step` (0: the initial state). */
  | { readonly outcome: 'violated'; readonly step: number; readonly invariant: string; readonly statement: string }
  | { readonly outcome: 'clean'; readonly steps: number };

/**
 * Replays `steps` under `model`, checking `invariants` (all when absent; none when empty) after
 * every step; also gives the states reached (the initial one first), up to where it stopped.
 */
export function retarget<S, A extends Action>(
  model: Model<S, A>, steps: readonly Action[], invariants?: readonly string[],
): RetargetOutcome & { readonly states: readonly S[] } {
  const invs = invariants !== undefined && invariants.length === 0 ? [] : selectInvariants(model, invariants);
  const inBounds = boundsOf(model);
  const failed = (prev: S | undefined, next: S) => invs.find((inv) => violates(inv, prev, next));
  let s = model.initial;
  const states = [s];
  const initialBad = failed(undefined, s);
  if (initialBad) return { outcome: 'violated', step: 0, invariant: initialBad.name, statement: initialBad.statement, states };
  for (let i = 0; i < steps.length; i++) {
    const a = findEnabled(model, s, steps[i]);
    const next = a === undefined ? undefined : model.step(s, a);
    if (next === undefined || !inBounds(next)) {
      return { outcome: 'blocked', step: i + 1, action: formatAction(steps[i]), pastBounds: next !== undefined, states };
    }
    states.push(next);
    const bad = failed(s, next);
    if (bad) return { outcome: 'violated', step: i + 1, invariant: bad.name, statement: bad.statement, states };
    s = next;
  }
  return { outcome: 'clean', steps: steps.length, states };
}

/** The outcome in one line: `step 5 (FollowerFetch broker=2) is no longer enabled`, …; `invariants`: those judged, when not all. */
export function retargetLine(r: RetargetOutcome, invariants?: readonly string[]): string {
  if (r.outcome === 'blocked') return `step ${r.step} (${r.action}) ${r.pastBounds ? 'goes past the bounds' : 'is not enabled'}`;
  if (r.outcome === 'violated') return `${r.invariant} fails after step ${r.step}`;
  const judged = invariants === undefined ? 'no invariant fails' : invariants.length === 1 ? `${invariants[0]} does not fail` : `none of ${invariants.join(', ')} fails`;
  return `all ${r.steps} steps replay and ${judged}`;
}
