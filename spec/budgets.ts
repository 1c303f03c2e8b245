/**
 * The budgets the bounds ration, as the explorer sees them: for each, what a state has spent
 * (`Spent`, counted by the cluster's steps) and the configured limit. Spending only grows along
 * a step, so a search may explore the behaviours that spend at most k before those that spend
 * more. `faults` counts every fault at once: crashes, lost heartbeats and messages, elections
 * after a failure, leader moves and controller failovers. `lateDeliveries` is not a fault but a
 * measure of implausible timing (spec/steps/timing.ts): it is counted only when the configuration
 * bounds it (`maxLateDeliveries`), since a count in every state would multiply the states.
 * Fewest-first search by it stays sound: with the bound the count is in the state, so states that
 * differ in it are distinct and "spent at most k" is a property of a state; a step adds one when
 * its definition calls it late and never subtracts; and it is the count a replay of the trace gives,
 * since both read each step's `late` on the state before it. Without the bound the budget is
 * refused (`unavailable`) rather than read as zero.
 */
import type { Bounds } from './config.ts';
import type { ClusterState, Spent } from './cluster.ts';

export interface ClusterBudget {
  readonly statement: string;
  readonly limit: number;
  spent(state: ClusterState): number;
  /** Set when the configuration does not count it: a phrase saying so and what to set so that it does. */
  readonly unavailable?: string;
}

const SPENT_BY_BOUND = {
  leaderChanges: ['maxLeaderChanges', 'leader elections after a failure'],
  crashes: ['maxCrashes', 'broker crashes, lossy ones included'],
  heartbeatLosses: ['maxHeartbeatLosses', 'brokers fenced for lost heartbeats'],
  messageLosses: ['maxMessageLosses', 'fetch requests and responses lost'],
  leaderMoves: ['maxLeaderMoves', 'leader moves without a failure'],
  controllerFailovers: ['maxControllerFailovers', 'controller failovers'],
} as const satisfies Partial<Record<keyof Spent, readonly [keyof Bounds, string]>>;

type Counted = keyof typeof SPENT_BY_BOUND;
const COUNTED = Object.keys(SPENT_BY_BOUND) as Counted[];

/** What late deliveries are, as a budget's statement. */
const LATE = 'late deliveries: messages handled after a restart or session expiry ended their sender';

/**
 * Every budget of a configuration's bounds, `faults` (the sum of the faults) last; before it
 * `lateDeliveries`, which is unavailable unless `maxLateDeliveries` (null: absent) bounds it; with
 * `maxRetries` above 0, the producer's resends after it (not a fault: a timeout or an error answer
 * the producer acts on).
 */
export function clusterBudgets(
  bounds: Bounds, optional: { readonly maxRetries?: number; readonly maxLateDeliveries?: number | null } = {},
): Record<string, ClusterBudget> {
  const { maxRetries = 0, maxLateDeliveries = null } = optional;
  const out: Record<string, ClusterBudget> = {};
  for (const name of COUNTED) {
    const [bound, statement] = SPENT_BY_BOUND[name];
    out[name] = { statement, limit: bounds[bound], spent: (s) => s.spent[name] };
  }
  out.lateDeliveries = maxLateDeliveries === null
    ? { statement: LATE, limit: 0, spent: () => 0, unavailable: 'is counted only when the configuration bounds it: set maxLateDeliveries (e.g. --set maxLateDeliveries=2)' }
    : { statement: LATE, limit: maxLateDeliveries, spent: (s) => s.lateDeliveries ?? 0 };
  out.faults = {
    statement: 'faults of every kind (each budget above but late deliveries, which are timing, not faults)',
    limit: COUNTED.reduce((sum, name) => sum + bounds[SPENT_BY_BOUND[name][0]], 0),
    spent: (s) => COUNTED.reduce((sum, name) => sum + s.spent[name], 0),
  };
  if (maxRetries > 0) out.retries = { statement: 'producer resends', limit: maxRetries, spent: (s) => s.producer?.retries ?? 0 };
  return out;
}
