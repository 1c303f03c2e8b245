/**
 * The replica machine: one broker's replica of the partition, as an xstate v5 machine.
 *
 * States are the roles Kafka gives a replica (Partition `makeLeader` / `makeFollower`) plus
 * `offline` for a crashed broker. Events are the RPCs and local triggers that reach it; the
 * machine never performs I/O: a helper returns what it sends with its next context, and the
 * `react` action emits it as one `Send` event, which the cluster delivers. Guards are the
 * protocol's questions; every piece of logic sits in a pure helper in leader.ts, follower.ts or
 * rules.ts, named after the rule it implements, and reads the resolved rules, never the
 * configuration.
 *
 * Abstracted away: log segments, retention (log start stays 0), transactions, the time-based
 * parts of S1 (an abstract "lag elapsed" event stands for `replica.lag.time.max.ms`), and H4
 * (caught-up non-ISR replicas holding back the HW), which only delays commits.
 */
import { assign, setup } from 'xstate';
import type {
  Acks, AlterPartitionResponse, EpochRequest, EpochResponse, FetchRequest, FetchResponse, MetadataImage, ProducerBatch,
} from './types.ts';
import { NO_LEADER } from './types.ts';
import { type Draft, type ReplicaContext, draft, initialReplica, leo, truncateTo } from './replica-context.ts';
import {
  answerDiverging, answerDuplicate, answersPendingProposal, answerEpochQuery, answerOutOfRange, appendAsLeader, applyAlterResult, becomeLeader,
  forgetAlterInFlight, canShrinkIsr, lacksMinIsr, proposeShrink, refreshLeaderView, rejectFetch, rejectSequence, serveFetch,
} from './leader.ts';
import { duplicateOffset, sequenceError } from './producer.ts';
import { answersRequestOut, becomeFollower, canFetch, handleEpochResponse, handleFetchResponse, idle, isCurrentResponse, sendFetch } from './follower.ts';
import { type Rules, epochFencing, isStaleIncarnation } from './rules.ts';
import { type SendEvent, react } from './xstate/react.ts';

export type { SendEvent } from './xstate/react.ts';

export type ReplicaEvent =
  | { type: 'MetadataUpdate'; image: MetadataImage; offset: number }
  | { type: 'Produce'; value: number; acks: Acks; batch?: ProducerBatch }
  | { type: 'FetchTick' }
  | { type: 'FetchRequest'; message: FetchRequest }
  | { type: 'FetchResponse'; message: FetchResponse }
  | { type: 'EpochRequest'; message: EpochRequest }
  | { type: 'EpochResponse'; message: EpochResponse }
  /** A fetch or OffsetsForLeaderEpoch request, or its answer, died: sent to `leader` in `sentInEpoch` by the follower's incarnation `incarnation`. */
  | { type: 'FetchTimedOut'; leader: number; sentInEpoch: number; incarnation: number }
  | { type: 'LagElapsed'; follower: number }
  | { type: 'AlterPartitionResponse'; message: AlterPartitionResponse }
  | { type: 'Crash'; keep: number }
  | { type: 'ShutDown' }
  | { type: 'CheckpointHw' }
  | { type: 'Restart'; incarnation: number };

export type ReplicaRole = 'offline' | 'follower' | 'leader';

type Of<T extends ReplicaEvent['type']> = Extract<ReplicaEvent, { type: T }>;
type Args = { context: ReplicaContext; event: ReplicaEvent };
const as = <T extends ReplicaEvent['type']>(e: ReplicaEvent) => e as Of<T>;

/** A crash keeps the disk (minus the suffix a lossy crash loses) and forgets everything else. */
export function crash(r: ReplicaContext, keep: number): Draft {
  const disk = truncateTo(r, Math.min(keep, leo(r)));
  const next = initialReplica(r.id, r.remoteLeo.length);
  next.incarnation = r.incarnation;
  next.log = disk.log;
  next.hw = disk.hw;
  next.flushedTo = disk.flushedTo;
  next.cache = disk.cache;
  next.hwCheckpoint = r.hwCheckpoint;
  return next;
}

/** D2: a controlled shutdown flushes the log, writes the HW checkpoint and marks the shutdown clean. */
export function shutDown(r: ReplicaContext): ReplicaContext {
  const next = crash(r, leo(r));
  next.flushedTo = leo(r);
  next.hwCheckpoint = r.hw;
  next.cleanShutdown = true;
  return next;
}

/** D4/H7: a new incarnation with the recovered log and the HW from its checkpoint (which may lag). */
export function restart(k: Rules, r: ReplicaContext, incarnation: number): ReplicaContext {
  const next = draft(r);
  next.incarnation = incarnation;
  next.hw = Math.min(k.hwCheckpointLags ? r.hwCheckpoint : r.hw, leo(r));
  next.leader = NO_LEADER;
  next.knownMetadata = -1;
  next.cleanShutdown = false;
  return next;
}

/** H7: the HW checkpoint file is written with the current HW. */
function checkpointHw(r: ReplicaContext): ReplicaContext {
  const next = draft(r);
  next.hwCheckpoint = r.hw;
  return next;
}

/** The replica machine for one set of rules; its input is the broker id and the rf. */
export function createReplicaMachine(k: Rules) {
  return setup({
    types: {} as { context: ReplicaContext; events: ReplicaEvent; input: { id: number; rf: number }; emitted: SendEvent },
    guards: {
      isStaleMetadata: ({ context, event }: Args) => {
        const e = as<'MetadataUpdate'>(event);
        if (e.image.controllerEpoch < context.controllerEpoch) return k.metadata.fencesDeposedController;
        return e.image.controllerEpoch === context.controllerEpoch && context.knownMetadata >= 0 && e.offset <= context.knownMetadata;
      },
      namesMeLeader: ({ context, event }: Args) => as<'MetadataUpdate'>(event).image.registration.leader === context.id,
      leadsInSameEpoch: ({ context, event }: Args) => {
        const reg = as<'MetadataUpdate'>(event).image.registration;
        return reg.leader === context.id && reg.leaderEpoch === context.leaderEpoch;
      },
      lacksMinIsr: ({ context, event }: Args) => lacksMinIsr(k, context, as<'Produce'>(event).acks),
      /** P9: the leader remembers a batch with this producer epoch and sequence (only an idempotent producer's batches carry them). */
      isDuplicateBatch: ({ context, event }: Args) => {
        const batch = as<'Produce'>(event).batch;
        return batch !== undefined && duplicateOffset(context.log, batch) >= 0;
      },
      /** P10: the batch's epoch or sequence does not follow what the leader holds for the producer. */
      isOutOfSequence: ({ context, event }: Args) => {
        const batch = as<'Produce'>(event).batch;
        return batch !== undefined && sequenceError(k, context.log, batch) !== null;
      },
      canFetch: ({ context }: Args) => k.fetch.followersFetch && canFetch(context),
      isCurrentResponse: ({ context, event }: Args) =>
        isCurrentResponse(k, context, as<'FetchResponse' | 'EpochResponse'>(event).message),
      answersRequestOut: ({ context, event }: Args) => answersRequestOut(context, as<'FetchResponse' | 'EpochResponse'>(event).message),
      isEpochFenced: ({ context, event }: Args) =>
        epochFencing(k, context, as<'FetchRequest' | 'EpochRequest'>(event).message.currentLeaderEpoch) !== null,
      /**
       * F2 at a follower (Partition.getLocalLog): the epoch is checked before leadership, so a request
       * in another epoch is fenced or unknown there too. A broker that has not replayed the partition's
       * metadata since it restarted does not host it yet and answers NOT_LEADER_OR_FOLLOWER.
       */
      isEpochFencedAtFollower: ({ context, event }: Args) => context.knownMetadata >= 0 &&
        epochFencing(k, context, as<'FetchRequest' | 'EpochRequest'>(event).message.currentLeaderEpoch) !== null,
      isStaleIncarnation: ({ context, event }: Args) => isStaleIncarnation(k, context, as<'FetchRequest'>(event).message),
      hasUndefinedEpochEnd: ({ context, event }: Args) => k.truncation.hasUndefinedEpochEnd(context, as<'FetchRequest'>(event).message),
      isDiverging: ({ context, event }: Args) => k.truncation.divergence(context, as<'FetchRequest'>(event).message) !== null,
      isBeyondLogEnd: ({ context, event }: Args) => as<'FetchRequest'>(event).message.fetchOffset > leo(context),
      answersPendingProposal: ({ context, event }: Args) =>
        answersPendingProposal(context, as<'AlterPartitionResponse'>(event).message),
      isCurrentSession: ({ context, event }: Args) => {
        const e = as<'FetchTimedOut'>(event);
        // Only the request out frees the fetcher (F10): not one sent in another epoch, nor one of an earlier
        // incarnation, which died with that process's connections (the fetcher running now has its own).
        return context.leader === e.leader && context.fetchOutAtEpoch === e.sentInEpoch && context.incarnation === e.incarnation;
      },
      canShrinkIsr: ({ context, event }: Args) => canShrinkIsr(context, as<'LagElapsed'>(event).follower),
    },
    actions: {
      becomeLeader: react((context: ReplicaContext, event: ReplicaEvent) => {
        const e = as<'MetadataUpdate'>(event);
        return becomeLeader(k, context, e.image, e.offset, false);
      }),
      /** L5: a leader named again in a newer epoch (M3) is not a new leader: it keeps its followers' state. */
      leadInNewEpoch: react((context: ReplicaContext, event: ReplicaEvent) => {
        const e = as<'MetadataUpdate'>(event);
        return becomeLeader(k, context, e.image, e.offset, true);
      }),
      refreshLeaderView: react((context: ReplicaContext, event: ReplicaEvent) => {
        const e = as<'MetadataUpdate'>(event);
        return refreshLeaderView(k, context, e.image, e.offset);
      }),
      becomeFollower: assign(({ context, event }: Args) => {
        const e = as<'MetadataUpdate'>(event);
        return becomeFollower(k, context, e.image, e.offset);
      }),
      /** NOT_ENOUGH_REPLICAS (P3): the producer is told no; nothing in the model changes. */
      rejectProduce: () => {},
      appendAsLeader: react((context: ReplicaContext, event: ReplicaEvent) => {
        const e = as<'Produce'>(event);
        return appendAsLeader(k, context, e.value, e.acks, e.batch);
      }),
      answerDuplicate: react((context: ReplicaContext, event: ReplicaEvent) => {
        const e = as<'Produce'>(event);
        // A batch is always there unless a guard mutant forces the question (spec/guards.ts).
        return answerDuplicate(k, context, e.value, e.batch === undefined ? -1 : duplicateOffset(context.log, e.batch), e.acks);
      }),
      rejectSequence: react((context: ReplicaContext, event: ReplicaEvent) => {
        const e = as<'Produce'>(event);
        const error = e.batch === undefined ? null : sequenceError(k, context.log, e.batch);
        return rejectSequence(context, e.value, error ?? 'OUT_OF_ORDER_SEQUENCE_NUMBER');
      }),
      sendFetch: react((context: ReplicaContext) => sendFetch(k, context)),
      handleFetchResponse: assign(({ context, event }: Args) => handleFetchResponse(k, context, as<'FetchResponse'>(event).message)),
      handleEpochResponse: assign(({ context, event }: Args) => handleEpochResponse(k, context, as<'EpochResponse'>(event).message)),
      forgetFetch: assign(({ context }: Args) => idle(context)),
      rejectNotLeader: react((context: ReplicaContext, event: ReplicaEvent) =>
        rejectFetch(context, as<'FetchRequest' | 'EpochRequest'>(event).message, 'NOT_LEADER_OR_FOLLOWER')),
      rejectEpoch: react((context: ReplicaContext, event: ReplicaEvent) => {
        const req = as<'FetchRequest' | 'EpochRequest'>(event).message;
        return rejectFetch(context, req, epochFencing(k, context, req.currentLeaderEpoch) ?? 'UNKNOWN_LEADER_EPOCH');
      }),
      answerDiverging: react((context: ReplicaContext, event: ReplicaEvent) => answerDiverging(k, context, as<'FetchRequest'>(event).message)),
      answerOutOfRange: react((context: ReplicaContext, event: ReplicaEvent) => answerOutOfRange(context, as<'FetchRequest'>(event).message)),
      serveFetch: react((context: ReplicaContext, event: ReplicaEvent) => serveFetch(k, context, as<'FetchRequest'>(event).message)),
      answerEpochQuery: react((context: ReplicaContext, event: ReplicaEvent) => answerEpochQuery(k, context, as<'EpochRequest'>(event).message)),
      proposeShrink: react((context: ReplicaContext, event: ReplicaEvent) => proposeShrink(k, context, as<'LagElapsed'>(event).follower)),
      applyAlterResult: react((context: ReplicaContext, event: ReplicaEvent) =>
        applyAlterResult(k, context, as<'AlterPartitionResponse'>(event).message)),
      forgetAlterInFlight: assign(({ context }: Args) => forgetAlterInFlight(context)),
      crash: assign(({ context, event }: Args) => crash(context, as<'Crash'>(event).keep)),
      restart: assign(({ context, event }: Args) => restart(k, context, as<'Restart'>(event).incarnation)),
      shutDown: assign(({ context }: Args) => shutDown(context)),
      checkpointHw: assign(({ context }: Args) => checkpointHw(context)),
    },
  }).createMachine({
    id: 'replica',
    initial: 'follower',
    context: ({ input }) => initialReplica(input.id, input.rf),
    states: {
      offline: {
        on: { Restart: { target: 'follower', actions: 'restart' } },
      },
      follower: {
        on: {
          MetadataUpdate: [
            { guard: 'isStaleMetadata' },
            { guard: 'namesMeLeader', target: 'leader', actions: 'becomeLeader' },
            { actions: 'becomeFollower' },
          ],
          FetchTick: { guard: 'canFetch', actions: 'sendFetch' },
          FetchResponse: [
            { guard: 'isCurrentResponse', actions: 'handleFetchResponse' },
            { guard: 'answersRequestOut', actions: 'forgetFetch' },
          ],
          EpochResponse: [
            { guard: 'isCurrentResponse', actions: 'handleEpochResponse' },
            { guard: 'answersRequestOut', actions: 'forgetFetch' },
          ],
          FetchTimedOut: { guard: 'isCurrentSession', actions: 'forgetFetch' },
          FetchRequest: [
            { guard: 'isEpochFencedAtFollower', actions: 'rejectEpoch' },
            { actions: 'rejectNotLeader' },
          ],
          EpochRequest: [
            { guard: 'isEpochFencedAtFollower', actions: 'rejectEpoch' },
            { actions: 'rejectNotLeader' },
          ],
          AlterPartitionResponse: { actions: 'forgetAlterInFlight' },
          Crash: { target: 'offline', actions: 'crash' },
          ShutDown: { target: 'offline', actions: 'shutDown' },
          CheckpointHw: { actions: 'checkpointHw' },
        },
      },
      leader: {
        on: {
          MetadataUpdate: [
            { guard: 'isStaleMetadata' },
            { guard: 'leadsInSameEpoch', actions: 'refreshLeaderView' },
            { guard: 'namesMeLeader', target: 'leader', reenter: true, actions: 'leadInNewEpoch' },
            { target: 'follower', actions: 'becomeFollower' },
          ],
          Produce: [
            { guard: 'lacksMinIsr', actions: 'rejectProduce' },
            { guard: 'isDuplicateBatch', actions: 'answerDuplicate' },
            { guard: 'isOutOfSequence', actions: 'rejectSequence' },
            { actions: 'appendAsLeader' },
          ],
          FetchRequest: [
            { guard: 'isEpochFenced', actions: 'rejectEpoch' },
            { guard: 'isStaleIncarnation', actions: 'rejectNotLeader' },
            { guard: 'hasUndefinedEpochEnd', actions: 'answerOutOfRange' },
            { guard: 'isDiverging', actions: 'answerDiverging' },
            { guard: 'isBeyondLogEnd', actions: 'answerOutOfRange' },
            { actions: 'serveFetch' },
          ],
          EpochRequest: [
            { guard: 'isEpochFenced', actions: 'rejectEpoch' },
            { actions: 'answerEpochQuery' },
          ],
          LagElapsed: { guard: 'canShrinkIsr', actions: 'proposeShrink' },
          AlterPartitionResponse: [
            { guard: 'answersPendingProposal', actions: 'applyAlterResult' },
            { actions: 'forgetAlterInFlight' },
          ],
          Crash: { target: 'offline', actions: 'crash' },
          ShutDown: { target: 'offline', actions: 'shutDown' },
          CheckpointHw: { actions: 'checkpointHw' },
        },
      },
    },
  });
}

export type ReplicaMachine = ReturnType<typeof createReplicaMachine>;
