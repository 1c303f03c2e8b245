/**
 * The clients: a producer that sends values 1, 2, … to whichever broker believes it leads (so a
 * deposed leader that has not heard yet still takes writes), and one consumer as Kafka's
 * `KafkaConsumer` reads one partition (C1-C6). Acks reach the ghost through the cluster; reads and
 * resets are recorded here.
 *
 * The consumer keeps a fetch position as Kafka's `SubscriptionState.FetchPosition` does: the next
 * offset, the epoch of the last record consumed, and the leader and leader epoch its metadata
 * names. Its requests are synchronous steps (a request and its answer in one step):
 *   - `ConsumerFetch`: fetch at the position from the preferred read replica if it has one, else
 *     from the leader its metadata names; with KIP-320's consumer side the fetch carries its leader
 *     epoch and is fenced like a follower's (C4, F2). One record, or OFFSET_OUT_OF_RANGE (C1, C3).
 *   - `ConsumerRefreshMetadata`: learn a newer leader epoch from a broker's metadata (Kafka's
 *     `Metadata` ignores older ones); with KIP-320 the position must then be validated (C5).
 *   - `ConsumerValidatePosition`: OffsetsForLeaderEpoch against the leader for the epoch of the
 *     last record consumed; a truncated log resets the position or stops the consumer (C5).
 *   - `LeaderSelectReadReplica`: KIP-392, the leader names a follower to read from (C2);
 *     `ConsumerExpireReadReplica`: that choice expires (metadata.max.age.ms) and the consumer
 *     returns to the leader.
 * A request that would be refused (fenced, not the leader) or answered empty changes nothing the
 * consumer keeps, so it is not a step of its own.
 *
 * The producer's retries and idempotence, when a configuration gives it retries, are in
 * spec/producer.ts (P8-P13); without them each value is sent once.
 *
 * Abstracted away: consumer groups and committed offsets, `read_committed`, and the
 * OFFSET_NOT_AVAILABLE a leader answers to ListOffsets(latest) while its HW is below its epoch
 * start offset (the model's consumer takes that HW as it is, which can only make it read records
 * again).
 */
import { type Rules, epochFencing } from './rules.ts';
import { type BrokerId, type Registration, NO_LEADER } from './types.ts';
import type { ClusterState } from './cluster.ts';
import { copyState, withField } from './state.ts';
import { type ReplicaContext, leo } from './replica-context.ts';
import { recordRead, recordReset } from './ghost.ts';

/** Fetching; waiting to validate its position after a leader change (C5); or stopped by an exception. */
export type ConsumerPhase = 'fetching' | 'validating' | 'stopped';

export interface ConsumerState {
  /** The next offset to read (`FetchPosition.offset`); -1 without a consumer. */
  readonly position: number;
  /** The epoch of the last record consumed (`FetchPosition.offsetEpoch`); -1 when unknown. */
  readonly positionEpoch: number;
  /** The leader and leader epoch the consumer's metadata names (`FetchPosition.currentLeader`). */
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  /** KIP-392: the follower the leader told it to read from, or NO_LEADER to read from the leader. */
  readonly readReplica: BrokerId;
  readonly phase: ConsumerPhase;
}

export const NO_CONSUMER: ConsumerState = {
  position: -1, positionEpoch: -1, leader: NO_LEADER, leaderEpoch: -1, readReplica: NO_LEADER, phase: 'stopped',
};

/** The consumer starts at offset 0 knowing the first leader, as brokers do (or there is none). */
export function startConsumer(k: Rules, reg: Registration): ConsumerState {
  if (!k.consumer.enabled) return NO_CONSUMER;
  return { position: 0, positionEpoch: -1, leader: reg.leader, leaderEpoch: reg.leaderEpoch, readReplica: NO_LEADER, phase: 'fetching' };
}

/** C4: the leader epoch the consumer's requests carry; -1 (none) before KIP-320's consumer side (2.3). */
function sentEpoch(k: Rules, c: ConsumerState): number {
  return k.consumer.validatesEpoch ? c.leaderEpoch : -1;
}

/**
 * C5: does the consumer validate its position after a leader change? Only from KIP-320's consumer
 * side on, and only against brokers that understand leader epochs (`maybeValidatePositionForCurrentLeader`
 * checks the leader's ApiVersions and otherwise skips validation).
 */
export function validatesPosition(k: Rules): boolean {
  return k.consumer.validatesEpoch && k.fetch.carriesLeaderEpoch;
}

/** C1/C2: where the consumer fetches: its preferred read replica if it has one, else its leader. */
export function fetchTarget(c: ConsumerState): BrokerId {
  return c.readReplica !== NO_LEADER ? c.readReplica : c.leader;
}

/**
 * C1/C3/C4: does broker `b` answer the consumer at all? A replica that believes it leads does; a
 * follower only for a consumer with rack metadata (KIP-392, `followerReads`), and only once it has
 * replayed metadata after a restart; either one only at the consumer's leader epoch when the
 * request carries one (F2).
 */
function answersConsumer(k: Rules, s: ClusterState, b: BrokerId): boolean {
  const slot = s.replicas[b - 1];
  const follows = slot.role === 'follower' && slot.context.knownMetadata >= 0 && k.consumer.followerReads;
  const serves = slot.role === 'leader' || follows;
  return serves && epochFencing(k, slot.context, sentEpoch(k, s.consumer)) === null;
}

/**
 * C1/C3: a fetch at the position returns a record when the position is below the replica's HW and
 * fails with OFFSET_OUT_OF_RANGE past its LEO; in between the answer is empty (not a step).
 */
export function canConsumerFetch(k: Rules, s: ClusterState, b: BrokerId): boolean {
  const c = s.consumer;
  if (c.phase !== 'fetching' || b !== fetchTarget(c) || !answersConsumer(k, s, b)) return false;
  const r = s.replicas[b - 1].context;
  return c.position < r.hw || c.position > leo(r);
}

/** Reads the record at the position from broker `b`, or handles its OFFSET_OUT_OF_RANGE. */
export function consumerFetch(k: Rules, s: ClusterState, b: BrokerId): ClusterState {
  const r = s.replicas[b - 1].context;
  const c = s.consumer;
  if (c.position > leo(r)) return outOfRange(k, s, r);
  const entry = r.log[c.position];
  const consumer = { ...c, position: c.position + 1, positionEpoch: entry.epoch };
  const next = copyState(s);
  next.consumer = consumer;
  next.ghost = recordRead(s.ghost, b, c.position, entry);
  return next;
}

/**
 * C3 (`FetchCollector.handleInitializeErrors`): OFFSET_OUT_OF_RANGE from a preferred read replica
 * only clears it, and the consumer retries at the leader without resetting; from the leader it
 * applies auto.offset.reset.
 */
function outOfRange(k: Rules, s: ClusterState, server: ReplicaContext): ClusterState {
  if (s.consumer.readReplica !== NO_LEADER) return withField(s, 'consumer', { ...s.consumer, readReplica: NO_LEADER });
  return resetPosition(k, s, server);
}

/**
 * C6: auto.offset.reset, told to the application (a signalled reset): `earliest` is the log start
 * (0), `latest` the leader's HW (what ListOffsets answers for read_uncommitted), and with `none`
 * the consumer stops with OffsetOutOfRangeException (or LogTruncationException).
 */
function resetPosition(k: Rules, s: ClusterState, leader: ReplicaContext): ClusterState {
  const policy = k.consumer.autoOffsetReset;
  if (policy === 'none') return stopConsumer(s);
  const [position, positionEpoch] = policy === 'earliest' ? [0, -1] : [leader.hw, leader.leaderEpoch];
  const next = copyState(s);
  next.consumer = { ...s.consumer, position, positionEpoch, phase: 'fetching' };
  next.ghost = recordReset(s.ghost);
  return next;
}

function stopConsumer(s: ClusterState): ClusterState {
  return withField(s, 'consumer', { ...s.consumer, phase: 'stopped' });
}

/** A running broker whose metadata names a leader in a newer epoch than the consumer knows. */
export function canConsumerRefreshMetadata(s: ClusterState, b: BrokerId): boolean {
  const c = s.consumer;
  const slot = s.replicas[b - 1];
  if (c.phase === 'stopped' || slot.role === 'offline') return false;
  const r = slot.context;
  return r.knownMetadata >= 0 && r.leader !== NO_LEADER && r.leaderEpoch > c.leaderEpoch;
}

/**
 * C5 (`SubscriptionState.maybeValidatePosition`): the consumer adopts broker `b`'s leader and
 * epoch; with KIP-320 it forgets its preferred read replica and validates its position before it
 * fetches again, unless it knows no epoch for the position (KAFKA-9840).
 */
export function consumerRefreshMetadata(k: Rules, s: ClusterState, b: BrokerId): ClusterState {
  const r = s.replicas[b - 1].context;
  const c = s.consumer;
  const validates = validatesPosition(k);
  const phase = validates && c.positionEpoch >= 0 ? 'validating' : c.phase;
  const readReplica = validates ? NO_LEADER : c.readReplica;
  return withField(s, 'consumer', { ...c, leader: r.leader, leaderEpoch: r.leaderEpoch, readReplica, phase });
}

/** C5/C4: OffsetsForLeaderEpoch goes to the leader the consumer knows, which must lead in its epoch. */
export function canConsumerValidate(k: Rules, s: ClusterState, b: BrokerId): boolean {
  const c = s.consumer;
  if (c.phase !== 'validating' || b !== c.leader || s.replicas[b - 1].role !== 'leader') return false;
  return epochFencing(k, s.replicas[b - 1].context, c.leaderEpoch) === null;
}

/**
 * C5 (`SubscriptionState.maybeCompleteValidation`): the leader's end offset for the epoch of the
 * last record consumed. Below the position, the log was truncated: reset to that offset (signalled)
 * when auto.offset.reset is set, else stop with LogTruncationException. An undefined answer
 * resets by auto.offset.reset; otherwise the position is valid.
 */
export function consumerValidatePosition(k: Rules, s: ClusterState, b: BrokerId): ClusterState {
  const leader = s.replicas[b - 1].context;
  const c = s.consumer;
  const answer = k.truncation.epochAnswer(leader, c.positionEpoch);
  if (answer.end < 0 || answer.epoch < 0) return resetPosition(k, s, leader);
  if (answer.end >= c.position) return withField(s, 'consumer', { ...c, phase: 'fetching' });
  if (k.consumer.autoOffsetReset === 'none') return stopConsumer(s);
  const consumer = { ...c, position: answer.end, positionEpoch: answer.epoch, phase: 'fetching' as const };
  const next = copyState(s);
  next.consumer = consumer;
  next.ghost = recordReset(s.ghost);
  return next;
}

/**
 * C2 (`ReplicaManager.findPreferredReadReplica`): a follower whose log, as the leader last saw it,
 * covers the position; since KAFKA-14372 (3.4) it must also be in the leader's ISR.
 */
export function isReadReplicaCandidate(k: Rules, leader: ReplicaContext, f: BrokerId, position: number): boolean {
  if (f === leader.id || leader.remoteLeo[f - 1] < position) return false;
  return !k.consumer.followerReadsIsrOnly || leader.isr.includes(f);
}

/** C2: the consumer fetches from its leader, which answers it and may name a read replica instead of serving. */
export function canLeaderSelectReadReplica(k: Rules, s: ClusterState, b: BrokerId, f: BrokerId): boolean {
  const c = s.consumer;
  if (!k.consumer.followerReads || c.phase !== 'fetching' || c.readReplica !== NO_LEADER || b !== c.leader) return false;
  const slot = s.replicas[b - 1];
  return slot.role === 'leader' && answersConsumer(k, s, b) && isReadReplicaCandidate(k, slot.context, f, c.position);
}

/** C2: the leader's answer names follower `f`; the consumer fetches from it from now on. */
export function leaderSelectReadReplica(s: ClusterState, f: BrokerId): ClusterState {
  return withField(s, 'consumer', { ...s.consumer, readReplica: f });
}

/** C2: a preferred read replica the consumer may forget (its choice expires after metadata.max.age.ms). */
export function canConsumerExpireReadReplica(s: ClusterState): boolean {
  return s.consumer.readReplica !== NO_LEADER && s.consumer.phase !== 'stopped';
}

export function consumerExpireReadReplica(s: ClusterState): ClusterState {
  return withField(s, 'consumer', { ...s.consumer, readReplica: NO_LEADER });
}
