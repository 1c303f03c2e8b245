/**
 * The follower's helpers (spec/follower.ts) on small hand-built contexts, one Kafka rule at a time
 * (ids from docs/rules.md): starting to follow by each truncation generation (T0-T3, L5), what a
 * fetch carries (F1), which responses count, and applying them (F8, F9, H6, T1-T3).
 * Broker 2 follows broker 1 on a partition of brokers 1..3 unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig, type ClusterConfig } from '../../spec/config.ts';
import { answersRequestOut, becomeFollower, canFetch, handleEpochResponse, handleFetchResponse, isCurrentResponse, sendFetch } from '../../spec/follower.ts';
import { appendEntries } from '../../spec/log.ts';
import { initialReplica, type ReplicaContext } from '../../spec/replica-context.ts';
import { resolveRules } from '../../spec/rules.ts';
import { NO_LEADER, type EpochRequest, type EpochResponse, type Entry, type FetchRequest, type FetchResponse, type MetadataImage } from '../../spec/types.ts';
import { Cluster } from '../../spec/cluster.ts';
import type { ReplicaEvent, SendEvent } from '../../spec/replica.ts';

const rules = (overrides: Partial<ClusterConfig> = {}) => resolveRules(makeConfig(overrides));
const today = rules();
const at = (protocol: string) => rules({ protocol });

const e = (epoch: number, value: number): Entry => ({ epoch, value });

/** Broker 2 following broker 1 in leader epoch 0 (or its last record's), with this log. */
function followerWith(log: Entry[], fields: Partial<ReplicaContext> = {}): ReplicaContext {
  const built = appendEntries([], [], log);
  return {
    ...initialReplica(2, 3),
    knownMetadata: 0, leader: 1, leaderEpoch: log.at(-1)?.epoch ?? 0, partitionEpoch: 0, isr: [1, 2, 3],
    log: built.log, cache: built.cache, ...fields,
  };
}

function image(leader: number, leaderEpoch: number, partitionEpoch = leaderEpoch): MetadataImage {
  return {
    controllerEpoch: 1,
    registration: { leader, isr: [1, 2, 3], elr: [], lastKnownLeader: NO_LEADER, leaderEpoch, partitionEpoch },
    brokerEpochs: [1, 1, 1], fenced: [false, false, false], minIsr: 2,
  };
}

function response(fields: Partial<FetchResponse> = {}): FetchResponse {
  return {
    kind: 'FetchResponse', from: 1, to: 2, sentInEpoch: 0, toIncarnation: 1, fetchOffset: 0,
    error: null, diverging: null, records: [], highWatermark: 0, leaderLeo: 0, ...fields,
  };
}

function epochResponse(answer: { epoch: number; end: number }, error: EpochResponse['error'] = null): EpochResponse {
  return { kind: 'EpochResponse', from: 1, to: 2, sentInEpoch: 1, toIncarnation: 1, error, answer };
}

describe('starting to follow a new leader (L5, T0-T3)', () => {
  /** Two records of epoch 0, only the first below the HW; broker 3 takes over in epoch 1. */
  const r = followerWith([e(0, 1), e(0, 2)], { hw: 1 });

  it('T0 (before 0.11): truncates to its own HW at once', () => {
    const next = becomeFollower(at('kafka-0.10'), r, image(3, 1), 1);
    expect(next.log).toEqual([e(0, 1)]);
    expect(next).toMatchObject({ leader: 3, leaderEpoch: 1, needsEpochQuery: false });
  });

  it('T1/T2 (0.11, 2.0): keeps its log and must ask OffsetsForLeaderEpoch before fetching', () => {
    for (const protocol of ['kafka-0.11', 'kafka-2.0']) {
      const next = becomeFollower(at(protocol), r, image(3, 1), 1);
      expect(next.log, protocol).toHaveLength(2);
      expect(next.needsEpochQuery, protocol).toBe(true);
    }
  });

  it('T1: a follower that knows no epoch (an epoch cache it never filled) falls back to its HW', () => {
    const next = becomeFollower(at('kafka-0.11'), { ...r, cache: [] }, image(3, 1), 1);
    expect(next.log).toEqual([e(0, 1)]);
    expect(next.needsEpochQuery).toBe(false);
  });

  it('T3 (2.7): fetches at once, truncating nothing', () => {
    const next = becomeFollower(today, r, image(3, 1), 1);
    expect(next.log).toHaveLength(2);
    expect(next.needsEpochQuery).toBe(false);
  });

  it('L5 (KAFKA-7164, 2.1): a new epoch of the same leader also starts over; in 2.0 only a new leader did', () => {
    expect(becomeFollower(at('kafka-2.1'), r, image(1, 1), 1).needsEpochQuery).toBe(true);
    expect(becomeFollower(at('kafka-2.0'), r, image(1, 1), 1).needsEpochQuery).toBe(false);
  });

  it('a partition without a leader truncates nothing, even at T0', () => {
    expect(becomeFollower(at('kafka-0.10'), r, image(NO_LEADER, 1), 1).log).toHaveLength(2);
  });

  it('F10: a new leader has nothing out to it; the same leader in a new epoch, or an ISR change, keeps the request out', () => {
    const fetching = { ...r, fetchOutAtEpoch: 0 };
    expect(becomeFollower(today, fetching, image(3, 1), 1).fetchOutAtEpoch).toBe(-1);
    expect(becomeFollower(today, fetching, image(NO_LEADER, 1), 1).fetchOutAtEpoch).toBe(-1);
    expect(becomeFollower(today, fetching, image(1, 1), 1).fetchOutAtEpoch).toBe(0);
    expect(becomeFollower(today, fetching, image(1, 0, 1), 1).fetchOutAtEpoch).toBe(0);
  });

  it('a deposed leader forgets its parked acks=all requests and its followers\' LEOs', () => {
    const deposed = followerWith([e(0, 1)], { leader: 2, pendingAcks: [{ value: 1, offset: 0 }], remoteLeo: [1, -1, 1], pendingIsr: [2] });
    const next = becomeFollower(today, deposed, image(3, 1), 1);
    expect(next).toMatchObject({ leader: 3, pendingAcks: [], pendingIsr: null, remoteLeo: [-1, -1, -1] });
  });
});

describe('sending a fetch (F1)', () => {
  it('a follower fetches only with a leader other than itself and nothing in flight', () => {
    expect(canFetch(followerWith([]))).toBe(true);
    expect(canFetch(followerWith([], { fetchOutAtEpoch: 0 }))).toBe(false);
    expect(canFetch(followerWith([], { leader: NO_LEADER }))).toBe(false);
    expect(canFetch(followerWith([], { leader: 2 }))).toBe(false);
  });

  it('F1: the fetch carries its LEO, the last fetched epoch (2.7) and its leader epoch (KIP-320, 2.1)', () => {
    const r = followerWith([e(0, 1), e(1, 2)]);
    const sent = sendFetch(today, r);
    expect(sent.context.fetchOutAtEpoch).toBe(1);
    expect(sent.sent).toEqual([{
      kind: 'FetchRequest', from: 2, to: 1, fetchOffset: 2, lastFetchedEpoch: 1, currentLeaderEpoch: 1, brokerEpoch: 1, sentInEpoch: 1,
    }]);
    expect(sendFetch(at('kafka-2.0'), r).sent[0]).toMatchObject({ kind: 'FetchRequest', lastFetchedEpoch: -1, currentLeaderEpoch: -1 });
  });

  it('T1/T2: a follower that must truncate asks OffsetsForLeaderEpoch for its latest epoch instead', () => {
    const sent = sendFetch(at('kafka-2.0'), followerWith([e(0, 1), e(1, 2)], { needsEpochQuery: true }));
    expect(sent.sent).toEqual([expect.objectContaining({ kind: 'EpochRequest', epoch: 1, to: 1 })]);
  });

  it('F8 (before KAFKA-14704): a divergence learned earlier is acted on before the next fetch', () => {
    const sent = sendFetch(at('kafka-3.0'), followerWith([e(0, 1), e(1, 2)], { pendingTruncation: 1 }));
    expect(sent.context.log).toEqual([e(0, 1)]);
    expect(sent.context.pendingTruncation).toBe(-1);
    expect(sent.sent[0]).toMatchObject({ kind: 'FetchRequest', fetchOffset: 1 });
  });
});

describe('which responses count', () => {
  const waiting = followerWith([e(0, 1)], { fetchOutAtEpoch: 0 });

  it('a response to the fetch in flight, from the leader, in the same epoch and at the same fetch offset, counts', () => {
    expect(isCurrentResponse(today, waiting, response({ fetchOffset: 1 }))).toBe(true);
  });

  it('one with nothing in flight, from another broker, from an older epoch or for another fetch offset does not', () => {
    expect(isCurrentResponse(today, { ...waiting, fetchOutAtEpoch: -1 }, response({ fetchOffset: 1 }))).toBe(false);
    expect(isCurrentResponse(today, waiting, response({ fetchOffset: 1, from: 3 }))).toBe(false);
    expect(isCurrentResponse(today, { ...waiting, leaderEpoch: 1 }, response({ fetchOffset: 1 }))).toBe(false);
    expect(isCurrentResponse(today, waiting, response({ fetchOffset: 0 }))).toBe(false);
  });

  it('an OffsetsForLeaderEpoch answer has no fetch offset to match', () => {
    expect(isCurrentResponse(today, { ...waiting, leaderEpoch: 1, fetchOutAtEpoch: 1 }, epochResponse({ epoch: 0, end: 1 }))).toBe(true);
  });

  it('F10: the answer to a request sent in an earlier epoch of the same leader answers the request out without counting', () => {
    const newEpoch = { ...waiting, leaderEpoch: 1 };
    expect(answersRequestOut(newEpoch, response({ fetchOffset: 1 }))).toBe(true);
    expect(isCurrentResponse(today, newEpoch, response({ fetchOffset: 1 }))).toBe(false);
    // A request of the same epoch is not the one out when the one out was sent in another.
    expect(answersRequestOut({ ...newEpoch, fetchOutAtEpoch: 1 }, response({ fetchOffset: 1 }))).toBe(false);
  });
});

describe('applying a fetch response (F8, F9, H6)', () => {
  it('F8: appends the records, the epoch cache learns their epochs, and the HW is the reply\'s', () => {
    const next = handleFetchResponse(today, followerWith([e(0, 1)], { fetchOutAtEpoch: 0 }), response({ records: [e(1, 2)], highWatermark: 2 }));
    expect(next.log).toEqual([e(0, 1), e(1, 2)]);
    expect(next.cache).toEqual([{ epoch: 0, start: 0 }, { epoch: 1, start: 1 }]);
    expect(next).toMatchObject({ hw: 2, fetchOutAtEpoch: -1 });
  });

  it('H6: the HW is capped at the follower\'s LEO, and may go down', () => {
    const r = followerWith([e(0, 1), e(0, 2)], { hw: 2 });
    expect(handleFetchResponse(today, r, response({ highWatermark: 5 })).hw).toBe(2);
    expect(handleFetchResponse(today, r, response({ highWatermark: 1 })).hw).toBe(1);
  });

  it('T3/F8 (KAFKA-14704, 3.5): a DivergingEpoch reply truncates and its HW is ignored', () => {
    const r = followerWith([e(0, 1), e(1, 2)]);
    const next = handleFetchResponse(today, r, response({ diverging: { epoch: 0, end: 1 }, highWatermark: 2 }));
    expect(next.log).toEqual([e(0, 1)]);
    expect(next.cache).toEqual([{ epoch: 0, start: 0 }]);
    expect(next).toMatchObject({ hw: 0, pendingTruncation: -1 });
  });

  it('F8 before 3.5: the HW of a DivergingEpoch reply is taken first, over records about to be truncated', () => {
    const r = followerWith([e(0, 1), e(1, 2)]);
    const next = handleFetchResponse(at('kafka-3.0'), r, response({ diverging: { epoch: 0, end: 1 }, highWatermark: 2 }));
    expect(next.log).toHaveLength(2);
    expect(next).toMatchObject({ hw: 2, pendingTruncation: 1 });
  });

  it('F9: OFFSET_OUT_OF_RANGE truncates to the leader\'s LEO when that is below the follower\'s', () => {
    const r = followerWith([e(0, 1), e(0, 2)], { hw: 2 });
    expect(handleFetchResponse(today, r, response({ error: 'OFFSET_OUT_OF_RANGE', leaderLeo: 1 }))).toMatchObject({ log: [e(0, 1)], hw: 1 });
    expect(handleFetchResponse(today, r, response({ error: 'OFFSET_OUT_OF_RANGE', leaderLeo: 3 })).log).toHaveLength(2);
  });

  it('F2: any other error only ends the fetch', () => {
    const r = followerWith([e(0, 1)], { fetchOutAtEpoch: 0, hw: 1 });
    expect(handleFetchResponse(today, r, response({ error: 'FENCED_LEADER_EPOCH', highWatermark: 0 }))).toEqual({ ...r, fetchOutAtEpoch: -1 });
  });
});

describe('applying an OffsetsForLeaderEpoch answer (T1, T2)', () => {
  const k = at('kafka-2.0');

  it('T2: truncates to where the leader\'s epoch ends, and is done', () => {
    const next = handleEpochResponse(k, followerWith([e(0, 1), e(1, 2)], { needsEpochQuery: true, fetchOutAtEpoch: 1 }), epochResponse({ epoch: 0, end: 1 }));
    expect(next).toMatchObject({ log: [e(0, 1)], needsEpochQuery: false, fetchOutAtEpoch: -1 });
  });

  it('T2 (KIP-279): a follower lacking the epoch the leader names truncates to the end of its own earlier epoch and asks again', () => {
    const next = handleEpochResponse(k, followerWith([e(0, 1), e(2, 5)], { needsEpochQuery: true }), epochResponse({ epoch: 1, end: 3 }));
    expect(next.log).toEqual([e(0, 1)]);
    expect(next.needsEpochQuery).toBe(true);
  });

  it('T1 (KIP-101): truncates to the answer in one go, even past an epoch the leader lacks (KAFKA-6361)', () => {
    const next = handleEpochResponse(at('kafka-0.11'), followerWith([e(0, 1), e(2, 5)], { needsEpochQuery: true }), epochResponse({ epoch: 1, end: 3 }));
    expect(next.log).toHaveLength(2);
    expect(next.needsEpochQuery).toBe(false);
  });

  it('an error only ends the request', () => {
    const r = followerWith([e(0, 1)], { needsEpochQuery: true, fetchOutAtEpoch: 0 });
    expect(handleEpochResponse(k, r, epochResponse({ epoch: -1, end: -1 }, 'FENCED_LEADER_EPOCH'))).toEqual({ ...r, fetchOutAtEpoch: -1 });
  });
});

describe('requests that reach a follower (F2, S2)', () => {
  const cluster = new Cluster(makeConfig());
  /** Broker 2 steps as a follower in leader epoch 1; what it answers a request from broker 3. */
  const answerOf = (request: FetchRequest | EpochRequest, fields: Partial<ReplicaContext> = {}) => {
    const r = cluster.replica.step('follower', followerWith([e(0, 1)], { leaderEpoch: 1, ...fields }), {
      type: request.kind, message: request,
    } as ReplicaEvent);
    return (r!.emitted as SendEvent[]).flatMap((x) => x.messages)[0] as FetchResponse | EpochResponse;
  };
  const fetch = (currentLeaderEpoch: number): FetchRequest => ({
    kind: 'FetchRequest', from: 3, to: 2, fetchOffset: 1, lastFetchedEpoch: 0, currentLeaderEpoch, brokerEpoch: 1, sentInEpoch: currentLeaderEpoch,
  });
  const query = (currentLeaderEpoch: number): EpochRequest => ({
    kind: 'EpochRequest', from: 3, to: 2, epoch: 0, currentLeaderEpoch, sentInEpoch: currentLeaderEpoch, brokerEpoch: 1,
  });

  it('F2 (Partition.getLocalLog): the epoch is checked before leadership, at a follower too', () => {
    for (const request of [fetch, query]) {
      expect(answerOf(request(0)).error).toBe('FENCED_LEADER_EPOCH');
      expect(answerOf(request(2)).error).toBe('UNKNOWN_LEADER_EPOCH');
      expect(answerOf(request(1)).error).toBe('NOT_LEADER_OR_FOLLOWER');
    }
  });

  it('F2: a restarted broker that has not replayed metadata yet does not host the partition: NOT_LEADER_OR_FOLLOWER', () => {
    expect(answerOf(fetch(2), { knownMetadata: -1 }).error).toBe('NOT_LEADER_OR_FOLLOWER');
  });

  it('F2: before KIP-320 requests carry no epoch, and a follower answers NOT_LEADER_OR_FOLLOWER', () => {
    const old = new Cluster(makeConfig({ protocol: 'kafka-2.0' }));
    const r = old.replica.step('follower', followerWith([e(0, 1)], { leaderEpoch: 1 }), { type: 'FetchRequest', message: fetch(0) } as ReplicaEvent);
    expect(((r!.emitted as SendEvent[]).flatMap((x) => x.messages)[0] as FetchResponse).error).toBe('NOT_LEADER_OR_FOLLOWER');
  });

  it('S2: the controller\'s answer to an AlterPartition sent while leading frees the broker\'s one request slot', () => {
    const r = cluster.replica.step('follower', followerWith([], { alterInFlight: true }), {
      type: 'AlterPartitionResponse',
      message: { kind: 'AlterPartitionResponse', from: 0, to: 2, error: null, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1, proposedIsr: [1, 2], proposedAtEpoch: 0, toIncarnation: 1 },
    } as ReplicaEvent);
    expect((r!.context as ReplicaContext).alterInFlight).toBe(false);
  });
});

describe('one request at a time (F10)', () => {
  it('a timed-out request of an earlier incarnation of the follower does not free the request slot of the one running now', () => {
    const cluster = new Cluster(makeConfig());
    const waiting = followerWith([e(0, 1)], { fetchOutAtEpoch: 0, incarnation: 2 });
    const timedOut = (incarnation: number) => cluster.replica.step('follower', waiting, { type: 'FetchTimedOut', leader: 1, sentInEpoch: 0, incarnation } as ReplicaEvent);
    expect((timedOut(2)!.context as ReplicaContext).fetchOutAtEpoch).toBe(-1);
    expect(timedOut(1)).toBeNull();
  });
});
