/**
 * What a replica does while it believes it leads: appending for producers (P2-P5), serving
 * follower fetches (F4-F7), advancing the high watermark (H1-H3), and proposing ISR changes
 * (S1, S2, X1-X3). Each function takes the rules and the context and returns the next context,
 * with the messages it sends when it sends any (a `Reaction`).
 */
import type {
  AlterPartitionResponse, BrokerId, Entry, EpochEndOffset, EpochRequest, EpochResponse, FetchError, FetchRequest, FetchResponse, MetadataImage,
  ProduceErrorCode, ProducerBatch,
} from './types.ts';
import { assignEpoch } from './log.ts';
import { type Draft, type Reaction, type ReplicaContext, draft, leo, quiet, sending, andThen } from './replica-context.ts';
import { type Rules, canJoinIsr, effectiveMinIsrOf } from './rules.ts';

/**
 * H2: the ISR the HW and acks count. With KIP-497's maximal ISR, during a pending expansion the
 * ISR plus the newcomer and during a pending shrink the old ISR; without it, the proposal.
 */
export function maximalIsr(k: Rules, r: ReplicaContext): readonly BrokerId[] {
  if (r.pendingIsr === null) return r.isr;
  if (k.hwIsr === 'proposed') return r.pendingIsr;
  return r.pendingIsr.length > r.isr.length ? r.pendingIsr : r.isr;
}

/**
 * L5/E2/H5: a new leader keeps its local HW, records LESO, writes (LE, LEO) to its epoch cache
 * (KAFKA-7415), forgets every follower's LEO, and re-evaluates the HW. A replica that already led
 * (named again in a newer epoch) keeps what it knew of its followers, as Partition.makeLeader
 * resets follower state only for a new leader, and its parked acks=all requests (P5): nothing
 * fails a DelayedProduce while its broker leads, and they complete once the HW passes them.
 */
export function becomeLeader(k: Rules, r: ReplicaContext, image: MetadataImage, offset: number, wasLeader: boolean): Reaction<ReplicaContext> {
  const reg = image.registration;
  const forget = k.newLeader.forgetsFollowers && !wasLeader;
  const next = viewing(r, image, offset);
  next.cache = k.newLeader.writesEpochEntry ? assignEpoch(r.cache, reg.leaderEpoch, leo(r)) : r.cache;
  next.leso = leo(r);
  next.remoteLeo = forget ? allUnknown(r.remoteLeo) : r.remoteLeo;
  next.remoteBrokerEpoch = forget ? allUnknown(r.remoteBrokerEpoch) : r.remoteBrokerEpoch;
  next.pendingIsr = null;
  next.pendingAcks = wasLeader ? r.pendingAcks : [];
  next.fetchOutAtEpoch = -1;
  next.needsEpochQuery = false;
  next.pendingTruncation = -1;
  return advanceHw(k, next);
}

/** A copy of `r` with the fields a broker copies from a metadata image it replays. */
export function viewing(r: ReplicaContext, image: MetadataImage, offset: number): Draft {
  const reg = image.registration;
  const next = draft(r);
  next.knownMetadata = offset;
  next.controllerEpoch = image.controllerEpoch;
  next.leader = reg.leader;
  next.leaderEpoch = reg.leaderEpoch;
  next.partitionEpoch = reg.partitionEpoch;
  next.isr = reg.isr;
  next.brokerEpochs = image.brokerEpochs;
  next.fenced = image.fenced;
  next.minIsr = image.minIsr;
  return next;
}

/** Every entry -1 (unknown): `xs` itself when it already is, else a new array of its length. */
export function allUnknown(xs: readonly number[]): readonly number[] {
  for (let i = 0; i < xs.length; i++) if (xs[i] !== -1) return new Array<number>(xs.length).fill(-1);
  return xs;
}

/** A leader replays metadata that keeps it leader in the same epoch: adopt the committed ISR. */
export function refreshLeaderView(k: Rules, r: ReplicaContext, image: MetadataImage, offset: number): Reaction<ReplicaContext> {
  const newer = image.registration.partitionEpoch > r.partitionEpoch;
  const next = viewing(r, image, offset);
  if (newer) {
    next.pendingIsr = null;
  } else {
    next.isr = r.isr;
    next.partitionEpoch = r.partitionEpoch;
  }
  return advanceHw(k, next);
}

/** P3: acks=all is refused before the append when the committed ISR is below the effective minimum. */
export function lacksMinIsr(k: Rules, r: ReplicaContext, acks: Rules['acks']): boolean {
  return acks === 'all' && r.isr.length < effectiveMinIsrOf(k, r.minIsr);
}

/** The record a leader appends: the value in its leader epoch, with the producer's epoch and sequence when the batch has them (P9). */
function entryOf(leaderEpoch: number, value: number, batch: ProducerBatch | undefined): Entry {
  if (batch === undefined) return { epoch: leaderEpoch, value };
  return { epoch: leaderEpoch, value, producerEpoch: batch.producerEpoch, sequence: batch.sequence };
}

/** P2/P4/P5: stamp the record with the leader epoch, ack acks=1 at once, park acks=all. */
export function appendAsLeader(k: Rules, r: ReplicaContext, value: number, acks: Rules['acks'], batch?: ProducerBatch): Reaction<ReplicaContext> {
  const offset = leo(r);
  const appended = draft(r);
  appended.log = r.log.concat(entryOf(r.leaderEpoch, value, batch));
  appended.cache = assignEpoch(r.cache, r.leaderEpoch, offset);
  appended.flushedTo = k.flushEveryRecord ? offset + 1 : r.flushedTo;
  appended.pendingAcks = acks === 'all' ? r.pendingAcks.concat({ value, offset }) : r.pendingAcks;
  const acked = acks === 1 ? sending(appended, { kind: 'ProduceAck', value, offset, acks }) : quiet(appended);
  return andThen(acked, advanceHw(k, acked.context));
}

/**
 * P9 (`UnifiedLog.analyzeAndValidateProducerState` returns the duplicate's metadata;
 * `Partition.appendRecordsToLeader` still calls `maybeIncrementLeaderHW`): nothing is appended; the
 * answer names the offset the batch already has, at once for acks=1, and for acks=all once the HW
 * passes it (a request already parked for it is not parked twice). The HW is computed again.
 */
export function answerDuplicate(k: Rules, r: ReplicaContext, value: number, offset: number, acks: Rules['acks']): Reaction<ReplicaContext> {
  if (acks === 1) return andThen(sending(r, { kind: 'ProduceAck', value, offset, acks }), advanceHw(k, r));
  if (acks === 0) return advanceHw(k, r);
  const waiting = draft(r);
  if (!r.pendingAcks.some((p) => p.value === value && p.offset === offset)) waiting.pendingAcks = r.pendingAcks.concat({ value, offset });
  const advanced = advanceHw(k, waiting);
  return andThen(advanced, completeAcks(k, advanced.context));
}

/** P10: the leader refuses a batch out of sequence; the error reaches a producer that retries. */
export function rejectSequence(r: ReplicaContext, value: number, error: ProduceErrorCode): Reaction<ReplicaContext> {
  return sending(r, { kind: 'ProduceError', value, error });
}

/**
 * H1: with KAFKA-15583 the HW stays put while the committed ISR is below the effective minimum;
 * otherwise it rises to the smallest LEO among the leader and the maximal ISR (an unknown LEO
 * blocks it). It never falls. Rising completes parked acks=all requests (P5).
 */
export function advanceHw(k: Rules, r: ReplicaContext): Reaction<ReplicaContext> {
  if (k.hwRequiresMinIsr && r.isr.length < effectiveMinIsrOf(k, r.minIsr)) return quiet(r);
  let hw = leo(r);
  for (const b of maximalIsr(k, r)) if (b !== r.id) hw = Math.min(hw, r.remoteLeo[b - 1]);
  if (hw <= r.hw) return quiet(r);
  const next = draft(r);
  next.hw = hw;
  return completeAcks(k, next);
}

/** P5: a parked request below the HW succeeds if the maximal ISR is large enough, else fails. */
function completeAcks(k: Rules, r: ReplicaContext): Reaction<ReplicaContext> {
  const done = r.pendingAcks.filter((p) => p.offset < r.hw);
  if (done.length === 0) return quiet(r);
  const enough = maximalIsr(k, r).length >= effectiveMinIsrOf(k, r.minIsr);
  const rest = draft(r);
  rest.pendingAcks = r.pendingAcks.filter((p) => p.offset >= r.hw);
  if (!enough) return quiet(rest); // NOT_ENOUGH_REPLICAS_AFTER_APPEND: the record stays, the producer is told no
  return sending(rest, ...done.map((p) => ({ kind: 'ProduceAck' as const, value: p.value, offset: p.offset, acks: 'all' as const })));
}

/** The addressing every fetch response carries back to the fetcher. */
/**
 * A fetch response with the addressing every one carries back to the fetcher, written as one
 * literal (not a spread of the addressing) so every response has one hidden class.
 */
function fetchReply(
  r: ReplicaContext, req: FetchRequest, error: FetchError | null, diverging: EpochEndOffset | null, records: readonly Entry[], highWatermark: number,
): FetchResponse {
  return {
    kind: 'FetchResponse', from: r.id, to: req.from, sentInEpoch: req.sentInEpoch, toIncarnation: req.brokerEpoch, fetchOffset: req.fetchOffset,
    error, diverging, records, highWatermark, leaderLeo: leo(r),
  };
}

/** An OffsetsForLeaderEpoch answer, addressed back to the fetcher, as one literal. */
function epochReply(r: ReplicaContext, req: EpochRequest, error: FetchError | null, answer: EpochEndOffset): EpochResponse {
  return { kind: 'EpochResponse', from: r.id, to: req.from, sentInEpoch: req.sentInEpoch, toIncarnation: req.brokerEpoch, error, answer };
}

/** An error answer to a fetch (F2, F3, or a broker that does not lead). */
export function rejectFetch(r: ReplicaContext, req: FetchRequest | EpochRequest, error: FetchError): Reaction<ReplicaContext> {
  if (req.kind === 'EpochRequest') {
    return sending(r, epochReply(r, req, error, { epoch: -1, end: -1 }));
  }
  return sending(r, fetchReply(r, req, error, null, [], -1));
}

/** F4 + KAFKA-13141: answer DivergingEpoch; before 3.0 the fetch offset was still recorded. */
export function answerDiverging(k: Rules, r: ReplicaContext, req: FetchRequest): Reaction<ReplicaContext> {
  const diverging = k.truncation.divergence(r, req);
  const answered = sending(r, fetchReply(r, req, null, diverging, [], r.hw));
  return k.fetch.divergingSkipsFollowerUpdate ? answered : andThen(answered, recordFollowerFetch(k, answered.context, req));
}

/** F9: a fetch offset past the leader's LEO. */
export function answerOutOfRange(r: ReplicaContext, req: FetchRequest): Reaction<ReplicaContext> {
  return rejectFetch(r, req, 'OFFSET_OUT_OF_RANGE');
}

/**
 * F5-F7: return the records from the fetch offset with the HW as it was *before* this fetch, then
 * record the follower's LEO, try to expand the ISR and advance the HW.
 */
export function serveFetch(k: Rules, r: ReplicaContext, req: FetchRequest): Reaction<ReplicaContext> {
  const answered = sending(r, fetchReply(r, req, null, null, r.log.slice(req.fetchOffset), r.hw));
  return andThen(answered, recordFollowerFetch(k, answered.context, req));
}

function recordFollowerFetch(k: Rules, r: ReplicaContext, req: FetchRequest): Reaction<ReplicaContext> {
  const i = req.from - 1;
  const updated = draft(r);
  updated.remoteLeo = r.remoteLeo.with(i, req.fetchOffset);
  updated.remoteBrokerEpoch = r.remoteBrokerEpoch.with(i, req.brokerEpoch);
  const expanded = r.pendingIsr === null && !r.alterInFlight && canJoinIsr(k, updated, req.from)
    ? proposeIsr(updated, [...updated.isr, req.from].sort((a, b) => a - b))
    : quiet(updated);
  return andThen(expanded, advanceHw(k, expanded.context));
}

/** KIP-101/KIP-279: answer OffsetsForLeaderEpoch from the epoch cache. */
export function answerEpochQuery(k: Rules, r: ReplicaContext, req: EpochRequest): Reaction<ReplicaContext> {
  return sending(r, epochReply(r, req, null, k.truncation.epochAnswer(r, req.epoch)));
}

/**
 * S1 abstracted: a follower is out of sync when its last fetched LEO is not the leader's LEO. S2:
 * while an earlier AlterPartition is unanswered, AlterPartitionManager.submit refuses the shrink
 * (OPERATION_NOT_ATTEMPTED) and the leader stays at its committed ISR, so nothing happens.
 */
export function canShrinkIsr(r: ReplicaContext, follower: BrokerId): boolean {
  return r.pendingIsr === null && !r.alterInFlight && follower !== r.id && r.isr.includes(follower) && r.remoteLeo[follower - 1] !== leo(r);
}

export function proposeShrink(k: Rules, r: ReplicaContext, follower: BrokerId): Reaction<ReplicaContext> {
  const proposed = proposeIsr(r, r.isr.filter((b) => b !== follower));
  return andThen(proposed, advanceHw(k, proposed.context));
}

/** S2/X3: one AlterPartition in flight, carrying the broker epochs the leader saw (KIP-903). */
function proposeIsr(r: ReplicaContext, isr: readonly BrokerId[]): Reaction<ReplicaContext> {
  const next = draft(r);
  next.pendingIsr = isr;
  next.alterInFlight = true;
  return sending(next, {
    kind: 'AlterPartition', from: r.id, to: 0, leaderEpoch: r.leaderEpoch, partitionEpoch: r.partitionEpoch,
    isr, memberEpochs: isr.map((b) => (b === r.id ? r.incarnation : r.remoteBrokerEpoch[b - 1])), brokerEpoch: r.incarnation,
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

/**
 * The errors Partition.handleAlterPartitionError gives up on; it resubmits the proposal on any
 * other (NOT_CONTROLLER among them), and rolls back to the committed ISR on the first two.
 */
const GIVES_UP: ReadonlySet<string> = new Set([
  'OPERATION_NOT_ATTEMPTED', 'INELIGIBLE_REPLICA', 'UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID', 'FENCED_LEADER_EPOCH',
  'INVALID_UPDATE_VERSION', 'INVALID_REQUEST', 'NEW_LEADER_ELECTED',
]);
const ROLLS_BACK: ReadonlySet<string> = new Set(['OPERATION_NOT_ATTEMPTED', 'INELIGIBLE_REPLICA']);

/** S2: the controller has answered this broker's AlterPartition; another may be sent. */
export function forgetAlterInFlight(r: ReplicaContext): ReplicaContext {
  if (!r.alterInFlight) return r;
  const next = draft(r);
  next.alterInFlight = false;
  return next;
}

/**
 * H3/X3: an accepted change replaces the ISR and the HW is computed again. INELIGIBLE_REPLICA (or
 * OPERATION_NOT_ATTEMPTED, what an older controller answers instead) says the change was not applied and the partition epoch is current, so the proposal is rolled back
 * to the committed ISR (and the HW is not computed again). An error outside Partition's handled
 * set is retried: the proposal is sent again (with the broker epochs the leader knows now).
 * Any other error, or an answer for an older leader or partition epoch, leaves the proposal
 * pending until metadata replaces it.
 */
export function applyAlterResult(k: Rules, answered: ReplicaContext, res: AlterPartitionResponse): Reaction<ReplicaContext> {
  if (res.error !== null && !GIVES_UP.has(res.error)) return proposeIsr(answered, answered.pendingIsr!);
  const r = forgetAlterInFlight(answered);
  const rejected = res.error !== null && ROLLS_BACK.has(res.error);
  if (!rejected && (res.error !== null || res.leaderEpoch !== r.leaderEpoch || res.partitionEpoch < r.partitionEpoch)) return quiet(r);
  const next = draft(r);
  next.pendingIsr = null;
  if (rejected) return quiet(next);
  next.isr = res.isr;
  next.partitionEpoch = res.partitionEpoch;
  return advanceHw(k, next);
}
