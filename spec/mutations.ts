/**
 * Mutations: rules deliberately broken, one at a time, to show that the checker notices when a
 * safeguard of the protocol is missing (domain brief §4, "Evidence the checker could have
 * failed"). Unlike the protocol switches of versions.ts, no Kafka release ever behaved like this;
 * a mutation is a configuration only so that its counterexamples replay like any other.
 */
export const MUTATIONS = {
  'isr-join-ignores-hw': 'X2 without `leo ≥ HW`: a follower joins the ISR as soon as the leader knows its fetch offset',
  'remote-leo-survives-epoch': 'L5/H5 without forgetting follower state: a new leader counts fetch offsets from its earlier leaderships',
  'alter-partition-ignores-partition-epoch': 'S3 without the partition-epoch check: the controller applies an ISR change proposed against stale state',
  'stale-fetch-responses-accepted': 'a follower takes a response to a fetch it sent in an earlier leader epoch or from another fetch offset',
} as const;

export type Mutation = keyof typeof MUTATIONS;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as Mutation[];
