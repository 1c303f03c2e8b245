/**
 * Copies of a cluster state for a step to change, written once for every module that builds
 * states. They import the state's type only, so a module below the cluster (the client's
 * helpers, which the steps' definitions use) can build states without importing the cluster.
 */
import type { ClusterState, StateDraft } from './cluster.ts';

/**
 * A copy of `s` for a step to change before it returns it, as `{ ...s, network }` would: one
 * literal with the keys in ClusterState's order, the optional ones kept exactly when `s` has them,
 * so every state of a configuration has one hidden class (spreads over states of many classes fall
 * to the JavaScript engine's generic clone, which multiplies them).
 */
export function copyState(s: ClusterState): StateDraft {
  const next: StateDraft = {
    replicas: s.replicas, controller: s.controller, network: s.network, nextValue: s.nextValue, consumer: s.consumer, spent: s.spent,
    ghost: s.ghost, deposed: s.deposed,
  };
  if ('permanentlyDown' in s) next.permanentlyDown = s.permanentlyDown;
  if ('lagShrinks' in s) next.lagShrinks = s.lagShrinks;
  if ('producer' in s) next.producer = s.producer;
  if ('lateDeliveries' in s) next.lateDeliveries = s.lateDeliveries;
  if ('minIsrChanges' in s) next.minIsrChanges = s.minIsrChanges;
  return next;
}

/** `s` with `field` replaced. */
export function withField<K extends keyof ClusterState>(s: ClusterState, field: K, value: ClusterState[K]): ClusterState {
  const next = copyState(s);
  next[field] = value;
  return next;
}
