/**
 * Replays a trace step by step: each recorded step must be enabled where it is replayed (matched
 * by name and parameters), and every invariant is checked after every step. A lasso (a liveness
 * violation) is replayed by `replayLasso`, which checks its cycle instead.
 */
import { type Action, type Model, violates } from '../model.ts';
import { findEnabled } from '../explore/shrink.ts';
import { boundsOf, selectInvariants } from '../explore/result.ts';
import { fingerprint } from '../explore/fingerprint.ts';
import { fairnessOf, instanceKey, selectLiveness } from '../explore/liveness.ts';

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

/** What replaying a lasso found: whether it is a genuine violation of its liveness property. */
export interface LassoVerdict {
  readonly property: string;
  readonly statement: string;
  readonly cycleStart: number;
  /** The last state is the one the cycle starts at (same fingerprint of the model's view); true for an empty cycle. */
  readonly closes: boolean;
  /** The first state of the cycle (an index into the states) in which the property is settled, or null. */
  readonly settledAt: number | null;
  /** The first step of the cycle (1-based, like `violation.step`) that is a fault, or null. */
  readonly faultAt: number | null;
  /** Fair steps enabled in every state of the cycle and never taken in it (for an empty cycle: enabled where it stays). */
  readonly neglected: readonly string[];
  /** All of the above as they must be: the cycle closes, never settles, has no fault and is fair. */
  readonly violates: boolean;
}

/**
 * Replays a lasso: the steps, then the checks that make it a violation of `property` under
 * fairness — the cycle leads back to where it starts, the property is settled in none of its
 * states, it contains no fault (faults stop), and every fair step enabled throughout is taken.
 */
export function replayLasso<S, A extends Action>(
  model: Model<S, A>, steps: readonly Action[], cycleStart: number, property: string,
): { states: S[]; lasso: LassoVerdict } {
  const [prop] = selectLiveness(model, [property]);
  const inBounds = boundsOf(model);
  const fairness = fairnessOf(model);
  const states = [model.initial];
  const taken: A[] = [];
  for (let i = 0; i < steps.length; i++) {
    const a = findEnabled(model, states[i], steps[i]);
    if (a === undefined) throw new ReplayError(`step ${i + 1} (${formatAction(steps[i])}) is not enabled`);
    const next = model.step(states[i], a);
    if (!inBounds(next)) throw new ReplayError(`step ${i + 1} (${formatAction(steps[i])}) goes past the configuration's bounds`);
    taken.push(a);
    states.push(next);
  }
  const view = model.fingerprintView ?? ((s: S) => s);
  const cycleStates = states.slice(cycleStart, Math.max(cycleStart + 1, states.length - 1));
  const closes = fingerprint(view(states[cycleStart])) === fingerprint(view(states[states.length - 1]));
  const settled = cycleStates.findIndex((s) => prop.settled(s));
  const fault = taken.slice(cycleStart).findIndex((a, i) => fairness(states[cycleStart + i], a) === 'fault');
  const takenKeys = new Set(taken.slice(cycleStart).map(instanceKey));
  const fairHere = (s: S) => new Set(model.enabled(s).filter((a) => fairness(s, a) === 'fair').map(instanceKey));
  const always = cycleStates.map(fairHere).reduce((acc, here) => new Set([...acc].filter((k) => here.has(k))));
  const neglected = [...always].filter((k) => !takenKeys.has(k));
  const lasso: LassoVerdict = {
    property: prop.name, statement: prop.statement, cycleStart, closes,
    settledAt: settled < 0 ? null : cycleStart + settled,
    faultAt: fault < 0 ? null : cycleStart + fault + 1,
    neglected,
    violates: closes && settled < 0 && fault < 0 && neglected.length === 0,
  };
  return { states, lasso };
}
