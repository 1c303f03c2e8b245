/**
 * The budgets the bounds ration, as the explorer sees them: for each, what a state has spent
 * (`Spent`, counted by the cluster's steps) and the configured limit. Spending only grows along
 * a step, so a search may explore the behaviours that spend at most k before those that spend
 * more. `faults` counts every fault at once: crashes, lost heartbeats and messages, elections
 * after a failure, leader moves and controller failovers.
 */
import type { Bounds } from './config.ts';
import type { ClusterState, Spent } from './cluster.ts';

export interface ClusterBudget {
  readonly statement: string;
  readonly limit: number;
  spent(state: ClusterState): number;
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

/**
 * Every budget of a configuration's bounds, `faults` (their sum) last; with `maxRetries` above 0,
 * the producer's resends after it (not a fault: a timeout or an error answer the producer acts on).
 */
export function clusterBudgets(bounds: Bounds, maxRetries = 0): Record<string, ClusterBudget> {
  const out: Record<string, ClusterBudget> = {};
  for (const name of COUNTED) {
    const [bound, statement] = SPENT_BY_BOUND[name];
    out[name] = { statement, limit: bounds[bound], spent: (s) => s.spent[name] };
  }
  out.faults = {
    statement: 'faults of every kind (each budget above)',
    limit: COUNTED.reduce((sum, name) => sum + bounds[SPENT_BY_BOUND[name][0]], 0),
    spent: (s) => COUNTED.reduce((sum, name) => sum + s.spent[name], 0),
  };
  if (maxRetries > 0) out.retries = { statement: 'producer resends', limit: maxRetries, spent: (s) => s.producer?.retries ?? 0 };
  return out;
}
