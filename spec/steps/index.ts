/**
 * Every kind of step the cluster can take, each defined once (`define.ts` says what a definition
 * holds), keyed by its name in the order reports list them. The action union, the enumeration and
 * every table about steps (spec/actions.ts, spec/fairness.ts, spec/independence.ts,
 * spec/pictures.ts, and the dispatch in `Cluster.step`) are derived from this record, so a new
 * kind of step is one definition here and in its role's file: clients, replication (leader and
 * follower), network, broker, controller.
 */
import type { StepDefinition } from './define.ts';
import {
  ConsumerExpireReadReplica, ConsumerFetch, ConsumerRefreshMetadata, ConsumerValidatePosition, LeaderSelectReadReplica, ProducerRetry, ProducerSend,
} from './clients.ts';
import {
  ControllerHandleAlterPartition, FollowerFetch, FollowerHandleEpochResponse, FollowerHandleFetchResponse, LeaderHandleAlterPartitionResponse,
  LeaderHandleEpochQuery, LeaderHandleFetch, LeaderShrinkIsr,
} from './replication.ts';
import { NetworkLoseFetchRequest, NetworkLoseFetchResponse } from './network.ts';
import {
  BrokerApplyMetadata, BrokerCheckpointHw, BrokerControlledShutdown, BrokerCrash, BrokerFailPermanently, BrokerLossyCrash, BrokerRestart,
} from './broker.ts';
import {
  AdminAlterMinIsr, ControllerElectPreferredLeader, ControllerFailover, ControllerFenceBroker, ControllerUnfenceBroker, DeposedControllerSendMetadata,
} from './controller.ts';

/** The definitions, keyed by step name; the order is the one `stepKinds` and action keys use. */
export const STEPS = {
  ProducerSend,
  ConsumerFetch,
  ConsumerRefreshMetadata,
  ConsumerValidatePosition,
  LeaderSelectReadReplica,
  ConsumerExpireReadReplica,
  FollowerFetch,
  LeaderHandleFetch,
  FollowerHandleFetchResponse,
  LeaderHandleEpochQuery,
  FollowerHandleEpochResponse,
  NetworkLoseFetchRequest,
  NetworkLoseFetchResponse,
  LeaderShrinkIsr,
  ControllerHandleAlterPartition,
  LeaderHandleAlterPartitionResponse,
  BrokerApplyMetadata,
  BrokerCrash,
  BrokerLossyCrash,
  BrokerRestart,
  BrokerFailPermanently,
  ControllerFenceBroker,
  ControllerUnfenceBroker,
  ControllerElectPreferredLeader,
  BrokerControlledShutdown,
  BrokerCheckpointHw,
  ControllerFailover,
  DeposedControllerSendMetadata,
  AdminAlterMinIsr,
  // Last, so that the other steps keep their indices (and action keys, spec/independence.ts).
  ProducerRetry,
} as const;

type ActionOf<D> = D extends StepDefinition<infer A> ? A : never;

export type StepName = keyof typeof STEPS;

/** One action of the cluster: a step's name and its parameters, as its definition declares them. */
export type ClusterAction = { [K in StepName]: ActionOf<(typeof STEPS)[K]> }[StepName];

/** The action of step `K`. */
export type ActionOfStep<K extends StepName> = ActionOf<(typeof STEPS)[K]>;

/** The names of definitions filed under a key other than their step's name: there must be none. */
type Misfiled = { [K in StepName]: ActionOf<(typeof STEPS)[K]>['step'] extends K ? never : K }[StepName];
export const EVERY_STEP_FILED_UNDER_ITS_NAME: [Misfiled] extends [never] ? true : Misfiled = true;
