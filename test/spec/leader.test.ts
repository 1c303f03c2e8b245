/**
 * The leader's helpers (spec/leader.ts) on small hand-built contexts, one Kafka rule at a time
 * (ids from docs/rules.md): produce and acks (P2-P5), serving fetches (F4-F7, F9), the high
 * watermark (H1-H3, H5), ISR proposals (S1, S2, X1-X3) and taking up leadership (L5, E2).
 * Broker 1 leads a partition on brokers 1..3 unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig, type ClusterConfig } from '../../spec/config.ts';
import {
  advanceHw, answerDiverging, answerEpochQuery, answerOutOfRange, answersPendingProposal, appendAsLeader, applyAlterResult,
  becomeLeader, canShrinkIsr, forgetAlterInFlight, lacksMinIsr, maximalIsr, proposeShrink, refreshLeaderView, rejectFetch, serveFetch,
} from '../../spec/leader.ts';
import { appendEntries } from '../../spec/log.ts';
import { initialReplica, type ReplicaContext } from '../../spec/replica-context.ts';
import { isStaleIncarnation, resolveRules } from '../../spec/rules.ts';
import type { AlterPartitionResponse, Entry, FetchRequest, FetchResponse, MetadataImage } from '../../spec/types.ts';
import { Cluster } from '../../spec/cluster.ts';
import { handleFetchResponse } from '../../spec/follower.ts';
import type { ReplicaEvent, SendEvent } from '../../spec/replica.ts';

const rules = (overrides: Partial<ClusterConfig> = {}) => resolveRules(makeConfig(overrides));
const today = rules();

const e = (epoch: number, value: number): Entry => ({ epoch, value });

/** Broker `id` leading in the epoch of its last record (0 for an empty log), every broker in the ISR. */
function leaderWith(log: Entry[], fields: Partial<ReplicaContext> = {}, id = 1): ReplicaContext {
  const built = appendEntries([], [], log);
  return {
    ...initialReplica(id, 3),
    knownMetadata: 0, leader: id, leaderEpoch: log.at(-1)?.epoch ?? 0, partitionEpoch: 0, isr: [1, 2, 3], minIsr: 2,
    log: built.log, cache: built.cache, ...fields,
  };
}

function fetchFrom(from: number, fetchOffset: number, fields: Partial<FetchRequest> = {}): FetchRequest {
  return {
    kind: 'FetchRequest', from, to: 1, fetchOffset, lastFetchedEpoch: -1, currentLeaderEpoch: 0, brokerEpoch: 1, sentInEpoch: 0, ...fields,
  };
}

describe('the high watermark (H1-H3)', () => {
  const three = [e(0, 1), e(0, 2), e(0, 3)];

  it('H1: rises to the smallest LEO among the leader and the ISR', () => {
    const r = advanceHw(today, leaderWith(three, { remoteLeo: [-1, 2, 3] }));
    expect(r.context.hw).toBe(2);
    expect(r.sent).toEqual([]);
  });

  it('H1/H5: an ISR member whose LEO the leader does not know holds it back', () => {
    expect(advanceHw(today, leaderWith(three, { remoteLeo: [-1, 3, -1] })).context.hw).toBe(0);
  });

  it('H1: never falls', () => {
    expect(advanceHw(today, leaderWith(three, { hw: 3, remoteLeo: [-1, 1, 1] })).context.hw).toBe(3);
  });

  it('H1 (KAFKA-15583, 3.7): stays put while the ISR is below min.insync.replicas; before 3.7 it rose', () => {
    const alone = leaderWith(three, { isr: [1] });
    expect(advanceHw(today, alone).context.hw).toBe(0);
    expect(advanceHw(rules({ protocol: 'kafka-3.5' }), alone).context.hw).toBe(3);
  });

  it('H2 (KIP-497): the maximal ISR is the ISR plus a newcomer during an expansion, the old ISR during a shrink', () => {
    expect(maximalIsr(today, leaderWith([], { isr: [1, 2], pendingIsr: [1, 2, 3] }))).toEqual([1, 2, 3]);
    expect(maximalIsr(today, leaderWith([], { isr: [1, 2], pendingIsr: [1] }))).toEqual([1, 2]);
    expect(maximalIsr(today, leaderWith([], { isr: [1, 2] }))).toEqual([1, 2]);
    // Counting only the proposal (hwUsesMaximalIsr off) lets a pending shrink lower the bar at once.
    expect(maximalIsr(rules({ hwUsesMaximalIsr: false }), leaderWith([], { isr: [1, 2], pendingIsr: [1] }))).toEqual([1]);
  });
});

describe('produce and acks (P2-P5)', () => {
  it('P3: acks=all is refused below the effective min ISR; acks=1 is not', () => {
    const alone = leaderWith([], { isr: [1] });
    expect(lacksMinIsr(today, alone, 'all')).toBe(true);
    expect(lacksMinIsr(today, alone, 1)).toBe(false);
    expect(lacksMinIsr(today, leaderWith([], { isr: [1, 2] }), 'all')).toBe(false);
  });

  it('P3/H1 with R7: the leader compares the ISR with the min.insync.replicas it last replayed', () => {
    const alone = leaderWith([e(0, 1), e(0, 2), e(0, 3)], { isr: [1], minIsr: 1 });
    expect(lacksMinIsr(today, alone, 'all')).toBe(false);
    expect(advanceHw(today, alone).context.hw).toBe(3);
    expect(lacksMinIsr(today, leaderWith([], { isr: [1, 2], minIsr: 3 }), 'all')).toBe(true);
    expect(lacksMinIsr(today, leaderWith([], { isr: [1, 2, 3], minIsr: 5 }), 'all')).toBe(false); // capped at the replicas (P3)
  });

  it('P2/E2: the record is stamped with the leader epoch, which enters the epoch cache', () => {
    const r = appendAsLeader(today, leaderWith([e(0, 1)], { leaderEpoch: 2 }), 7, 'all').context;
    expect(r.log).toEqual([e(0, 1), e(2, 7)]);
    expect(r.cache).toEqual([{ epoch: 0, start: 0 }, { epoch: 2, start: 1 }]);
  });

  it('P4: acks=1 is answered at once, before any follower has the record', () => {
    const r = appendAsLeader(today, leaderWith([]), 7, 1);
    expect(r.sent).toEqual([{ kind: 'ProduceAck', value: 7, offset: 0, acks: 1 }]);
    expect(r.context.pendingAcks).toEqual([]);
    expect(r.context.hw).toBe(0);
  });

  it('P5: acks=all waits until the HW passes the record, then succeeds', () => {
    const appended = appendAsLeader(today, leaderWith([]), 7, 'all');
    expect(appended.sent).toEqual([]);
    expect(appended.context.pendingAcks).toEqual([{ value: 7, offset: 0 }]);
    const one = serveFetch(today, appended.context, fetchFrom(2, 1));
    expect(one.sent.map((m) => m.kind)).toEqual(['FetchResponse']);
    const both = serveFetch(today, one.context, fetchFrom(3, 1));
    expect(both.context.hw).toBe(1);
    expect(both.sent.at(-1)).toEqual({ kind: 'ProduceAck', value: 7, offset: 0, acks: 'all' });
    expect(both.context.pendingAcks).toEqual([]);
  });

  it('P5: below min ISR when the HW passes it, the request fails (NOT_ENOUGH_REPLICAS_AFTER_APPEND) and the record stays', () => {
    const k = rules({ protocol: 'kafka-3.5' }); // before KAFKA-15583 the HW could rise with the leader alone
    const r = advanceHw(k, leaderWith([e(0, 7)], { isr: [1], pendingAcks: [{ value: 7, offset: 0 }] }));
    expect(r.context.hw).toBe(1);
    expect(r.sent).toEqual([]);
    expect(r.context.pendingAcks).toEqual([]);
    expect(r.context.log).toEqual([e(0, 7)]);
  });

  it('D1: with log.flush.interval.messages=1 an append is flushed', () => {
    expect(appendAsLeader(today, leaderWith([]), 7, 1).context.flushedTo).toBe(0);
    expect(appendAsLeader(rules({ flushEveryRecord: true }), leaderWith([]), 7, 1).context.flushedTo).toBe(1);
  });
});

describe('serving fetches (F4-F7, F9)', () => {
  it('F5: the reply holds the records from the fetch offset and the HW from before the fetch', () => {
    const r = serveFetch(today, leaderWith([e(0, 1), e(0, 2)], { hw: 1, remoteLeo: [-1, 1, 1] }), fetchFrom(2, 1));
    expect(r.sent).toEqual([expect.objectContaining({ kind: 'FetchResponse', to: 2, error: null, records: [e(0, 2)], highWatermark: 1, leaderLeo: 2 })]);
  });

  it('F6/F7: the fetch offset becomes the follower\'s LEO, then the HW is recomputed (the follower learns it next time)', () => {
    const r = serveFetch(today, leaderWith([e(0, 1), e(0, 2)], { hw: 1, remoteLeo: [-1, 1, 2] }), fetchFrom(2, 2, { brokerEpoch: 4 }));
    expect(r.context.remoteLeo).toEqual([-1, 2, 2]);
    expect(r.context.remoteBrokerEpoch[1]).toBe(4);
    expect(r.context.hw).toBe(2);
    expect(r.sent[0]).toMatchObject({ kind: 'FetchResponse', highWatermark: 1 });
  });

  it('F4: a last fetched epoch the leader ended earlier is answered with DivergingEpoch, no records', () => {
    // The leader wrote in epochs 0 and 2; the follower's last record is from epoch 1, which the leader never had.
    const leader = leaderWith([e(0, 1), e(2, 3)]);
    const req = fetchFrom(2, 2, { lastFetchedEpoch: 1, currentLeaderEpoch: 2, sentInEpoch: 2 });
    expect(today.truncation.divergence(leader, req)).toEqual({ epoch: 0, end: 1 });
    expect(today.truncation.divergence(leader, fetchFrom(2, 2, { lastFetchedEpoch: 2 }))).toBeNull();
    const r = answerDiverging(today, leader, req);
    expect(r.sent).toEqual([expect.objectContaining({ kind: 'FetchResponse', diverging: { epoch: 0, end: 1 }, records: [], error: null })]);
  });

  it('F4 (KAFKA-13141, 3.0): a diverging fetch no longer records the follower\'s fetch offset; in 2.7 it did', () => {
    const leader = leaderWith([e(0, 1), e(2, 3)]);
    const req = fetchFrom(2, 2, { lastFetchedEpoch: 1, currentLeaderEpoch: 2, sentInEpoch: 2 });
    expect(answerDiverging(today, leader, req).context.remoteLeo).toEqual([-1, -1, -1]);
    expect(answerDiverging(rules({ protocol: 'kafka-2.7' }), leader, req).context.remoteLeo).toEqual([-1, 2, -1]);
  });

  it('F9: a fetch offset past the leader\'s LEO is OFFSET_OUT_OF_RANGE with the leader\'s LEO', () => {
    const r = answerOutOfRange(leaderWith([e(0, 1)]), fetchFrom(2, 3));
    expect(r.sent).toEqual([expect.objectContaining({ kind: 'FetchResponse', error: 'OFFSET_OUT_OF_RANGE', records: [], leaderLeo: 1 })]);
    expect(r.context.remoteLeo).toEqual([-1, -1, -1]);
  });

  it('F3 (KAFKA-15221, 3.7, KRaft only): a fetch from an older incarnation than the registered one is refused', () => {
    const r = leaderWith([e(0, 1)], { brokerEpochs: [1, 1, 2] });
    const old = fetchFrom(3, 1, { brokerEpoch: 1 });
    expect(isStaleIncarnation(today, r, old)).toBe(true);
    expect(isStaleIncarnation(rules({ protocol: 'kafka-3.7' }), r, old)).toBe(true);
    expect(isStaleIncarnation(today, r, fetchFrom(3, 1, { brokerEpoch: 2 }))).toBe(false);
    // 3.5 and 3.6 record the broker epoch (KIP-903) but refuse nothing; a ZooKeeper leader never does.
    for (const k of [rules({ protocol: 'kafka-3.5' }), rules({ protocol: 'kafka-3.5', controller: 'kraft' }), rules({ protocol: 'kafka-3.7', controller: 'zk' })]) {
      expect(isStaleIncarnation(k, r, old)).toBe(false);
    }
  });

  it('F4 (Partition.readRecords): a last fetched epoch whose end the leader cannot define is OFFSET_OUT_OF_RANGE, not a divergence', () => {
    const config = makeConfig({ epochEntryOnBecomeLeader: false });
    const k = resolveRules(config);
    // Leading in epoch 2 without an entry for it; broker 2 wrote a record in epoch 1, which the leader never saw.
    const leader = leaderWith([e(0, 1), e(0, 2)], { leaderEpoch: 2, hw: 1 });
    const req = fetchFrom(2, 3, { lastFetchedEpoch: 1, currentLeaderEpoch: 2, sentInEpoch: 2 });
    expect(k.truncation.hasUndefinedEpochEnd(leader, req)).toBe(true);
    expect(k.truncation.divergence(leader, req)).toBeNull();
    const r = new Cluster(config).replica.step('leader', leader, { type: 'FetchRequest', message: req } as ReplicaEvent);
    const reply = (r!.emitted as SendEvent[]).flatMap((x) => x.messages)[0] as FetchResponse;
    expect(reply).toMatchObject({ error: 'OFFSET_OUT_OF_RANGE', diverging: null, leaderLeo: 2 });
    // F9: the follower truncates to the leader's LEO, not to its own HW.
    const follower = { ...leaderWith([e(0, 1), e(0, 2), e(1, 3)], { leader: 1, leaderEpoch: 2, hw: 1 }, 2), fetchOutAtEpoch: 2 };
    expect(handleFetchResponse(k, follower, { ...reply, fetchOffset: 3 }).log).toHaveLength(2);
  });

  it('F4: a defined end below the fetch offset is still a divergence', () => {
    const leader = leaderWith([e(0, 1), e(2, 2)], { leaderEpoch: 2 });
    const req = fetchFrom(2, 2, { lastFetchedEpoch: 1, currentLeaderEpoch: 2, sentInEpoch: 2 });
    expect(today.truncation.hasUndefinedEpochEnd(leader, req)).toBe(false);
    expect(today.truncation.divergence(leader, req)).toEqual({ epoch: 0, end: 1 });
  });

  it('F2: an OffsetsForLeaderEpoch refused carries the error and no answer', () => {
    const req = { kind: 'EpochRequest' as const, from: 2, to: 1, epoch: 0, currentLeaderEpoch: 0, sentInEpoch: 0, brokerEpoch: 1 };
    const r = rejectFetch(leaderWith([]), req, 'FENCED_LEADER_EPOCH');
    expect(r.sent).toEqual([expect.objectContaining({ kind: 'EpochResponse', error: 'FENCED_LEADER_EPOCH', answer: { epoch: -1, end: -1 } })]);
  });

  it('T1/T2: OffsetsForLeaderEpoch is answered from the epoch cache, by each generation\'s rule (KAFKA-6361)', () => {
    const leader = leaderWith([e(0, 1), e(2, 3)]);
    const req = { kind: 'EpochRequest' as const, from: 2, to: 1, epoch: 1, currentLeaderEpoch: -1, sentInEpoch: 2, brokerEpoch: 1 };
    const answer = (protocol: string) => answerEpochQuery(rules({ protocol }), leader, req).sent[0];
    expect(answer('kafka-0.11')).toMatchObject({ kind: 'EpochResponse', error: null, answer: { epoch: 1, end: 1 } });
    expect(answer('kafka-2.0')).toMatchObject({ kind: 'EpochResponse', error: null, answer: { epoch: 0, end: 1 } });
  });
});

describe('ISR expansion (X1-X3)', () => {
  /** Broker 3 is out of the ISR; the leader's HW is 2. */
  const behind = (fields: Partial<ReplicaContext> = {}) =>
    leaderWith([e(0, 1), e(0, 2)], { isr: [1, 2], hw: 2, remoteLeo: [-1, 2, -1], remoteBrokerEpoch: [-1, 1, -1], ...fields });

  it('X1/X2/S2: a fetch that reaches the HW proposes the follower, with the broker epochs the leader saw (KIP-903)', () => {
    const r = serveFetch(today, behind(), fetchFrom(3, 2));
    expect(r.context.pendingIsr).toEqual([1, 2, 3]);
    expect(r.sent[1]).toEqual({
      kind: 'AlterPartition', from: 1, to: 0, leaderEpoch: 0, partitionEpoch: 0, isr: [1, 2, 3], memberEpochs: [1, 1, 1], brokerEpoch: 1,
    });
  });

  it('X2: a fetch below the HW proposes nothing', () => {
    const r = serveFetch(today, behind(), fetchFrom(3, 1));
    expect(r.context.pendingIsr).toBeNull();
    expect(r.sent.map((m) => m.kind)).toEqual(['FetchResponse']);
  });

  it('X2 (KAFKA-7128, 2.1): the follower must also reach the leader epoch start offset; 2.0 did not ask it', () => {
    const r = behind({ hw: 1, leso: 2, remoteLeo: [-1, 1, -1] });
    expect(serveFetch(today, r, fetchFrom(3, 1)).context.pendingIsr).toBeNull();
    expect(serveFetch(rules({ protocol: 'kafka-2.0' }), r, fetchFrom(3, 1)).context.pendingIsr).toEqual([1, 2, 3]);
  });

  it('X2 (KIP-841, KIP-903): a fenced follower, or one fetching from an older incarnation, may not join; before 3.5 it could', () => {
    const stale = behind({ brokerEpochs: [1, 1, 2] });
    const fenced = behind({ fenced: [false, false, true] });
    for (const r of [stale, fenced]) {
      expect(serveFetch(today, r, fetchFrom(3, 2)).context.pendingIsr).toBeNull();
      expect(serveFetch(rules({ protocol: 'kafka-3.0' }), r, fetchFrom(3, 2)).context.pendingIsr).toEqual([1, 2, 3]);
    }
  });

  it('X2: KIP-841 (3.3) refuses a fenced follower before KIP-903 (3.5, KRaft only) checks its broker epoch', () => {
    const kafka33 = rules({ protocol: 'kafka-3.0', isrEligibilityChecksBrokerState: true });
    const kraft35 = rules({ protocol: 'kafka-3.5', controller: 'kraft' });
    const zk35 = rules({ protocol: 'kafka-3.5' });
    const stale = behind({ brokerEpochs: [1, 1, 2] });
    const fenced = behind({ fenced: [false, false, true] });
    for (const k of [kafka33, zk35, kraft35]) expect(serveFetch(k, fenced, fetchFrom(3, 2)).context.pendingIsr).toBeNull();
    // The ZooKeeper leader asks only whether the broker is alive (Partition.isReplicaIsrEligible).
    for (const k of [kafka33, zk35]) expect(serveFetch(k, stale, fetchFrom(3, 2)).context.pendingIsr).toEqual([1, 2, 3]);
    expect(serveFetch(kraft35, stale, fetchFrom(3, 2)).context.pendingIsr).toBeNull();
  });

  it('S2: no expansion while another change is in flight', () => {
    const r = serveFetch(today, behind({ pendingIsr: [1] }), fetchFrom(3, 2));
    expect(r.context.pendingIsr).toEqual([1]);
    expect(r.sent.map((m) => m.kind)).toEqual(['FetchResponse']);
  });

  it('O1: an observer never joins the ISR', () => {
    const r = serveFetch(rules({ observers: 1 }), behind(), fetchFrom(3, 2));
    expect(r.context.pendingIsr).toBeNull();
  });
});

describe('ISR shrink (S1, S2) and the controller\'s answer (H3, X3)', () => {
  /** Leader LEO 2; broker 2 has fetched both records, broker 3 only the first. */
  const lagging = (fields: Partial<ReplicaContext> = {}) =>
    leaderWith([e(0, 1), e(0, 2)], { remoteLeo: [-1, 2, 1], remoteBrokerEpoch: [-1, 1, 1], ...fields });

  it('S1 (abstracted): only an ISR follower whose last fetched LEO is not the leader\'s may be dropped', () => {
    expect(canShrinkIsr(lagging(), 3)).toBe(true);
    expect(canShrinkIsr(lagging(), 2)).toBe(false);
    expect(canShrinkIsr(lagging(), 1)).toBe(false);
    expect(canShrinkIsr(lagging({ isr: [1, 2] }), 3)).toBe(false);
    expect(canShrinkIsr(lagging({ pendingIsr: [1, 2] }), 3)).toBe(false);
  });

  it('S2/H2: the shrink is proposed, and the HW still counts the old ISR until the controller accepts it', () => {
    const r = proposeShrink(today, lagging(), 3);
    expect(r.context.pendingIsr).toEqual([1, 2]);
    expect(r.sent).toEqual([{ kind: 'AlterPartition', from: 1, to: 0, leaderEpoch: 0, partitionEpoch: 0, isr: [1, 2], memberEpochs: [1, 1], brokerEpoch: 1 }]);
    expect(r.context.hw).toBe(1);
    expect(proposeShrink(rules({ hwUsesMaximalIsr: false }), lagging(), 3).context.hw).toBe(2);
  });

  const pending = () => proposeShrink(today, lagging(), 3).context;
  const answer = (fields: Partial<AlterPartitionResponse> = {}): AlterPartitionResponse => ({
    kind: 'AlterPartitionResponse', from: 0, to: 1, error: null, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1,
    proposedIsr: [1, 2], proposedAtEpoch: 0, toIncarnation: 1, ...fields,
  });

  it('an answer belongs to the proposal in flight only if it names that proposal and its partition epoch', () => {
    expect(answersPendingProposal(pending(), answer())).toBe(true);
    expect(answersPendingProposal(pending(), answer({ proposedIsr: [1, 3] }))).toBe(false);
    expect(answersPendingProposal(pending(), answer({ proposedAtEpoch: 1 }))).toBe(false);
    expect(answersPendingProposal(lagging(), answer())).toBe(false);
  });

  it('H3: an accepted change replaces the ISR and the HW is recomputed', () => {
    const r = applyAlterResult(today, pending(), answer());
    expect(r.context).toMatchObject({ isr: [1, 2], pendingIsr: null, partitionEpoch: 1, hw: 2 });
  });

  it('X3: INELIGIBLE_REPLICA rolls the proposal back without recomputing the HW', () => {
    const r = applyAlterResult(today, pending(), answer({ error: 'INELIGIBLE_REPLICA', isr: [1, 2, 3], partitionEpoch: 0 }));
    expect(r.context).toMatchObject({ isr: [1, 2, 3], pendingIsr: null, hw: 1 });
  });

  it('X3: an error outside Partition\'s handled set (NOT_CONTROLLER) sends the same proposal again', () => {
    const r = applyAlterResult(today, pending(), answer({ error: 'NOT_CONTROLLER', isr: [1, 2, 3], partitionEpoch: 0 }));
    expect(r.context).toEqual(pending());
    expect(r.sent).toEqual([{ kind: 'AlterPartition', from: 1, to: 0, leaderEpoch: 0, partitionEpoch: 0, isr: [1, 2], memberEpochs: [1, 1], brokerEpoch: 1 }]);
  });

  it('any other error, or an answer for an older leader epoch, leaves the proposal pending (the request is answered)', () => {
    for (const res of [answer({ error: 'INVALID_UPDATE_VERSION' }), answer({ leaderEpoch: -1 })]) {
      expect(applyAlterResult(today, pending(), res).context).toEqual({ ...pending(), alterInFlight: false });
    }
  });

  it('X3: OPERATION_NOT_ATTEMPTED rolls the proposal back like INELIGIBLE_REPLICA (Partition.handleAlterPartitionError)', () => {
    const r = applyAlterResult(today, pending(), answer({ error: 'OPERATION_NOT_ATTEMPTED', isr: [1, 2, 3], partitionEpoch: 0 }));
    expect(r.context).toMatchObject({ isr: [1, 2, 3], pendingIsr: null, alterInFlight: false, hw: 1 });
  });

  it('S2: while an AlterPartition is unanswered, even one metadata has overtaken, the leader proposes nothing (AlterPartitionManager)', () => {
    // Metadata replaced the proposal; the controller's answer to it is still on its way.
    const overtaken = { ...pending(), pendingIsr: null };
    expect(overtaken.alterInFlight).toBe(true);
    expect(canShrinkIsr(overtaken, 3)).toBe(false);
    const expanding = serveFetch(today, { ...overtaken, isr: [1, 2], hw: 1 }, fetchFrom(3, 2));
    expect(expanding.context.pendingIsr).toBeNull();
    expect(expanding.sent.map((m) => m.kind)).toEqual(['FetchResponse']);
    // Once the answer arrives, proposals may go out again.
    const answered = forgetAlterInFlight(overtaken);
    expect(canShrinkIsr(answered, 3)).toBe(true);
    expect(serveFetch(today, { ...answered, isr: [1, 2], hw: 1 }, fetchFrom(3, 2)).context.pendingIsr).toEqual([1, 2, 3]);
  });
});

describe('taking up leadership (L5, E2, H5)', () => {
  const image = (leader: number, leaderEpoch: number, isr = [1, 2, 3], partitionEpoch = leaderEpoch): MetadataImage => ({
    controllerEpoch: 1,
    registration: { leader, isr, elr: [], lastKnownLeader: -1, leaderEpoch, partitionEpoch },
    brokerEpochs: [1, 1, 1], fenced: [false, false, false], minIsr: 2,
  });
  /** Broker 2, a follower holding two records of epoch 0 with HW 1, which once knew its peers' LEOs. */
  const follower = leaderWith([e(0, 1), e(0, 2)], { leader: 1, hw: 1, remoteLeo: [2, 2, 2] }, 2);

  it('L5/E2 (KAFKA-7415, 2.1): a new leader writes (LE, LEO) to its epoch cache and sets its LESO; 2.0 wrote no entry', () => {
    const r = becomeLeader(today, follower, image(2, 1), 1, false).context;
    expect(r).toMatchObject({ leader: 2, leaderEpoch: 1, leso: 2, knownMetadata: 1 });
    expect(r.cache).toEqual([{ epoch: 0, start: 0 }, { epoch: 1, start: 2 }]);
    expect(becomeLeader(rules({ protocol: 'kafka-2.0' }), follower, image(2, 1), 1, false).context.cache).toEqual([{ epoch: 0, start: 0 }]);
  });

  it('H5: a new leader forgets its followers\' LEOs and keeps its own HW; one named again keeps what it knew', () => {
    const fresh = becomeLeader(today, follower, image(2, 1), 1, false).context;
    expect(fresh.remoteLeo).toEqual([-1, -1, -1]);
    expect(fresh.hw).toBe(1);
    const again = becomeLeader(today, follower, image(2, 1), 1, true).context;
    expect(again.remoteLeo).toEqual([2, 2, 2]);
    expect(again.hw).toBe(2);
  });

  it('P5: one named again keeps its parked acks=all requests and acknowledges those the HW now passes', () => {
    const parked = { ...follower, pendingAcks: [{ value: 1, offset: 0 }, { value: 2, offset: 1 }, { value: 3, offset: 2 }] };
    const again = becomeLeader(today, parked, image(2, 1), 1, true);
    expect(again.context.pendingAcks).toEqual([{ value: 3, offset: 2 }]);
    expect(again.sent).toEqual([
      { kind: 'ProduceAck', value: 1, offset: 0, acks: 'all' }, { kind: 'ProduceAck', value: 2, offset: 1, acks: 'all' },
    ]);
    expect(becomeLeader(today, parked, image(2, 1), 1, false).context.pendingAcks).toEqual([]);
  });

  it('a leader replaying newer metadata adopts its ISR and drops a pending proposal; the same partition epoch keeps its own', () => {
    const leader = leaderWith([e(0, 1)], { isr: [1, 2], pendingIsr: [1, 2, 3] });
    expect(refreshLeaderView(today, leader, image(1, 0, [1, 2, 3], 1), 1).context).toMatchObject({ isr: [1, 2, 3], pendingIsr: null, partitionEpoch: 1 });
    expect(refreshLeaderView(today, leader, image(1, 0, [1], 0), 1).context).toMatchObject({ isr: [1, 2], pendingIsr: [1, 2, 3], partitionEpoch: 0 });
  });
});
