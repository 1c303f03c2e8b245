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
 * Deliveries take their class from `DELIVERIES`: a delivery is fair, a loss is a fault.
 */
import { DELIVERIES, type ClusterAction, type StepName } from './actions.ts';
import type { ClusterState } from './cluster.ts';

/** A step's class: a fault (never in the cycle of a lasso), weakly fair, or neither. */
export type Fairness = 'fault' | 'fair' | 'unfair';

type Delivered = keyof typeof DELIVERIES;

/** The class of every step that is not a delivery; a function where it depends on the state. */
const STEPS: Readonly<Record<Exclude<StepName, Delivered>, Fairness | ((s: ClusterState, a: ClusterAction) => Fairness)>> = {
  ProducerSend: 'fair',
  ConsumerFetch: 'fair',
  ConsumerRefreshMetadata: 'fair',
  ConsumerValidatePosition: 'fair',
  LeaderSelectReadReplica: 'unfair',
  ConsumerExpireReadReplica: 'unfair',
  FollowerFetch: 'fair',
  // A follower that is down is eventually dropped; dropping a live one means it fell behind for
  // replica.lag.time.max.ms, which a healthy follower that keeps fetching does not: a fault.
  LeaderShrinkIsr: (s, a) => (s.replicas[(a as { follower: number }).follower - 1].role === 'offline' ? 'fair' : 'fault'),
  BrokerApplyMetadata: 'fair',
  BrokerCrash: 'fault',
  BrokerLossyCrash: 'fault',
  BrokerFailPermanently: 'fault',
  BrokerRestart: 'fair',
  // A live broker fenced for lost heartbeats is a fault; a crashed broker's session expiring is owed.
  ControllerFenceBroker: (s, a) => (s.replicas[(a as { broker: number }).broker - 1].role === 'offline' ? 'fair' : 'fault'),
  ControllerUnfenceBroker: 'fair',
  ControllerElectPreferredLeader: 'fault',
  BrokerControlledShutdown: 'fault',
  BrokerCheckpointHw: 'fair',
  ControllerFailover: 'fault',
  DeposedControllerSendMetadata: 'fault',
};

/** The class of step `a` taken in state `s`. */
export function fairnessOf(s: ClusterState, a: ClusterAction): Fairness {
  const delivery = (DELIVERIES as Record<string, { lost: boolean }>)[a.step];
  if (delivery !== undefined) return delivery.lost ? 'fault' : 'fair';
  const c = STEPS[a.step as Exclude<StepName, Delivered>];
  return typeof c === 'function' ? c(s, a) : c;
}
