/**
 * Fairness: which steps are faults and which must eventually be taken, for the liveness
 * properties (V1-V6). Liveness is judged on behaviours in which faults stop (every fault spends a
 * budget, so a behaviour can only take finitely many) and every weakly fair step that stays
 * enabled is eventually taken: brokers that are up keep fetching, applying metadata and
 * answering, messages on the network are eventually delivered, a crashed broker comes back
 * (unless it failed for good), a crashed broker's session eventually expires, and the producer
 * and consumer keep trying. Steps that are neither (a leader naming a read replica, the
 * consumer's choice of one expiring) may happen but are never owed.
 *
 * Each step's class is part of its definition (spec/steps/); a delivery is fair, a loss a fault.
 */
import { type ClusterAction, stepDefinition } from './actions.ts';
import type { ClusterState } from './cluster.ts';

/** A step's class: a fault (never in the cycle of a lasso), weakly fair, or neither. */
export type Fairness = 'fault' | 'fair' | 'unfair';

/** The class of step `a` taken in state `s`. */
export function fairnessOf(s: ClusterState, a: ClusterAction): Fairness {
  const c = stepDefinition(a.step).fairness;
  return typeof c === 'function' ? c(s, a) : c;
}
