/**
 * What a replica does while it follows: starting to follow a new leader (truncation by
 * generation, T0-T3), sending fetches (F1) and OffsetsForLeaderEpoch, and handling the answers
 * (F8, F9).
 */
import type { EpochResponse, FetchResponse, MetadataImage } from './types.ts';
import { NO_LEADER } from './types.ts';
import { appendEntries, latestEpoch } from './log.ts';
import { type Reaction, type ReplicaContext, leo, sending, truncateTo } from './replica-context.ts';
import { allUnknown, viewing } from './leader.ts';
import { type Rules, mustRestartFollowing } from './rules.ts';

/**
 * L5 and T0-T3: adopt the new leader and epoch. A new leader or epoch starts a new fetch session
 * (responses to the old one are dropped); when the leader (or, with KAFKA-7164, the epoch) changed,
 * the follower starts over by its generation's truncation rule. A deposed
 * leader forgets its parked produce requests (they fail with NOT_LEADER_OR_FOLLOWER).
 */
export function becomeFollower(k: Rules, r: ReplicaContext, image: MetadataImage, offset: number): ReplicaContext {
  const reg = image.registration;
  const truncate = mustRestartFollowing(k, r, reg.leader, reg.leaderEpoch);
  const newSession = r.knownMetadata < 0 || reg.leader !== r.leader || reg.leaderEpoch !== r.leaderEpoch;
  const viewed: ReplicaContext = {
    ...viewing(r, image, offset),
    remoteLeo: allUnknown(r.remoteLeo),
    pendingIsr: null,
    pendingAcks: [],
    fetchInFlight: newSession ? false : r.fetchInFlight,
  };
  if (!truncate) return viewed;
  const fresh = { ...viewed, needsEpochQuery: false, pendingTruncation: -1 };
  if (reg.leader === NO_LEADER) return fresh;
  switch (k.truncation.followStart(fresh)) {
    case 'truncateToHw':
      return truncateTo(fresh, fresh.hw);
    case 'askLeaderEpoch':
      return { ...fresh, needsEpochQuery: true };
    case 'fetchDirectly':
      return fresh;
  }
}

/** A follower with a known leader and no request outstanding may send its next request. */
export function canFetch(r: ReplicaContext): boolean {
  return r.leader !== NO_LEADER && r.leader !== r.id && !r.fetchInFlight;
}

/**
 * F1: Fetch(fetchOffset = LEO, lastFetchedEpoch, currentLeaderEpoch, broker epoch), or
 * OffsetsForLeaderEpoch(latest epoch) while a KIP-101/279 follower still has to truncate. A
 * divergence learned earlier without truncating (before KAFKA-14704) is acted on first.
 */
export function sendFetch(k: Rules, r: ReplicaContext): Reaction<ReplicaContext> {
  const ready = r.pendingTruncation >= 0 ? { ...truncateTo(r, r.pendingTruncation), pendingTruncation: -1 } : r;
  const currentLeaderEpoch = k.fetch.carriesLeaderEpoch ? ready.leaderEpoch : -1;
  const common = { from: ready.id, to: ready.leader, currentLeaderEpoch, sentInEpoch: ready.leaderEpoch };
  const sent = { ...ready, fetchInFlight: true };
  if (ready.needsEpochQuery) {
    return sending(sent, { kind: 'EpochRequest', ...common, epoch: latestEpoch(ready.cache), brokerEpoch: ready.incarnation });
  }
  return sending(sent, {
    kind: 'FetchRequest', ...common, fetchOffset: leo(ready),
    lastFetchedEpoch: k.truncation.lastFetchedEpoch(ready), brokerEpoch: ready.incarnation,
  });
}

/**
 * A response belongs to the current fetch session (same leader, same epoch as when sent) and, for
 * a fetch, to the current fetch position (AFT skips a partition whose fetch offset moved).
 */
export function isCurrentResponse(k: Rules, r: ReplicaContext, res: FetchResponse | EpochResponse): boolean {
  if (!r.fetchInFlight || res.from !== r.leader) return false;
  if (!k.fetch.dropsStaleResponses) return true;
  if (res.sentInEpoch !== r.leaderEpoch) return false;
  return res.kind === 'EpochResponse' || res.fetchOffset === leo(r);
}

/**
 * F8/F9: append the records and take `min(response HW, LEO)` as the HW (it may go down). A
 * DivergingEpoch answer truncates and ignores the HW (KAFKA-14704); before 3.5 the HW was taken
 * first and the truncation came on the next round. OFFSET_OUT_OF_RANGE truncates to the
 * leader's LEO when that is below ours.
 */
export function handleFetchResponse(k: Rules, r: ReplicaContext, res: FetchResponse): ReplicaContext {
  const idle = { ...r, fetchInFlight: false };
  if (res.error === 'OFFSET_OUT_OF_RANGE') return res.leaderLeo < leo(idle) ? truncateTo(idle, res.leaderLeo) : idle;
  if (res.error !== null) return idle;
  if (res.diverging !== null) {
    const step = k.truncation.truncationFor(idle, res.diverging);
    if (k.fetch.truncateBeforeHwUpdate) return truncateTo(idle, step.offset);
    return { ...idle, hw: Math.min(res.highWatermark, leo(idle)), pendingTruncation: step.offset };
  }
  const appended = appendEntries(idle.log, idle.cache, res.records);
  const log = appended.log;
  return { ...idle, log, cache: appended.cache, hw: Math.min(res.highWatermark, log.length) };
}

/** KIP-101/279: truncate where the leader's answer says; ask again if not done. */
export function handleEpochResponse(k: Rules, r: ReplicaContext, res: EpochResponse): ReplicaContext {
  const idle = { ...r, fetchInFlight: false };
  if (res.error !== null) return idle;
  const step = k.truncation.truncationFor(idle, res.answer);
  return { ...truncateTo(idle, step.offset), needsEpochQuery: !step.done };
}
