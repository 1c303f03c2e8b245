/**
 * The network's faults: it loses a fetch request or a fetch response (within the
 * `maxMessageLosses` budget), and the follower's fetch times out, so it may fetch again.
 * Other messages are never lost: a connection that breaks with a broker takes them with it
 * (`Cluster.dropConnections`).
 */
import type { BrokerId } from '../types.ts';
import { defineStep, loses } from './define.ts';
import { onTime } from './timing.ts';
import { BUDGETS } from './footprint.ts';

/** The network loses a follower's fetch on its way to the leader. */
export const NetworkLoseFetchRequest = defineStep<{ step: 'NetworkLoseFetchRequest'; broker: BrokerId; from: BrokerId }>({
  ...loses('FetchRequest', 'from'),
  describe: (a) => `the network loses broker ${a.from}'s fetch to broker ${a.broker}`,
  footprint: (f, s, a) => f.replica(s, a.from).writes(BUDGETS).link(a.from, a.broker),
  ruledOut: (why) => why.noFollowers ?? why.noLoss,
  late: onTime, // a loss is not a handling (W6)
});

/** The network loses a leader's fetch response on its way to the follower. */
export const NetworkLoseFetchResponse = defineStep<{ step: 'NetworkLoseFetchResponse'; broker: BrokerId; leader: BrokerId }>({
  ...loses('FetchResponse', 'leader'),
  describe: (a) => `the network loses broker ${a.leader}'s fetch response to broker ${a.broker}`,
  footprint: (f, s, a) => f.replica(s, a.broker).writes(BUDGETS).link(a.leader, a.broker),
  ruledOut: (why) => why.noFollowers ?? why.noLoss,
  late: onTime, // a loss is not a handling (W6)
});
