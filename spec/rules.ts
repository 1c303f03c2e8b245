/**
 * The protocol's rules, resolved once from a configuration. `resolveRules` is the only code that
 * reads protocol switches: it turns them (and the operator's settings) into one `Rules` value —
 * the truncation generation as a set of operations (T0-T3), what fetches carry and how they are
 * fenced (F1-F4, F8), who may join the ISR (X2), the HW rule (H1, H2), how ISR changes are
 * written (S2, S3), how the controller elects (L1, L2, R3) and what a restart does (L7). Machines
 * and helpers receive `Rules` and never see the configuration. A mutation (mutations.ts) is a
 * transformation of `Rules`, so no protocol file mentions one.
 *
 * The rule functions that differ by version also live here, each reading only `Rules`.
 */
import type { ClusterConfig } from './config.ts';
import type { ControllerContext } from './controller.ts';
import type { Acks, BrokerId, EpochEndOffset, FetchError, FetchRequest } from './types.ts';
import { endOffsetForEpoch, kip101EndOffset, latestEpoch } from './log.ts';
import { type ReplicaContext, leo } from './replica-context.ts';
import type { Truncation } from './switches.ts';
import { MUTATION_RULES } from './mutations.ts';
import { type ForcedGuard, parseForcedGuard } from './guards.ts';

/** How a follower starts following a new leader (T0-T3). */
export type FollowStart = 'truncateToHw' | 'askLeaderEpoch' | 'fetchDirectly';

/** Where a follower truncates, and whether it is done (AFT `getOffsetTruncationState`). */
export interface TruncationStep {
  readonly offset: number;
  readonly done: boolean;
}

/** One truncation generation: the operations that differ between T0, T1, T2 and T3. */
export interface TruncationRule {
  readonly name: Truncation;
  /** Whether a follower asks OffsetsForLeaderEpoch before fetching (T1, T2). */
  readonly asksLeaderEpoch: boolean;
  followStart(r: ReplicaContext): FollowStart;
  /** The leader's answer to OffsetsForLeaderEpoch(`requested`). */
  epochAnswer(leader: ReplicaContext, requested: number): EpochEndOffset;
  /** Given the leader's (epoch, end offset), where the follower truncates. */
  truncationFor(r: ReplicaContext, answer: EpochEndOffset): TruncationStep;
  /** The epoch a follower reports as its last fetched one; -1 means "none sent". */
  lastFetchedEpoch(r: ReplicaContext): number;
  /** F4: the leader's end offset for the follower's last fetched epoch when the logs diverge, else null. */
  divergence(leader: ReplicaContext, req: FetchRequest): EpochEndOffset | null;
  /**
   * F4: the fetch carries a last fetched epoch whose end offset the leader cannot define; Kafka
   * answers OFFSET_OUT_OF_RANGE (Partition.readRecords) before it looks for a divergence.
   */
  hasUndefinedEpochEnd(leader: ReplicaContext, req: FetchRequest): boolean;
}

/** T0 (before 0.11): truncate to the local HW; nothing is asked of the leader. */
const truncateToHw: TruncationRule = {
  name: 'hw',
  asksLeaderEpoch: false,
  followStart: () => 'truncateToHw',
  epochAnswer: () => ({ epoch: -1, end: -1 }),
  truncationFor: (r) => ({ offset: Math.min(r.hw, leo(r)), done: true }),
  lastFetchedEpoch: () => -1,
  divergence: () => null,
  hasUndefinedEpochEnd: () => false,
};

/**
 * T1 (KIP-101, 0.11): ask the leader the end offset of the follower's latest epoch (falling back to
 * the HW when the follower knows no epoch) and truncate to `min(end, LEO)`.
 */
const kip101: TruncationRule = {
  ...truncateToHw,
  name: 'kip101',
  asksLeaderEpoch: true,
  followStart: (r) => (r.cache.length === 0 ? 'truncateToHw' : 'askLeaderEpoch'),
  epochAnswer: (leader, requested) => kip101EndOffset(leader.cache, leo(leader), requested),
  truncationFor: (r, answer) => {
    if (answer.end < 0) return { offset: Math.min(r.hw, leo(r)), done: true };
    return { offset: Math.min(answer.end, leo(r)), done: true };
  },
};

/**
 * T2 (KIP-279, 2.0): the leader answers with the largest epoch ≤ the requested one; a follower
 * lacking that epoch truncates to the end of its own largest epoch below it and asks again.
 */
const kip279: TruncationRule = {
  ...kip101,
  name: 'kip279',
  epochAnswer: (leader, requested) => endOffsetForEpoch(leader.cache, leo(leader), requested),
  truncationFor: (r, answer) => {
    const ownLeo = leo(r);
    if (answer.end < 0) return { offset: Math.min(r.hw, ownLeo), done: true };
    if (answer.epoch < 0) return { offset: Math.min(answer.end, ownLeo), done: true };
    const own = endOffsetForEpoch(r.cache, ownLeo, answer.epoch);
    if (own.end < 0) return { offset: Math.min(answer.end, ownLeo), done: true };
    if (own.epoch !== answer.epoch) return { offset: Math.min(own.end, ownLeo), done: false };
    return { offset: Math.min(answer.end, own.end, ownLeo), done: true };
  },
};

/**
 * T3 (2.7): the follower fetches at once with its last fetched epoch, and the leader answers
 * DivergingEpoch when that epoch is unknown or ends below the fetch offset (F4).
 */
const divergingEpoch: TruncationRule = {
  ...kip279,
  name: 'diverging-epoch',
  asksLeaderEpoch: false,
  followStart: () => 'fetchDirectly',
  lastFetchedEpoch: (r) => latestEpoch(r.cache),
  divergence: (leader, req) => {
    if (req.lastFetchedEpoch < 0) return null;
    const found = endOffsetForEpoch(leader.cache, leo(leader), req.lastFetchedEpoch);
    if (found.epoch < 0 || found.end < 0) return null;
    return found.epoch < req.lastFetchedEpoch || found.end < req.fetchOffset ? found : null;
  },
  hasUndefinedEpochEnd: (leader, req) => {
    if (req.lastFetchedEpoch < 0) return false;
    const found = endOffsetForEpoch(leader.cache, leo(leader), req.lastFetchedEpoch);
    return found.epoch < 0 || found.end < 0;
  },
};

export const TRUNCATION_RULES: Readonly<Record<Truncation, TruncationRule>> = {
  hw: truncateToHw, kip101, kip279, 'diverging-epoch': divergingEpoch,
};

/** The rules of one configuration. Plain values and the functions of one truncation generation. */
export interface Rules {
  /** Brokers holding the partition, in assignment order (1..rf). */
  readonly replicas: readonly BrokerId[];
  /** Replicas that never join the ISR (O1): the last ones in assignment order. */
  readonly observers: readonly BrokerId[];
  /** min.insync.replicas as configured at the start (the ELR and its invariant use it as it is); R7 may change it. */
  readonly minIsr: number;
  /** R7: the operator may change min.insync.replicas (`maxMinIsrChanges` > 0), so the current value is the controller's. */
  readonly minIsrMayChange: boolean;
  readonly acks: Acks;
  /** D1: every append is flushed (log.flush.interval.messages=1). */
  readonly flushEveryRecord: boolean;
  /** H7: the HW checkpoint is written now and then, not with every HW change. */
  readonly hwCheckpointLags: boolean;
  readonly truncation: TruncationRule;
  /** A follower starts over on every leader-epoch change (KAFKA-7164), not only a leader change. */
  readonly restartFollowingOnEpochChange: boolean;
  readonly fetch: {
    /** F1/F2 (KIP-320): fetches carry the leader epoch and the serving replica fences on it. */
    readonly carriesLeaderEpoch: boolean;
    /** F3 (KAFKA-15221, KRaft only): a fetch from an older incarnation than the registered one is refused. */
    readonly checksBrokerEpoch: boolean;
    /** F4 (KAFKA-13141): a diverging fetch does not update the follower's fetch state. */
    readonly divergingSkipsFollowerUpdate: boolean;
    /** F8 (KAFKA-14704): a follower truncates before taking the HW of a diverging response. */
    readonly truncateBeforeHwUpdate: boolean;
    /** A fetcher drops responses to requests from another epoch or fetch offset. */
    readonly dropsStaleResponses: boolean;
    /** Followers send fetches at all (always in Kafka; a mutation turns it off). */
    readonly followersFetch: boolean;
  };
  readonly newLeader: {
    /** E2 (KAFKA-7415): a new leader writes (LE, LEO) to its epoch cache. */
    readonly writesEpochEntry: boolean;
    /** L5/H5: a new leader forgets what it knew of its followers. */
    readonly forgetsFollowers: boolean;
  };
  readonly isrJoin: {
    /** X2: the follower's LEO has reached the leader's HW. */
    readonly requiresHw: boolean;
    /** X2 (KAFKA-7128): the follower's LEO has reached the leader epoch start offset. */
    readonly requiresLeso: boolean;
    /** X2 (KIP-841): the follower's broker is unfenced (alive, for the ZooKeeper leader). */
    readonly checksBrokerState: boolean;
    /** X2 (KIP-903, KRaft only): the follower fetched with the broker epoch the leader's metadata shows. */
    readonly checksBrokerEpoch: boolean;
  };
  /** H1 (KAFKA-15583): the HW stays put while the ISR is below the effective min ISR. */
  readonly hwRequiresMinIsr: boolean;
  /**
   * S2: 'alterPartition' (KIP-497): the leader proposes and waits for the controller's answer;
   * 'direct': the leader's ISR write takes effect at once (ZooKeeper writes before 2.7).
   */
  readonly isrWrites: 'alterPartition' | 'direct';
  /**
   * H2: which ISR the HW and acks count while a change is pending: 'maximal' (KIP-497: the old
   * ISR during a shrink, the ISR plus the newcomer during an expansion) or 'proposed'.
   */
  readonly hwIsr: 'maximal' | 'proposed';
  readonly metadata: {
    /** M4: a broker ignores metadata from a controller epoch below the highest it has seen. */
    readonly fencesDeposedController: boolean;
  };
  readonly controller: {
    readonly kind: 'zk' | 'kraft';
    /** M3: a controller-initiated ISR shrink bumps the leader epoch (ZooKeeper; KRaft before KAFKA-15021). */
    readonly shrinkBumpsLeaderEpoch: boolean;
    /**
     * M3/S6: a shrink the leader asks for with AlterPartition bumps it too. Only KRaft before
     * KAFKA-15021: its PartitionChangeBuilder bumps on every shrink, whoever asks; the ZooKeeper
     * controller keeps the leader's epoch.
     */
    readonly leaderShrinkBumpsLeaderEpoch: boolean;
    /** L7 (KRaft): a new incarnation registers fenced. */
    readonly registersFenced: boolean;
    /**
     * L7 (KRaft): a fenced broker replays the metadata log like any other (BrokerMetadataPublisher
     * applies each delta whatever the broker's fencing), so it follows the leader while fenced.
     * False for ZooKeeper: its controller sends metadata to live brokers only.
     */
    readonly fencedBrokersReplay: boolean;
    /**
     * L7 (BrokerHeartbeatManager.calculateNextBrokerState): how far a fenced broker's heartbeat must
     * report having replayed before the controller unfences it: its own registration record
     * (KAFKA-13959, 3.4), the last committed offset (KRaft before), or nothing (ZooKeeper).
     */
    readonly unfenceAfterReplaying: 'registration' | 'lastCommitted' | 'nothing';
  };
  readonly alterPartition: {
    /** S3: the request's partition epoch must be the controller's. */
    readonly checksPartitionEpoch: boolean;
    /** S3 (KIP-841): every proposed member is unfenced (alive, for the ZooKeeper controller). */
    readonly checksBrokerState: boolean;
    /** S3 (KIP-903, KRaft only): every proposed member is at the broker epoch the leader saw, unless sent as -1. */
    readonly checksBrokerEpoch: boolean;
  };
  readonly election: {
    /** R1-R5 (KIP-966): eligible leader replicas. */
    readonly elr: boolean;
    /** R3: with ISR and ELR empty, elect the last known leader. */
    readonly lastKnownLeader: boolean;
    /** L2: unclean.leader.election.enable. */
    readonly unclean: boolean;
    /** R3 (KAFKA-19522): the last known leader is elected only when unfenced. */
    readonly lastKnownLeaderMustBeUnfenced: boolean;
  };
  /** L7: a restarted broker keeps its place in the ISR (ZooKeeper before KIP-380). */
  readonly restartKeepsIsr: boolean;
  readonly consumer: {
    readonly enabled: boolean;
    /** C2/C3 (KIP-392): the consumer may read from a follower the leader names. */
    readonly followerReads: boolean;
    /** C2 (KAFKA-14372): the leader names only ISR members whose log covers the position. */
    readonly followerReadsIsrOnly: boolean;
    /** C4/C5 (KIP-320, KAFKA-7747): requests carry the consumer's leader epoch; it validates its position after a leader change. */
    readonly validatesEpoch: boolean;
    /** C5/C6: auto.offset.reset. */
    readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  };
  readonly producer: {
    /** P8: the producer resends batches it holds no ack for (maxRetries > 0). */
    readonly retries: boolean;
    /**
     * P9 (KIP-679 made it the default in 3.0): batches carry a producer epoch and sequence that the
     * leader checks. Only with acks=all, as ProducerConfig turns idempotence off by default otherwise.
     * A producer that does not retry sends no sequences (spec/producer.ts), so it matters only with retries.
     */
    readonly idempotent: boolean;
    /** P10 (KIP-360, 2.5): a leader with no state for the producer accepts any sequence, not only 0. */
    readonly unknownProducerAcceptsAnySequence: boolean;
  };
  /** A guard mutant (guards.ts): one machine guard forced to one answer; null for a real protocol. */
  readonly forcedGuard: ForcedGuard | null;
}

/** Turns a configuration into its rules: the only place a protocol switch is read. */
export function resolveRules(c: ClusterConfig): Rules {
  const replicas = Array.from({ length: c.rf }, (_, i) => i + 1);
  const rules: Rules = {
    replicas,
    observers: replicas.slice(c.rf - c.observers),
    minIsr: c.minIsr,
    minIsrMayChange: (c.maxMinIsrChanges ?? 0) > 0,
    acks: c.acks,
    flushEveryRecord: c.flushEveryRecord,
    hwCheckpointLags: c.hwCheckpointLags,
    truncation: TRUNCATION_RULES[c.truncation],
    restartFollowingOnEpochChange: c.truncateOnEveryEpochChange,
    fetch: {
      carriesLeaderEpoch: c.fetchCarriesLeaderEpoch,
      checksBrokerEpoch: c.controller === 'kraft' && c.fetchChecksBrokerEpoch,
      divergingSkipsFollowerUpdate: c.skipFollowerUpdateOnDiverging,
      truncateBeforeHwUpdate: c.truncateBeforeHwUpdate,
      dropsStaleResponses: true,
      followersFetch: true,
    },
    newLeader: { writesEpochEntry: c.epochEntryOnBecomeLeader, forgetsFollowers: true },
    isrJoin: {
      requiresHw: true, requiresLeso: c.isrJoinRequiresLeso, checksBrokerState: c.isrEligibilityChecksBrokerState,
      checksBrokerEpoch: c.controller === 'kraft' && c.isrEligibilityChecksBrokerEpoch,
    },
    hwRequiresMinIsr: c.hwRequiresMinIsr,
    isrWrites: c.asyncAlterPartition ? 'alterPartition' : 'direct',
    // A direct write takes effect within the step that proposes it: the HW counts the ISR in effect.
    hwIsr: c.hwUsesMaximalIsr || !c.asyncAlterPartition ? 'maximal' : 'proposed',
    metadata: { fencesDeposedController: true },
    controller: {
      kind: c.controller,
      shrinkBumpsLeaderEpoch: c.controller === 'zk' || c.bumpLeaderEpochOnIsrShrink,
      leaderShrinkBumpsLeaderEpoch: c.controller === 'kraft' && c.bumpLeaderEpochOnIsrShrink,
      registersFenced: c.controller === 'kraft',
      fencedBrokersReplay: c.controller === 'kraft',
      unfenceAfterReplaying: c.controller !== 'kraft' ? 'nothing' : c.unfenceAtRegistrationRecord ? 'registration' : 'lastCommitted',
    },
    alterPartition: {
      checksPartitionEpoch: true, checksBrokerState: c.isrEligibilityChecksBrokerState,
      checksBrokerEpoch: c.controller === 'kraft' && c.isrEligibilityChecksBrokerEpoch,
    },
    election: {
      elr: c.elr, lastKnownLeader: c.lastKnownLeaderElection, unclean: c.unclean,
      lastKnownLeaderMustBeUnfenced: c.lastKnownLeaderMustBeUnfenced,
    },
    restartKeepsIsr: c.restartLeavesIsr,
    consumer: {
      enabled: c.consumer, followerReads: c.followerReads, followerReadsIsrOnly: c.followerReadsIsrOnly,
      validatesEpoch: c.consumerValidatesEpoch, autoOffsetReset: c.autoOffsetReset,
    },
    producer: {
      retries: (c.maxRetries ?? 0) > 0,
      idempotent: c.idempotentProducer && c.acks === 'all',
      unknownProducerAcceptsAnySequence: c.unknownProducerAcceptsAnySequence,
    },
    forcedGuard: c.forcedGuard === undefined ? null : parseForcedGuard(c.forcedGuard) ?? null,
  };
  return c.mutation === undefined ? rules : MUTATION_RULES[c.mutation](rules);
}

/** O1/O4: observers replicate but never join the ISR. */
export function isObserver(k: Rules, b: BrokerId): boolean {
  return k.observers.includes(b);
}

/** Whether a metadata change makes a follower start over (KAFKA-7164 added epoch-only changes). */
export function mustRestartFollowing(k: Rules, r: ReplicaContext, leader: number, epoch: number): boolean {
  if (r.knownMetadata < 0) return true;
  return leader !== r.leader || (k.restartFollowingOnEpochChange && epoch !== r.leaderEpoch);
}

/** F2: a request's leader epoch against the serving replica's (only when requests carry one). */
export function epochFencing(k: Rules, r: ReplicaContext, requestEpoch: number): FetchError | null {
  if (!k.fetch.carriesLeaderEpoch || requestEpoch < 0) return null;
  if (requestEpoch < r.leaderEpoch) return 'FENCED_LEADER_EPOCH';
  if (requestEpoch > r.leaderEpoch) return 'UNKNOWN_LEADER_EPOCH';
  return null;
}

/** F3 (KAFKA-15221, KRaft only): a fetch from an older incarnation than the registered one is refused (Replica.updateFetchStateOrThrow). */
export function isStaleIncarnation(k: Rules, r: ReplicaContext, req: FetchRequest): boolean {
  return k.fetch.checksBrokerEpoch && req.brokerEpoch < r.brokerEpochs[req.from - 1];
}

/**
 * X2: a follower joins the ISR when it is not an observer, its LEO has reached the leader's HW
 * (and, from KAFKA-7128, the leader's epoch start offset), with KIP-841 the leader's metadata
 * shows it unfenced, and with KIP-903 (KRaft) at the broker epoch it fetched with
 * (Partition.isReplicaIsrEligible). No lag-time condition.
 */
export function canJoinIsr(k: Rules, leader: ReplicaContext, follower: BrokerId): boolean {
  const followerLeo = leader.remoteLeo[follower - 1];
  if (isObserver(k, follower) || leader.isr.includes(follower)) return false;
  const caughtUp = k.isrJoin.requiresHw ? followerLeo >= leader.hw : followerLeo >= 0;
  if (!caughtUp || (k.isrJoin.requiresLeso && followerLeo < leader.leso)) return false;
  const i = follower - 1;
  if (k.isrJoin.checksBrokerState && leader.fenced[i]) return false;
  return !k.isrJoin.checksBrokerEpoch || leader.remoteBrokerEpoch[i] === leader.brokerEpochs[i];
}

/**
 * L7 (BrokerHeartbeatManager.calculateNextBrokerState, FENCED case): whether a fenced broker whose
 * heartbeat reports `replayed` as its metadata offset has caught up enough to be unfenced: to its
 * own registration record (KAFKA-13959), to the last committed offset before it, or at once with
 * ZooKeeper (its session is back).
 */
export function hasCaughtUp(k: Rules, ctrl: ControllerContext, b: BrokerId, replayed: number): boolean {
  const rule = k.controller.unfenceAfterReplaying;
  if (rule === 'nothing') return true;
  return replayed >= (rule === 'registration' ? ctrl.registeredAt[b - 1] : ctrl.metadataOffset);
}

/** P3/H1: `min(min.insync.replicas, voters)` for a configured value, as Partition.effectiveMinIsr computes it. */
export function effectiveMinIsrOf(k: Rules, minIsr: number): number {
  return Math.min(minIsr, k.replicas.length - k.observers.length);
}
