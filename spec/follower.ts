/**
 * What a replica does while it follows: starting to follow a new leader (truncation by
 * generation, T0-T3), sending fetches (F1) and OffsetsForLeaderEpoch, and handling the answers
 * (F8, F9).
 */
import type { EpochResponse, FetchResponse, MetadataImage } from './types.ts';
import { NO_LEADER } from './types.ts';
import { appendEntries, latestEpoch } from './log.ts';
import { type Draft, type Reaction, type ReplicaContext, draft, leo, sending, truncateTo } from './replica-context.ts';
import { allUnknown, viewing } from './leader.ts';
import { type Rules, mustRestartFollowing } from './rules.ts';

/**
 * L5 and T0-T3: adopt the new leader and epoch. A new leader is fetched from by another fetcher
 * thread on connections of its own, so nothing is out to it yet; the same leader in a new epoch by
 * the same thread, which still waits for the request it has out (F10; its answer is then out of
 * date and only frees the thread). When the leader (or, with KAFKA-7164, the epoch) changed, the
 * follower starts over by its generation's truncation rule. A deposed leader forgets its parked
 * produce requests (they fail with NOT_LEADER_OR_FOLLOWER).
 */
export function becomeFollower(k: Rules, r: ReplicaContext, image: MetadataImage, offset: number): ReplicaContext {
  const reg = image.registration;
  const truncate = mustRestartFollowing(k, r, reg.leader, reg.leaderEpoch);
  const sameFetcher = r.knownMetadata >= 0 && reg.leader === r.leader;
  const viewed = viewing(r, image, offset);
  viewed.remoteLeo = allUnknown(r.remoteLeo);
  viewed.pendingIsr = null;
  viewed.pendingAcks = [];
  viewed.fetchOutAtEpoch = sameFetcher ? r.fetchOutAtEpoch : -1;
  if (!truncate) return viewed;
  // Starting over: no epoch query or truncation pending (the copy is still this function's own).
  const fresh = viewed;
  fresh.needsEpochQuery = false;
  fresh.pendingTruncation = -1;
  if (reg.leader === NO_LEADER) return fresh;
  switch (k.truncation.followStart(fresh)) {
    case 'truncateToHw':
      return truncateTo(fresh, fresh.hw);
    case 'askLeaderEpoch':
      fresh.needsEpochQuery = true;
      return fresh;
    case 'fetchDirectly':
      return fresh;
  }
}

/** A follower with a known leader and no request outstanding may send its next request. */
export function canFetch(r: ReplicaContext): boolean {
  return r.leader !== NO_LEADER && r.leader !== r.id && r.fetchOutAtEpoch < 0;
}

/**
 * F1: Fetch(fetchOffset = LEO, lastFetchedEpoch, currentLeaderEpoch, broker epoch), or
 * OffsetsForLeaderEpoch(latest epoch) while a KIP-101/279 follower still has to truncate. A
 * divergence learned earlier without truncating (before KAFKA-14704) is acted on first.
 */
export function sendFetch(k: Rules, r: ReplicaContext): Reaction<ReplicaContext> {
  const ready = r.pendingTruncation >= 0 ? truncatedAsLearned(r) : r;
  const currentLeaderEpoch = k.fetch.carriesLeaderEpoch ? ready.leaderEpoch : -1;
  const common = { from: ready.id, to: ready.leader, currentLeaderEpoch, sentInEpoch: ready.leaderEpoch };
  const sent = draft(ready);
  sent.fetchOutAtEpoch = ready.leaderEpoch;
  if (ready.needsEpochQuery) {
    return sending(sent, { kind: 'EpochRequest', ...common, epoch: latestEpoch(ready.cache), brokerEpoch: ready.incarnation });
  }
  return sending(sent, {
    kind: 'FetchRequest', ...common, fetchOffset: leo(ready),
    lastFetchedEpoch: k.truncation.lastFetchedEpoch(ready), brokerEpoch: ready.incarnation,
  });
}

/** The divergence learned earlier, acted on: truncated where it said, nothing pending any more. */
function truncatedAsLearned(r: ReplicaContext): ReplicaContext {
  const next = draft(truncateTo(r, r.pendingTruncation));
  next.pendingTruncation = -1;
  return next;
}

/** A follower whose request was answered or lost: no fetch in flight. */
export function idle(r: ReplicaContext): Draft {
  const next = draft(r);
  next.fetchOutAtEpoch = -1;
  return next;
}

/** F10: a response answers the request out to the leader (one sent in another epoch or to another leader does not). */
export function answersRequestOut(r: ReplicaContext, res: FetchResponse | EpochResponse): boolean {
  return r.fetchOutAtEpoch >= 0 && res.from === r.leader && res.sentInEpoch === r.fetchOutAtEpoch;
}

/**
 * A response that answers the request out is taken when it belongs to the current fetch session
 * (sent in the current epoch) and, for a fetch, to the current fetch position (AFT skips a
 * partition whose fetch offset moved); with `dropsStaleResponses` off (a mutation), whatever the
 * epoch.
 */
export function isCurrentResponse(k: Rules, r: ReplicaContext, res: FetchResponse | EpochResponse): boolean {
  if (!answersRequestOut(r, res)) return false;
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
  const done = idle(r);
  if (res.error === 'OFFSET_OUT_OF_RANGE') return res.leaderLeo < leo(done) ? truncateTo(done, res.leaderLeo) : done;
  if (res.error !== null) return done;
  if (res.diverging !== null) {
    const step = k.truncation.truncationFor(done, res.diverging);
    if (k.fetch.truncateBeforeHwUpdate) return truncateTo(done, step.offset);
    // The copy is still this function's own: it takes the HW and the truncation to act on later.
    done.hw = Math.min(res.highWatermark, leo(done));
    done.pendingTruncation = step.offset;
    return done;
  }
  const appended = appendEntries(done.log, done.cache, res.records);
  done.log = appended.log;
  done.cache = appended.cache;
  done.hw = Math.min(res.highWatermark, appended.log.length);
  return done;
}

/** KIP-101/279: truncate where the leader's answer says; ask again if not done. */
export function handleEpochResponse(k: Rules, r: ReplicaContext, res: EpochResponse): ReplicaContext {
  const done = idle(r);
  if (res.error !== null) return done;
  const step = k.truncation.truncationFor(done, res.answer);
  const next = draft(truncateTo(done, step.offset));
  next.needsEpochQuery = !step.done;
  return next;
}
