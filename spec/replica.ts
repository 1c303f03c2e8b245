/**
 * The replica machine: one broker's replica of the partition, as an xstate v5 machine.
 *
 * States are the roles Kafka gives a replica (Partition `makeLeader` / `makeFollower`) plus
 * `offline` for a crashed broker. Events are the RPCs and local triggers that reach it; the
 * machine never performs I/O: what it sends goes to `context.outbox` and is emitted as one `Send`
 * event, which the cluster delivers. Guards are the protocol's questions; every piece of logic
 * sits in a pure helper in leader.ts, follower.ts or rules.ts, named after the rule it implements.
 *
 * Abstracted away: log segments, retention (log start stays 0), transactions, the time-based
 * parts of S1 (an abstract "lag elapsed" event stands for `replica.lag.time.max.ms`), and H4
 * (caught-up non-ISR replicas holding back the HW), which only delays commits.
 */
import { assign, emit, setup } from 'xstate';
import type { ClusterConfig } from './config.ts';
import type {
  Acks, AlterPartitionResponse, EpochRequest, EpochResponse, FetchRequest, FetchResponse, MetadataImage, Outgoing,
} from './types.ts';
import { NO_LEADER } from './types.ts';
import { type ReplicaContext, EMPTY_OUTBOX, initialReplica, leo, truncateTo } from './replica-context.ts';
import {
  advanceHw, answerDiverging, answersPendingProposal, answerEpochQuery, answerOutOfRange, appendAsLeader, applyAlterResult, becomeLeader,
  canShrinkIsr, lacksMinIsr, proposeShrink, refreshLeaderView, rejectFetch, serveFetch,
} from './leader.ts';
import { becomeFollower, canFetch, handleEpochResponse, handleFetchResponse, isCurrentResponse, sendFetch } from './follower.ts';
import { divergence, epochFencing, isStaleIncarnation } from './rules.ts';

export type ReplicaEvent =
  | { type: 'MetadataUpdate'; image: MetadataImage; offset: number }
  | { type: 'Produce'; value: number; acks: Acks }
  | { type: 'FetchTick' }
  | { type: 'FetchRequest'; message: FetchRequest }
  | { type: 'FetchResponse'; message: FetchResponse }
  | { type: 'EpochRequest'; message: EpochRequest }
  | { type: 'EpochResponse'; message: EpochResponse }
  | { type: 'FetchTimedOut'; leader: number; sentInEpoch: number }
  | { type: 'LagElapsed'; follower: number }
  | { type: 'AlterPartitionResponse'; message: AlterPartitionResponse }
  | { type: 'Crash'; keep: number }
  | { type: 'Restart'; incarnation: number };

/** The one event a replica emits: what it sends in this step. */
export interface SendEvent {
  type: 'Send';
  messages: readonly Outgoing[];
}

export type ReplicaRole = 'offline' | 'follower' | 'leader';

type Of<T extends ReplicaEvent['type']> = Extract<ReplicaEvent, { type: T }>;
type Args = { context: ReplicaContext; event: ReplicaEvent };
const as = <T extends ReplicaEvent['type']>(e: ReplicaEvent) => e as Of<T>;

/** A crash keeps the disk (minus the suffix a lossy crash loses) and forgets everything else. */
export function crash(r: ReplicaContext, keep: number): ReplicaContext {
  const disk = truncateTo(r, Math.min(keep, leo(r)));
  const blank = initialReplica(r.id, r.remoteLeo.length);
  return { ...blank, incarnation: r.incarnation, log: disk.log, hw: disk.hw, flushedTo: disk.flushedTo, cache: disk.cache };
}

/** D4/H7: a new incarnation with the recovered log and the HW from its checkpoint. */
export function restart(r: ReplicaContext, incarnation: number): ReplicaContext {
  return { ...r, incarnation, hw: Math.min(r.hw, leo(r)), leader: NO_LEADER, knownMetadata: -1 };
}

/** The replica machine for one configuration; its input is the broker id and the rf. */
export function createReplicaMachine(c: ClusterConfig) {
  return setup({
    types: {} as { context: ReplicaContext; events: ReplicaEvent; input: { id: number; rf: number }; emitted: SendEvent },
    guards: {
      namesMeLeader: ({ context, event }: Args) => as<'MetadataUpdate'>(event).image.registration.leader === context.id,
      leadsInSameEpoch: ({ context, event }: Args) => {
        const reg = as<'MetadataUpdate'>(event).image.registration;
        return reg.leader === context.id && reg.leaderEpoch === context.leaderEpoch;
      },
      lacksMinIsr: ({ context, event }: Args) => lacksMinIsr(c, context, as<'Produce'>(event).acks),
      canFetch: ({ context }: Args) => canFetch(context),
      isCurrentResponse: ({ context, event }: Args) =>
        isCurrentResponse(c, context, as<'FetchResponse' | 'EpochResponse'>(event).message),
      isEpochFenced: ({ context, event }: Args) =>
        epochFencing(c, context, as<'FetchRequest' | 'EpochRequest'>(event).message.currentLeaderEpoch) !== null,
      isStaleIncarnation: ({ context, event }: Args) => isStaleIncarnation(c, context, as<'FetchRequest'>(event).message),
      isDiverging: ({ context, event }: Args) => divergence(c, context, as<'FetchRequest'>(event).message) !== null,
      isBeyondLogEnd: ({ context, event }: Args) => as<'FetchRequest'>(event).message.fetchOffset > leo(context),
      answersPendingProposal: ({ context, event }: Args) =>
        answersPendingProposal(context, as<'AlterPartitionResponse'>(event).message),
      isCurrentSession: ({ context, event }: Args) => {
        const e = as<'FetchTimedOut'>(event);
        return context.leader === e.leader && context.leaderEpoch === e.sentInEpoch;
      },
      canShrinkIsr: ({ context, event }: Args) => canShrinkIsr(context, as<'LagElapsed'>(event).follower),
    },
    actions: {
      becomeLeader: assign(({ context, event }: Args) => {
        const e = as<'MetadataUpdate'>(event);
        return becomeLeader(c, context, e.image, e.offset);
      }),
      refreshLeaderView: assign(({ context, event }: Args) => {
        const e = as<'MetadataUpdate'>(event);
        return refreshLeaderView(c, context, e.image, e.offset);
      }),
      becomeFollower: assign(({ context, event }: Args) => {
        const e = as<'MetadataUpdate'>(event);
        return becomeFollower(c, context, e.image, e.offset);
      }),
      /** NOT_ENOUGH_REPLICAS (P3): the producer is told no; nothing in the model changes. */
      rejectProduce: () => {},
      appendAsLeader: assign(({ context, event }: Args) => {
        const e = as<'Produce'>(event);
        return appendAsLeader(c, context, e.value, e.acks);
      }),
      sendFetch: assign(({ context }: Args) => sendFetch(c, context)),
      handleFetchResponse: assign(({ context, event }: Args) => handleFetchResponse(c, context, as<'FetchResponse'>(event).message)),
      handleEpochResponse: assign(({ context, event }: Args) => handleEpochResponse(c, context, as<'EpochResponse'>(event).message)),
      forgetFetch: assign(({ context }: Args) => ({ ...context, fetchInFlight: false })),
      rejectNotLeader: assign(({ context, event }: Args) =>
        rejectFetch(context, as<'FetchRequest' | 'EpochRequest'>(event).message, 'NOT_LEADER_OR_FOLLOWER')),
      rejectEpoch: assign(({ context, event }: Args) => {
        const req = as<'FetchRequest' | 'EpochRequest'>(event).message;
        return rejectFetch(context, req, epochFencing(c, context, req.currentLeaderEpoch) ?? 'UNKNOWN_LEADER_EPOCH');
      }),
      answerDiverging: assign(({ context, event }: Args) => answerDiverging(c, context, as<'FetchRequest'>(event).message)),
      answerOutOfRange: assign(({ context, event }: Args) => answerOutOfRange(context, as<'FetchRequest'>(event).message)),
      serveFetch: assign(({ context, event }: Args) => serveFetch(c, context, as<'FetchRequest'>(event).message)),
      answerEpochQuery: assign(({ context, event }: Args) => answerEpochQuery(c, context, as<'EpochRequest'>(event).message)),
      proposeShrink: assign(({ context, event }: Args) => proposeShrink(c, context, as<'LagElapsed'>(event).follower)),
      applyAlterResult: assign(({ context, event }: Args) =>
        applyAlterResult(c, context, as<'AlterPartitionResponse'>(event).message)),
      advanceHw: assign(({ context }: Args) => advanceHw(c, context)),
      crash: assign(({ context, event }: Args) => crash(context, as<'Crash'>(event).keep)),
      restart: assign(({ context, event }: Args) => restart(context, as<'Restart'>(event).incarnation)),
      send: emit(({ context }: Args) => ({ type: 'Send' as const, messages: context.outbox })),
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
            { guard: 'namesMeLeader', target: 'leader', actions: ['becomeLeader', 'send'] },
            { actions: ['becomeFollower', 'send'] },
          ],
          FetchTick: { guard: 'canFetch', actions: ['sendFetch', 'send'] },
          FetchResponse: { guard: 'isCurrentResponse', actions: ['handleFetchResponse', 'send'] },
          EpochResponse: { guard: 'isCurrentResponse', actions: ['handleEpochResponse', 'send'] },
          FetchTimedOut: { guard: 'isCurrentSession', actions: 'forgetFetch' },
          FetchRequest: { actions: ['rejectNotLeader', 'send'] },
          EpochRequest: { actions: ['rejectNotLeader', 'send'] },
          Crash: { target: 'offline', actions: 'crash' },
        },
      },
      leader: {
        on: {
          MetadataUpdate: [
            { guard: 'leadsInSameEpoch', actions: ['refreshLeaderView', 'send'] },
            { guard: 'namesMeLeader', target: 'leader', reenter: true, actions: ['becomeLeader', 'send'] },
            { target: 'follower', actions: ['becomeFollower', 'send'] },
          ],
          Produce: [
            { guard: 'lacksMinIsr', actions: 'rejectProduce' },
            { actions: ['appendAsLeader', 'send'] },
          ],
          FetchRequest: [
            { guard: 'isEpochFenced', actions: ['rejectEpoch', 'send'] },
            { guard: 'isStaleIncarnation', actions: ['rejectNotLeader', 'send'] },
            { guard: 'isDiverging', actions: ['answerDiverging', 'send'] },
            { guard: 'isBeyondLogEnd', actions: ['answerOutOfRange', 'send'] },
            { actions: ['serveFetch', 'send'] },
          ],
          EpochRequest: [
            { guard: 'isEpochFenced', actions: ['rejectEpoch', 'send'] },
            { actions: ['answerEpochQuery', 'send'] },
          ],
          LagElapsed: { guard: 'canShrinkIsr', actions: ['proposeShrink', 'send'] },
          AlterPartitionResponse: { guard: 'answersPendingProposal', actions: ['applyAlterResult', 'send'] },
          Crash: { target: 'offline', actions: 'crash' },
        },
      },
    },
  });
}

export type ReplicaMachine = ReturnType<typeof createReplicaMachine>;
