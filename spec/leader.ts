/**
 * What a replica does while it believes it leads: appending for producers (P), serving follower
 * fetches (F4-F7), advancing the high watermark (H1-H3), and proposing ISR changes (S1, S2, X1-X3).
 * Each function takes the context and returns the next one; messages go to the outbox.
 */
import type { ClusterConfig } from './config.ts';
import { effectiveMinIsr } from './config.ts';
import type { AlterPartitionResponse, BrokerId, EpochRequest, FetchError, FetchRequest, MetadataImage } from './types.ts';
import { assignEpoch } from './log.ts';
import { type ReplicaContext, leo, send } from './replica-context.ts';
import { canJoinIsr, divergence, epochAnswer } from './rules.ts';

/** H2: during a pending expansion the ISR plus the newcomer; during a pending shrink the old ISR. */
export function maximalIsr(r: ReplicaContext): readonly BrokerId[] {
  if (r.pendingIsr === null) return r.isr;
  return r.pendingIsr.length > r.isr.length ? r.pendingIsr : r.isr;
}

/**
 * L5/E2/H5: a new leader keeps its local HW, records LESO, writes (LE, LEO) to its epoch cache
 * (KAFKA-7415), forgets every follower's LEO, and re-evaluates the HW.
 */
export function becomeLeader(c: ClusterConfig, r: ReplicaContext, image: MetadataImage, offset: number): ReplicaContext {
  const reg = image.registration;
  const next: ReplicaContext = {
    ...r,
    ...viewOf(image, offset),
    cache: c.epochEntryOnBecomeLeader ? assignEpoch(r.cache, reg.leaderEpoch, leo(r)) : r.cache,
    leso: leo(r),
    remoteLeo: c.mutation === 'remote-leo-survives-epoch' ? r.remoteLeo : r.remoteLeo.map(() => -1),
    remoteBrokerEpoch: c.mutation === 'remote-leo-survives-epoch' ? r.remoteBrokerEpoch : r.remoteBrokerEpoch.map(() => -1),
    pendingIsr: null,
    pendingAcks: [],
    fetchInFlight: false,
    needsEpochQuery: false,
    pendingTruncation: -1,
  };
  return advanceHw(c, next);
}

/** The fields a broker copies from a metadata image it replays. */
export function viewOf(image: MetadataImage, offset: number) {
  const reg = image.registration;
  return {
    knownMetadata: offset,
    leader: reg.leader,
    leaderEpoch: reg.leaderEpoch,
    partitionEpoch: reg.partitionEpoch,
    isr: reg.isr,
    brokerEpochs: image.brokerEpochs,
    fenced: image.fenced,
  };
}

/** A leader replays metadata that keeps it leader in the same epoch: adopt the committed ISR. */
export function refreshLeaderView(c: ClusterConfig, r: ReplicaContext, image: MetadataImage, offset: number): ReplicaContext {
  const newer = image.registration.partitionEpoch > r.partitionEpoch;
  const next = { ...r, ...viewOf(image, offset), pendingIsr: newer ? null : r.pendingIsr };
  return advanceHw(c, newer ? next : { ...next, isr: r.isr, partitionEpoch: r.partitionEpoch });
}

/** P3: acks=all is refused before the append when the committed ISR is below the effective minimum. */
export function lacksMinIsr(c: ClusterConfig, r: ReplicaContext, acks: ClusterConfig['acks']): boolean {
  return acks === 'all' && r.isr.length < effectiveMinIsr(c);
}

/** P2/P4/P5: stamp the record with the leader epoch, ack acks=1 at once, park acks=all. */
export function appendAsLeader(c: ClusterConfig, r: ReplicaContext, value: number, acks: ClusterConfig['acks']): ReplicaContext {
  const offset = leo(r);
  const appended: ReplicaContext = {
    ...r,
    log: r.log.concat({ epoch: r.leaderEpoch, value }),
    cache: assignEpoch(r.cache, r.leaderEpoch, offset),
    flushedTo: c.flushEveryRecord ? offset + 1 : r.flushedTo,
    pendingAcks: acks === 'all' ? r.pendingAcks.concat({ value, offset }) : r.pendingAcks,
  };
  const acked = acks === 1 ? send(appended, { kind: 'ProduceAck', value, offset, acks }) : appended;
  return advanceHw(c, acked);
}

/**
 * H1: with KAFKA-15583 the HW stays put while the committed ISR is below the effective minimum;
 * otherwise it rises to the smallest LEO among the leader and the maximal ISR (an unknown LEO
 * blocks it). It never falls. Rising completes parked acks=all requests (P5).
 */
export function advanceHw(c: ClusterConfig, r: ReplicaContext): ReplicaContext {
  if (c.hwRequiresMinIsr && r.isr.length < effectiveMinIsr(c)) return r;
  let hw = leo(r);
  for (const b of maximalIsr(r)) if (b !== r.id) hw = Math.min(hw, r.remoteLeo[b - 1]);
  return hw > r.hw ? completeAcks(c, { ...r, hw }) : r;
}

/** P5: a parked request below the HW succeeds if the maximal ISR is large enough, else fails. */
function completeAcks(c: ClusterConfig, r: ReplicaContext): ReplicaContext {
  const done = r.pendingAcks.filter((p) => p.offset < r.hw);
  if (done.length === 0) return r;
  const enough = maximalIsr(r).length >= effectiveMinIsr(c);
  const rest = { ...r, pendingAcks: r.pendingAcks.filter((p) => p.offset >= r.hw) };
  if (!enough) return rest; // NOT_ENOUGH_REPLICAS_AFTER_APPEND: the record stays, the producer is told no
  return send(rest, ...done.map((p) => ({ kind: 'ProduceAck' as const, value: p.value, offset: p.offset, acks: 'all' as const })));
}

/** The addressing every fetch response carries back to the fetcher. */
function fetchReply(r: ReplicaContext, req: FetchRequest) {
  return {
    kind: 'FetchResponse' as const, from: r.id, to: req.from, sentInEpoch: req.sentInEpoch,
    toIncarnation: req.brokerEpoch, fetchOffset: req.fetchOffset,
  };
}

function epochReply(r: ReplicaContext, req: EpochRequest) {
  return { kind: 'EpochResponse' as const, from: r.id, to: req.from, sentInEpoch: req.sentInEpoch, toIncarnation: req.brokerEpoch };
}

/** An error answer to a fetch (F2, F3, or a broker that does not lead). */
export function rejectFetch(r: ReplicaContext, req: FetchRequest | EpochRequest, error: FetchError): ReplicaContext {
  if (req.kind === 'EpochRequest') {
    return send(r, { ...epochReply(r, req), error, answer: { epoch: -1, end: -1 } });
  }
  return send(r, {
    ...fetchReply(r, req), error,
    diverging: null, records: [], highWatermark: -1, leaderLeo: leo(r),
  });
}

/** F4 + KAFKA-13141: answer DivergingEpoch; before 3.0 the fetch offset was still recorded. */
export function answerDiverging(c: ClusterConfig, r: ReplicaContext, req: FetchRequest): ReplicaContext {
  const diverging = divergence(c, r, req);
  const answered = send(r, {
    ...fetchReply(r, req), error: null, diverging, records: [], highWatermark: r.hw, leaderLeo: leo(r),
  });
  return c.skipFollowerUpdateOnDiverging ? answered : recordFollowerFetch(c, answered, req);
}

/** F9: a fetch offset past the leader's LEO. */
export function answerOutOfRange(r: ReplicaContext, req: FetchRequest): ReplicaContext {
  return rejectFetch(r, req, 'OFFSET_OUT_OF_RANGE');
}

/**
 * F5-F7: return the records from the fetch offset with the HW as it was *before* this fetch, then
 * record the follower's LEO, try to expand the ISR and advance the HW.
 */
export function serveFetch(c: ClusterConfig, r: ReplicaContext, req: FetchRequest): ReplicaContext {
  const answered = send(r, {
    ...fetchReply(r, req), error: null, diverging: null, records: r.log.slice(req.fetchOffset), highWatermark: r.hw, leaderLeo: leo(r),
  });
  return recordFollowerFetch(c, answered, req);
}

function recordFollowerFetch(c: ClusterConfig, r: ReplicaContext, req: FetchRequest): ReplicaContext {
  const i = req.from - 1;
  const updated: ReplicaContext = {
    ...r,
    remoteLeo: r.remoteLeo.with(i, req.fetchOffset),
    remoteBrokerEpoch: r.remoteBrokerEpoch.with(i, req.brokerEpoch),
  };
  const expanded = r.pendingIsr === null && canJoinIsr(c, updated, req.from)
    ? proposeIsr(updated, [...updated.isr, req.from].sort((a, b) => a - b))
    : updated;
  return advanceHw(c, expanded);
}

/** KIP-101/KIP-279: answer OffsetsForLeaderEpoch from the epoch cache. */
export function answerEpochQuery(c: ClusterConfig, r: ReplicaContext, req: EpochRequest): ReplicaContext {
  return send(r, {
    ...epochReply(r, req), error: null, answer: epochAnswer(c, r, req.epoch),
  });
}

/** S1 abstracted: a follower is out of sync when its last fetched LEO is not the leader's LEO. */
export function canShrinkIsr(r: ReplicaContext, follower: BrokerId): boolean {
  return r.pendingIsr === null && follower !== r.id && r.isr.includes(follower) && r.remoteLeo[follower - 1] !== leo(r);
}

export function proposeShrink(c: ClusterConfig, r: ReplicaContext, follower: BrokerId): ReplicaContext {
  return advanceHw(c, proposeIsr(r, r.isr.filter((b) => b !== follower)));
}

/** S2/X3: one AlterPartition in flight, carrying the broker epochs the leader saw (KIP-903). */
function proposeIsr(r: ReplicaContext, isr: readonly BrokerId[]): ReplicaContext {
  return send({ ...r, pendingIsr: isr }, {
    kind: 'AlterPartition', from: r.id, to: 0, leaderEpoch: r.leaderEpoch, partitionEpoch: r.partitionEpoch,
    isr, memberEpochs: isr.map((b) => (b === r.id ? r.incarnation : r.remoteBrokerEpoch[b - 1])),
  });
}

/**
 * A response answers the proposal in flight only if that proposal is still pending: metadata or a
 * new leadership may have replaced it since, and then the response is out of date and ignored.
 */
export function answersPendingProposal(r: ReplicaContext, res: AlterPartitionResponse): boolean {
  const p = r.pendingIsr;
  return p !== null && res.proposedAtEpoch === r.partitionEpoch && p.length === res.proposedIsr.length &&
    p.every((b, i) => b === res.proposedIsr[i]);
}

/** H3: a committed change replaces the ISR and is re-evaluated; an error rolls the proposal back. */
export function applyAlterResult(c: ClusterConfig, r: ReplicaContext, res: AlterPartitionResponse): ReplicaContext {
  if (res.error !== null || res.partitionEpoch <= r.partitionEpoch) return { ...r, pendingIsr: null };
  return advanceHw(c, { ...r, pendingIsr: null, isr: res.isr, partitionEpoch: res.partitionEpoch });
}
