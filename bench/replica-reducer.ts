/**
 * A hand-written reducer with the replica machine's transitions, for the benchmark's baseline
 * only: it calls the same pure helpers in the same order, so timing it against the compiled
 * machine and xstate measures the cost of the stepping machinery alone. bench/run.ts checks it
 * agrees with the compiled machine on every sampled step before timing anything.
 */
import type { Reaction, ReplicaContext } from '../spec/replica-context.ts';
import { leo } from '../spec/replica-context.ts';
import type { ReplicaEvent } from '../spec/replica.ts';
import { crash, restart, shutDown } from '../spec/replica.ts';
import * as L from '../spec/leader.ts';
import * as F from '../spec/follower.ts';
import { type Rules, epochFencing, isStaleIncarnation } from '../spec/rules.ts';

type Result = { value: string; context: ReplicaContext; emitted: unknown[] } | null;
const out = (value: string, r: Reaction<ReplicaContext>): Result =>
  ({ value, context: r.context, emitted: r.sent.length === 0 ? [] : [{ type: 'Send', messages: r.sent }] });
const quietly = (value: string, context: ReplicaContext): Result => ({ value, context, emitted: [] });

export function replicaReducer(c: Rules) {
  return (value: string, r: ReplicaContext, e: ReplicaEvent): Result => {
    if (value === 'offline') return e.type === 'Restart' ? { value: 'follower', context: restart(c, r, e.incarnation), emitted: [] } : null;
    if (e.type === 'Crash') return { value: 'offline', context: crash(r, e.keep), emitted: [] };
    if (e.type === 'ShutDown') return { value: 'offline', context: shutDown(r), emitted: [] };
    if (e.type === 'CheckpointHw') return { value, context: { ...r, hwCheckpoint: r.hw }, emitted: [] };
    if (e.type === 'FetchTimedOut') {
      return value === 'follower' && r.leader === e.leader && r.fetchOutAtEpoch === e.sentInEpoch && r.incarnation === e.incarnation
        ? { value, context: { ...r, fetchOutAtEpoch: -1 }, emitted: [] } : null;
    }
    return value === 'leader' ? leader(c, r, e) : follower(c, r, e);
  };
}

function follower(c: Rules, r: ReplicaContext, e: ReplicaEvent): Result {
  switch (e.type) {
    case 'MetadataUpdate':
      return e.image.registration.leader === r.id ? out('leader', L.becomeLeader(c, r, e.image, e.offset, false)) : quietly('follower', F.becomeFollower(c, r, e.image, e.offset));
    case 'FetchTick': return F.canFetch(r) ? out('follower', F.sendFetch(c, r)) : null;
    case 'FetchResponse':
      if (F.isCurrentResponse(c, r, e.message)) return quietly('follower', F.handleFetchResponse(c, r, e.message));
      return F.answersRequestOut(r, e.message) ? quietly('follower', F.idle(r)) : null;
    case 'EpochResponse':
      if (F.isCurrentResponse(c, r, e.message)) return quietly('follower', F.handleEpochResponse(c, r, e.message));
      return F.answersRequestOut(r, e.message) ? quietly('follower', F.idle(r)) : null;
    case 'FetchRequest':
    case 'EpochRequest': return out('follower', L.rejectFetch(r, e.message, 'NOT_LEADER_OR_FOLLOWER'));
    default: return null;
  }
}

function leader(c: Rules, r: ReplicaContext, e: ReplicaEvent): Result {
  switch (e.type) {
    case 'MetadataUpdate': {
      const reg = e.image.registration;
      if (reg.leader === r.id && reg.leaderEpoch === r.leaderEpoch) return out('leader', L.refreshLeaderView(c, r, e.image, e.offset));
      if (reg.leader === r.id) return out('leader', L.becomeLeader(c, r, e.image, e.offset, true));
      return quietly('follower', F.becomeFollower(c, r, e.image, e.offset));
    }
    case 'Produce': return L.lacksMinIsr(c, r, e.acks) ? { value: 'leader', context: r, emitted: [] } : out('leader', L.appendAsLeader(c, r, e.value, e.acks));
    case 'FetchRequest': return out('leader', serve(c, r, e.message));
    case 'EpochRequest': {
      const fenced = epochFencing(c, r, e.message.currentLeaderEpoch);
      return out('leader', fenced ? L.rejectFetch(r, e.message, fenced) : L.answerEpochQuery(c, r, e.message));
    }
    case 'LagElapsed': return L.canShrinkIsr(r, e.follower) ? out('leader', L.proposeShrink(c, r, e.follower)) : null;
    case 'AlterPartitionResponse': return L.answersPendingProposal(r, e.message) ? out('leader', L.applyAlterResult(c, r, e.message)) : null;
    default: return null;
  }
}

function serve(c: Rules, r: ReplicaContext, req: Extract<ReplicaEvent, { type: 'FetchRequest' }>['message']): Reaction<ReplicaContext> {
  const fenced = epochFencing(c, r, req.currentLeaderEpoch);
  if (fenced) return L.rejectFetch(r, req, fenced);
  if (isStaleIncarnation(c, r, req)) return L.rejectFetch(r, req, 'NOT_LEADER_OR_FOLLOWER');
  if (c.truncation.divergence(r, req) !== null) return L.answerDiverging(c, r, req);
  if (req.fetchOffset > leo(r)) return L.answerOutOfRange(r, req);
  return L.serveFetch(c, r, req);
}
