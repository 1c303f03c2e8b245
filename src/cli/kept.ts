/**
 * Counterexamples an earlier generation of a page found, kept while they still hold: the trace
 * file is replayed under the model as it is now (`modelFor` picks the model from the trace's
 * steps), and what remains is its steps up to where `invariant` fails. Used by the guarantees
 * matrix and its durability section, whose seeded random runs meet other behaviours once the
 * model enumerates its steps in another order.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Action, Model } from '../model.ts';
import { ReplayError, replay } from '../trace/replay.ts';
import { parseTrace, TraceError } from '../trace/schema.ts';

/** The steps of trace file `file` up to where `invariant` fails, or null: no file, a step no longer enabled, or no failure. */
export function stillFailing<S, A extends Action>(file: string, invariant: string, modelFor: (steps: readonly A[]) => Model<S, A>): A[] | null {
  if (!existsSync(file)) return null;
  try {
    const steps = parseTrace(readFileSync(file, 'utf8'), file).steps as A[];
    const violation = replay(modelFor(steps), steps, { invariants: [invariant] }).violation;
    return violation === undefined ? null : steps.slice(0, violation.step);
  } catch (e) {
    if (e instanceof ReplayError || e instanceof TraceError) return null;
    throw e;
  }
}
