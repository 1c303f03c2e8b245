/**
 * The replication steps between leader and followers: a follower sends a fetch (F1), the leader
 * serves it (F2-F7) and answers OffsetsForLeaderEpoch (T1, T2, E3), the follower handles the
 * answers (F8, F9, T1-T3), a leader finds a follower out of sync (S1) and proposes an ISR change
 * that the controller checks (S3) and answers (S2, X3). The rules are in spec/leader.ts, spec/follower.ts
 * and spec/controller.ts; the replica and controller machines route each event to them.
 */
import type { Cluster, ClusterState } from '../cluster.ts';
import type { BrokerId } from '../types.ts';
import { type Reasons, defineStep, delivers, noteOfStep, running } from './define.ts';
import { lateAlterPartition, lateRequest, lateResponse, onTime } from './timing.ts';
import { BUDGETS, lifecycle } from './footprint.ts';

/** No epoch queries without followers, or with a truncation generation that does not ask them (before KIP-101). */
const noEpochQuery = (why: Reasons): string | null => why.noFollowers ?? (why.rules.truncation.asksLeaderEpoch
  ? null : `truncation ${why.rules.truncation.name} does not ask OffsetsForLeaderEpoch`);

/** No AlterPartition on the network without followers, or while ISR changes are written at once (before KIP-497). */
const noAlter = (why: Reasons): string | null =>
  why.noFollowers ?? (why.rules.isrWrites === 'alterPartition' ? null : 'ISR changes are synchronous ZooKeeper writes before KIP-497');

/** The deliveries below, made once: each step's `late` reads the connection its parts take from. */
const FETCH_REQUEST = delivers('FetchRequest');
const FETCH_RESPONSE = delivers('FetchResponse');
const EPOCH_REQUEST = delivers('EpochRequest');
const EPOCH_RESPONSE = delivers('EpochResponse');
const ALTER_PARTITION = delivers('AlterPartition', null, 'leader');

/** The fetch timer's event: the same object every time (events are never changed). */
const FETCH_TICK = { type: 'FetchTick' } as const;

/** F1: a running follower sends a fetch to its leader, when that leader is up. */
export const FollowerFetch = defineStep<{ step: 'FollowerFetch'; broker: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (!running(s, b)) return;
      const r = s.replicas[b - 1].context;
      if (cl.accepts(s, b, FETCH_TICK) && s.replicas[r.leader - 1].role !== 'offline') out.push({ step: 'FollowerFetch', broker: b });
    },
  },
  apply: (cl, s, a) => cl.toReplica(s, a.broker, FETCH_TICK),
  describe: (a) => `broker ${a.broker} sends a fetch to its leader`,
  tell: () => null, // the fetch it sends says it all
  fairness: 'fair',
  footprint(f, s, a) {
    const leader = s.replicas[a.broker - 1].context.leader;
    f.replica(s, a.broker);
    if (leader > 0) f.reads(lifecycle(leader)).link(a.broker, leader);
  },
  picture: noteOfStep,
  ruledOut: (why) => why.noFollowers,
  late: onTime,
});

/** F2-F7: the leader serves a follower's fetch (and learns its LEO). */
export const LeaderHandleFetch = defineStep<{ step: 'LeaderHandleFetch'; broker: BrokerId; from: BrokerId }>({
  ...FETCH_REQUEST,
  describe: (a) => `broker ${a.broker} handles the fetch from broker ${a.from}`,
  footprint: (f, s, a) => f.replica(s, a.broker).reads(lifecycle(a.from)).link(a.from, a.broker).link(a.broker, a.from),
  ruledOut: (why) => why.noFollowers,
  late: lateRequest(FETCH_REQUEST, 'fetch'),
});

/** F8, F9, T3: a follower appends what its leader sent, or truncates where the leader says its log diverges. */
export const FollowerHandleFetchResponse = defineStep<{ step: 'FollowerHandleFetchResponse'; broker: BrokerId; from: BrokerId }>({
  ...FETCH_RESPONSE,
  describe: (a) => `broker ${a.broker} handles the fetch response from broker ${a.from}`,
  footprint: (f, s, a) => f.replica(s, a.broker).link(a.from, a.broker),
  ruledOut: (why) => why.noFollowers,
  late: lateResponse(FETCH_RESPONSE, 'fetch response'),
});

/** T1, T2, E3 (KIP-101, KIP-279): the leader answers OffsetsForLeaderEpoch with the end offset of an epoch. */
export const LeaderHandleEpochQuery = defineStep<{ step: 'LeaderHandleEpochQuery'; broker: BrokerId; from: BrokerId }>({
  ...EPOCH_REQUEST,
  describe: (a) => `broker ${a.broker} answers OffsetsForLeaderEpoch from broker ${a.from}`,
  footprint: (f, s, a) => f.replica(s, a.broker).reads(lifecycle(a.from)).link(a.from, a.broker).link(a.broker, a.from),
  ruledOut: noEpochQuery,
  late: lateRequest(EPOCH_REQUEST, 'OffsetsForLeaderEpoch request'),
});

/** T1, T2: the follower truncates to the leader's answer before it fetches again. */
export const FollowerHandleEpochResponse = defineStep<{ step: 'FollowerHandleEpochResponse'; broker: BrokerId; from: BrokerId }>({
  ...EPOCH_RESPONSE,
  describe: (a) => `broker ${a.broker} handles the OffsetsForLeaderEpoch answer from broker ${a.from}`,
  footprint: (f, s, a) => f.replica(s, a.broker).link(a.from, a.broker),
  ruledOut: noEpochQuery,
  late: lateResponse(EPOCH_RESPONSE, 'OffsetsForLeaderEpoch response'),
});

/** S1: a follower that is down may always be dropped; a live one only within the `maxLagShrinks` budget. */
function mayDropForLag(cl: Cluster, s: ClusterState, f: BrokerId): boolean {
  return s.replicas[f - 1].role === 'offline' || (s.lagShrinks ?? 0) < cl.maxLagShrinks;
}

/** S1's event for each follower (index broker-1), made once: enumeration asks it of every leader in every state. */
const LAG_ELAPSED: { readonly type: 'LagElapsed'; readonly follower: BrokerId }[] = [];
function lagElapsed(f: BrokerId): { readonly type: 'LagElapsed'; readonly follower: BrokerId } {
  return (LAG_ELAPSED[f - 1] ??= { type: 'LagElapsed', follower: f });
}

/** S1: replica.lag.time.max.ms elapses for a follower whose LEO lags the leader's; the leader proposes to drop it. */
export const LeaderShrinkIsr = defineStep<{ step: 'LeaderShrinkIsr'; broker: BrokerId; follower: BrokerId }>({
  enabled: {
    each: 'broker',
    actions(cl, s, b, out) {
      if (s.replicas[b - 1].role !== 'leader') return;
      for (const f of cl.rules.replicas) {
        if (!mayDropForLag(cl, s, f)) continue;
        if (cl.accepts(s, b, lagElapsed(f))) out.push({ step: 'LeaderShrinkIsr', broker: b, follower: f });
      }
    },
  },
  apply: (cl, s, a) => cl.toReplica(cl.spendLagShrink(s, a.follower), a.broker, { type: 'LagElapsed', follower: a.follower }),
  describe: (a) => `leader ${a.broker} finds broker ${a.follower} out of sync and proposes to shrink the ISR`,
  tell: (_before, a) => `leader ${a.broker} finds broker ${a.follower} out of sync (replica.lag.time.max.ms)`,
  // A follower that is down is eventually dropped; dropping a live one means it fell behind for
  // replica.lag.time.max.ms, which a healthy follower that keeps fetching does not: a fault.
  fairness: (s, a) => (s.replicas[a.follower - 1].role === 'offline' ? 'fair' : 'fault'),
  footprint: (f, s, a) => f.replica(s, a.broker).reads(lifecycle(a.follower)).writes(BUDGETS),
  picture: noteOfStep,
  ruledOut: (why) => why.noFollowers,
  late: onTime,
});

/** S3: the controller checks and applies a leader's AlterPartition (KIP-497). */
export const ControllerHandleAlterPartition = defineStep<{ step: 'ControllerHandleAlterPartition'; leader: BrokerId }>({
  ...ALTER_PARTITION,
  describe: (a) => `controller handles AlterPartition from broker ${a.leader}`,
  footprint: (f, _s, a) => f.controller().reads(lifecycle(a.leader)).link(a.leader, 0).link(0, a.leader),
  ruledOut: noAlter,
  late: lateAlterPartition(ALTER_PARTITION),
});

/** S2, X3: the leader adopts the ISR the controller committed, or learns its proposal was refused. */
export const LeaderHandleAlterPartitionResponse = defineStep<{ step: 'LeaderHandleAlterPartitionResponse'; broker: BrokerId; from: 0 }>({
  ...delivers('AlterPartitionResponse'),
  describe: (a) => `broker ${a.broker} handles the AlterPartition response`,
  footprint: (f, s, a) => f.replica(s, a.broker).link(0, a.broker),
  ruledOut: noAlter,
  late: onTime, // W5: AlterPartitionManager retries without a deadline
});
