/**
 * Replays a trace step by step: each recorded step must be enabled where it is replayed (matched
 * by name and parameters), and every invariant is checked after every step.
 */
import { type Action, type Model, violates } from '../model.ts';
import { findEnabled } from '../explore/shrink.ts';
import { boundsOf, selectInvariants } from '../explore/result.ts';

/** A step that cannot be replayed; the message is one line. */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

export interface ReplayResult<S> {
  /** The initial state, then the state after each replayed step. */
  readonly states: S[];
  readonly violation?: { readonly invariant: string; readonly statement: string; readonly step: number };
}

export function formatAction(a: Action): string {
  const params = Object.entries(a).filter(([k]) => k !== 'step').map(([k, v]) => `${k}=${v}`);
  return [a.step, ...params].join(' ');
}

export function replay<S, A extends Action>(model: Model<S, A>, steps: readonly Action[], options: { invariants?: readonly string[] } = {}): ReplayResult<S> {
  const invs = selectInvariants(model, options.invariants);
  const inBounds = boundsOf(model);
  let s = model.initial;
  const states = [s];
  const failed = (state: S, prev: S | undefined) => invs.find((inv) => violates(inv, prev, state));
  const initialBad = failed(s, undefined);
  if (initialBad) return { states, violation: { invariant: initialBad.name, statement: initialBad.statement, step: 0 } };
  for (let i = 0; i < steps.length; i++) {
    const a = findEnabled(model, s, steps[i]);
    if (a === undefined) throw new ReplayError(`step ${i + 1} (${formatAction(steps[i])}) is not enabled`);
    const next = model.step(s, a);
    if (!inBounds(next)) throw new ReplayError(`step ${i + 1} (${formatAction(steps[i])}) goes past the configuration's bounds`);
    states.push(next);
    const bad = failed(next, s);
    if (bad) return { states, violation: { invariant: bad.name, statement: bad.statement, step: i + 1 } };
    s = next;
  }
  return { states };
}
