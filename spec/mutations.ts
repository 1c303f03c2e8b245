/**
 * Mutations: rules deliberately broken, one at a time, to show that the checker notices when a
 * safeguard of the protocol is missing. Unlike the protocol switches, no Kafka release ever
 * behaved like this; a mutation is a configuration only so that its counterexamples replay like
 * any other. Each is a transformation of the resolved rules (rules.ts), so no protocol file
 * mentions a mutation.
 */
import type { Rules } from './rules.ts';

export const MUTATIONS = {
  'isr-join-ignores-hw': 'X2 without `leo ≥ HW`: a follower joins the ISR as soon as the leader knows its fetch offset',
  'remote-leo-survives-epoch': 'L5/H5 without forgetting follower state: a new leader counts fetch offsets from its earlier leaderships',
  'alter-partition-ignores-partition-epoch': 'S3 without the partition-epoch check: the controller applies an ISR change proposed against stale state',
  'stale-fetch-responses-accepted': 'a follower takes a response to a fetch it sent in an earlier leader epoch or from another fetch offset',
  'deposed-controller-accepted': 'M4 without the controller-epoch check: a broker applies metadata from a controller that was replaced',
  'followers-stop-fetching': 'F1 dropped: followers never send a fetch, so nothing they should replicate reaches them (a liveness failure, V3)',
} as const;

export type Mutation = keyof typeof MUTATIONS;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as Mutation[];

/** What each mutation does to the rules. */
export const MUTATION_RULES: Readonly<Record<Mutation, (k: Rules) => Rules>> = {
  'isr-join-ignores-hw': (k) => ({ ...k, isrJoin: { ...k.isrJoin, requiresHw: false } }),
  'remote-leo-survives-epoch': (k) => ({ ...k, newLeader: { ...k.newLeader, forgetsFollowers: false } }),
  'alter-partition-ignores-partition-epoch': (k) => ({ ...k, alterPartition: { ...k.alterPartition, checksPartitionEpoch: false } }),
  'stale-fetch-responses-accepted': (k) => ({ ...k, fetch: { ...k.fetch, dropsStaleResponses: false } }),
  'deposed-controller-accepted': (k) => ({ ...k, metadata: { fencesDeposedController: false } }),
  'followers-stop-fetching': (k) => ({ ...k, fetch: { ...k.fetch, followersFetch: false } }),
};
