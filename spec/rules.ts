/**
 * The rules that differ between protocol versions, each a pure function of the configuration:
 * where a follower truncates (§1.7), what a leader answers about an epoch, how fetches are fenced
 * (F2, F3, F4), and who may join the ISR (X2). Machines call these by name and never test a
 * version themselves.
 */
import type { ClusterConfig } from './config.ts';
import { isObserver } from './config.ts';
import type { EpochEndOffset, FetchError, FetchRequest } from './types.ts';
import { endOffsetForEpoch, kip101EndOffset, latestEpoch } from './log.ts';
import { type ReplicaContext, leo } from './replica-context.ts';

/** How a follower starts following a new leader (T0-T3). */
export type FollowStart = 'truncateToHw' | 'askLeaderEpoch' | 'fetchDirectly';

/**
 * T0 truncates to the local HW; T1/T2 ask the leader with OffsetsForLeaderEpoch first (or fall back
 * to the HW when the follower knows no epoch); T3 fetches and lets the leader spot divergence.
 */
export function followStart(c: ClusterConfig, r: ReplicaContext): FollowStart {
  if (c.truncation === 'diverging-epoch') return 'fetchDirectly';
  if (c.truncation === 'hw' || r.cache.length === 0) return 'truncateToHw';
  return 'askLeaderEpoch';
}

/** Whether a metadata change makes a follower start over (KAFKA-7164 added epoch-only changes). */
export function mustRestartFollowing(c: ClusterConfig, r: ReplicaContext, leader: number, epoch: number): boolean {
  if (r.knownMetadata < 0) return true;
  return leader !== r.leader || (c.truncateOnEveryEpochChange && epoch !== r.leaderEpoch);
}

/** The leader's answer to OffsetsForLeaderEpoch(`requested`): KIP-101's, or LEFC `endOffsetFor`. */
export function epochAnswer(c: ClusterConfig, leader: ReplicaContext, requested: number): EpochEndOffset {
  return c.truncation === 'kip101'
    ? kip101EndOffset(leader.cache, leo(leader), requested)
    : endOffsetForEpoch(leader.cache, leo(leader), requested);
}

/** Where a follower truncates, and whether it is done (AFT `getOffsetTruncationState`). */
export interface TruncationStep {
  readonly offset: number;
  readonly done: boolean;
}

/**
 * Given the leader's (epoch, end offset): KIP-101 truncates to `min(end, LEO)`; from KIP-279 on,
 * a follower that lacks the leader's epoch truncates to the end of its own largest epoch below it
 * and asks again, and otherwise truncates to `min(leader end, own end for that epoch)`. An
 * undefined answer falls back to the local high watermark.
 */
export function truncationFor(c: ClusterConfig, r: ReplicaContext, answer: EpochEndOffset): TruncationStep {
  const ownLeo = leo(r);
  if (answer.end < 0) return { offset: Math.min(r.hw, ownLeo), done: true };
  if (c.truncation === 'kip101' || answer.epoch < 0) return { offset: Math.min(answer.end, ownLeo), done: true };
  const own = endOffsetForEpoch(r.cache, ownLeo, answer.epoch);
  if (own.end < 0) return { offset: Math.min(answer.end, ownLeo), done: true };
  if (own.epoch !== answer.epoch) return { offset: Math.min(own.end, ownLeo), done: false };
  return { offset: Math.min(answer.end, own.end, ownLeo), done: true };
}

/** F2: a request's leader epoch against the serving replica's (only when requests carry one). */
export function epochFencing(c: ClusterConfig, r: ReplicaContext, requestEpoch: number): FetchError | null {
  if (!c.fetchCarriesLeaderEpoch || requestEpoch < 0) return null;
  if (requestEpoch < r.leaderEpoch) return 'FENCED_LEADER_EPOCH';
  if (requestEpoch > r.leaderEpoch) return 'UNKNOWN_LEADER_EPOCH';
  return null;
}

/** F3 (KIP-903): a fetch from an older incarnation than the registered one is refused. */
export function isStaleIncarnation(c: ClusterConfig, r: ReplicaContext, req: FetchRequest): boolean {
  return c.isrEligibilityChecksBrokerState && req.brokerEpoch < r.brokerEpochs[req.from - 1];
}

/**
 * F4 divergence check, used from the diverging-epoch generation on: the leader's end offset for
 * the follower's last fetched epoch; diverging when that epoch is unknown or ends below the
 * fetch offset. Returns null when the logs agree so far.
 */
export function divergence(c: ClusterConfig, leader: ReplicaContext, req: FetchRequest): EpochEndOffset | null {
  if (c.truncation !== 'diverging-epoch' || req.lastFetchedEpoch < 0) return null;
  const found = endOffsetForEpoch(leader.cache, leo(leader), req.lastFetchedEpoch);
  return found.epoch < req.lastFetchedEpoch || found.end < req.fetchOffset ? found : null;
}

/** The epoch a follower reports as its last fetched one (T3 only; -1 means "none sent"). */
export function lastFetchedEpoch(c: ClusterConfig, r: ReplicaContext): number {
  return c.truncation === 'diverging-epoch' ? latestEpoch(r.cache) : -1;
}

/**
 * X2: a follower joins the ISR when it is not an observer, its LEO has reached the leader's HW
 * (and, from KAFKA-7128, the leader's epoch start offset), and, with KIP-841/903, the leader's
 * metadata shows it unfenced at the broker epoch it fetched with. No lag-time condition.
 */
export function canJoinIsr(c: ClusterConfig, leader: ReplicaContext, follower: number): boolean {
  const followerLeo = leader.remoteLeo[follower - 1];
  if (isObserver(c, follower) || leader.isr.includes(follower)) return false;
  const caughtUp = c.mutation === 'isr-join-ignores-hw' ? followerLeo >= 0 : followerLeo >= leader.hw;
  if (!caughtUp || (c.isrJoinRequiresLeso && followerLeo < leader.leso)) return false;
  if (!c.isrEligibilityChecksBrokerState) return true;
  const i = follower - 1;
  return !leader.fenced[i] && leader.remoteBrokerEpoch[i] === leader.brokerEpochs[i];
}
