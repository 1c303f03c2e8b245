/**
 * A replica's state (Partition, Replica and UnifiedLog fields that matter to replication) and the
 * helpers every role uses: truncation, the message outbox, the broker's view of metadata.
 *
 * Disk state (log, high watermark checkpoint, epoch cache, flushed offset) survives a process
 * crash; everything else is volatile and is reset by `Crash` (see replica.ts).
 */
import type { BrokerId, Entry, EpochEntry, Outgoing } from './types.ts';
import { NO_LEADER } from './types.ts';
import { truncateCacheFromEnd } from './log.ts';

export interface PendingAck {
  readonly value: number;
  readonly offset: number;
}

export interface ReplicaContext {
  readonly id: BrokerId;
  /** Broker epoch of this incarnation (KIP-903); bumped by every restart. */
  readonly incarnation: number;
  // --- disk ---
  readonly log: readonly Entry[];
  /** High watermark (exclusive); also what the checkpoint file restores after a restart (H7). */
  readonly hw: number;
  /** Offsets below this were fsynced; only they survive a lossy crash (D1). */
  readonly flushedTo: number;
  readonly cache: readonly EpochEntry[];
  /** H7: the HW in the checkpoint file; only kept apart from `hw` when checkpoints lag (Rules). */
  readonly hwCheckpoint: number;
  /** D2: the last shutdown was clean (controlled, log flushed); the next registration says so. */
  readonly cleanShutdown: boolean;
  // --- metadata view (what this broker has replayed of the controller's metadata) ---
  /** Metadata offset applied; -1 after a restart until the broker replays metadata again. */
  readonly knownMetadata: number;
  /** The highest controller epoch seen (M4): metadata from a lower one is a deposed controller's. */
  readonly controllerEpoch: number;
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  /** The committed ISR as this broker knows it (followers keep it too; only leaders use it). */
  readonly isr: readonly BrokerId[];
  readonly brokerEpochs: readonly number[];
  readonly fenced: readonly boolean[];
  /** min.insync.replicas as replayed (R7); 0 until the broker replays metadata. */
  readonly minIsr: number;
  // --- leader only ---
  /** Leader epoch start offset: the LEO when this replica became leader in its current epoch. */
  readonly leso: number;
  /** Each replica's LEO as last fetched in this leader epoch (index broker-1); -1 = unknown. */
  readonly remoteLeo: readonly number[];
  /** Broker epoch each follower sent with its last accepted fetch (index broker-1). */
  readonly remoteBrokerEpoch: readonly number[];
  /** The ISR proposed in the in-flight AlterPartition, if any (P `PendingExpandIsr`/`PendingShrinkIsr`). */
  readonly pendingIsr: readonly BrokerId[] | null;
  /** acks=all requests parked in DelayedProduce. */
  readonly pendingAcks: readonly PendingAck[];
  /**
   * S2: this broker's AlterPartitionManager has a request out that the controller has not answered
   * (kept across leadership changes, forgotten by a crash); no other may be sent until it is.
   */
  readonly alterInFlight: boolean;
  // --- follower only ---
  /**
   * F10: the leader epoch in which the request out to the leader (a fetch or OffsetsForLeaderEpoch)
   * was sent, -1 when none is out. The fetcher thread sends nothing else to that leader until it is
   * answered or fails; only that answer or failure frees it.
   */
  readonly fetchOutAtEpoch: number;
  /** KIP-101/KIP-279: the follower must ask OffsetsForLeaderEpoch before it fetches. */
  readonly needsEpochQuery: boolean;
  /** A divergence learned but not yet acted on (the window KAFKA-14704 closed). */
  readonly pendingTruncation: number;
}

/**
 * What a step of a machine does: its next context and the messages it sends. Helpers that send
 * return a `Reaction`, so a message cannot be left behind: the machine's `react` action assigns
 * the context and emits the messages (spec/xstate/react.ts), the only way out of a machine.
 */
export interface Reaction<C> {
  readonly context: C;
  readonly sent: readonly Outgoing[];
}

const NONE: readonly never[] = [];

/** A context's fields, writable: a fresh copy a helper sets before it returns it. */
export type Draft = { -readonly [K in keyof ReplicaContext]: ReplicaContext[K] };

/**
 * A copy of `r` for a helper to change before it returns it, as `{ ...r, hw }` would: one literal
 * with every key in the order above, so every context has the same keys in the same order and one
 * hidden class. (Spreads over contexts of many classes fall to the engine's generic clone, which made
 * dozens of classes, most with their fields out of line, and every read of a context polymorphic.)
 */
export function draft(r: ReplicaContext): Draft {
  return {
    id: r.id, incarnation: r.incarnation, log: r.log, hw: r.hw, flushedTo: r.flushedTo, cache: r.cache, hwCheckpoint: r.hwCheckpoint,
    cleanShutdown: r.cleanShutdown, knownMetadata: r.knownMetadata, controllerEpoch: r.controllerEpoch, leader: r.leader,
    leaderEpoch: r.leaderEpoch, partitionEpoch: r.partitionEpoch, isr: r.isr, brokerEpochs: r.brokerEpochs, fenced: r.fenced,
    minIsr: r.minIsr, leso: r.leso, remoteLeo: r.remoteLeo, remoteBrokerEpoch: r.remoteBrokerEpoch, pendingIsr: r.pendingIsr, pendingAcks: r.pendingAcks,
    alterInFlight: r.alterInFlight, fetchOutAtEpoch: r.fetchOutAtEpoch, needsEpochQuery: r.needsEpochQuery, pendingTruncation: r.pendingTruncation,
  };
}

/**
 * The per-broker arrays of a replica that has applied no metadata, made once per replication
 * factor and shared like `NONE` (contexts are never changed in place): a crash starts from them.
 */
const BLANK: { brokerEpochs: readonly number[]; fenced: readonly boolean[]; remoteLeo: readonly number[]; remoteBrokerEpoch: readonly number[] }[] = [];

function blankArrays(rf: number): (typeof BLANK)[number] {
  return {
    brokerEpochs: new Array<number>(rf).fill(1),
    fenced: new Array<boolean>(rf).fill(false),
    remoteLeo: new Array<number>(rf).fill(-1),
    remoteBrokerEpoch: new Array<number>(rf).fill(-1),
  };
}

/** A replica as the cluster starts it: empty log, no metadata applied yet. */
export function initialReplica(id: BrokerId, rf: number): Draft {
  const blank = (BLANK[rf] ??= blankArrays(rf));
  return {
    id,
    incarnation: 1,
    log: NONE,
    hw: 0,
    flushedTo: 0,
    cache: NONE,
    hwCheckpoint: 0,
    cleanShutdown: false,
    knownMetadata: -1,
    controllerEpoch: 0,
    leader: NO_LEADER,
    leaderEpoch: -1,
    partitionEpoch: -1,
    isr: NONE,
    brokerEpochs: blank.brokerEpochs,
    fenced: blank.fenced,
    minIsr: 0,
    leso: 0,
    remoteLeo: blank.remoteLeo,
    remoteBrokerEpoch: blank.remoteBrokerEpoch,
    pendingIsr: null,
    pendingAcks: NONE,
    alterInFlight: false,
    fetchOutAtEpoch: -1,
    needsEpochQuery: false,
    pendingTruncation: -1,
  };
}

export function leo(r: Pick<ReplicaContext, 'log'>): number {
  return r.log.length;
}

/**
 * `UnifiedLog.truncateTo(offset)`: drop the records at and after `offset`, lower the HW and flushed
 * offset with them, and forget the epochs that start there (the cache is trimmed even when nothing
 * is dropped, KAFKA-10706).
 */
export function truncateTo(r: ReplicaContext, offset: number): ReplicaContext {
  const cache = truncateCacheFromEnd(r.cache, offset);
  if (offset >= r.log.length && cache === r.cache) return r;
  const next = draft(r);
  if (offset < r.log.length) {
    next.log = r.log.slice(0, offset);
    next.hw = Math.min(r.hw, offset);
    next.flushedTo = Math.min(r.flushedTo, offset);
  }
  next.cache = cache;
  return next;
}

/** A step that sends nothing. */
export function quiet<C>(context: C): Reaction<C> {
  return { context, sent: NONE };
}

/** A step that sends `sent`. */
export function sending<C>(context: C, ...sent: Outgoing[]): Reaction<C> {
  return { context, sent };
}

/**
 * `first`, then `second`, a reaction of `first`'s context (no closure to build per step): the
 * context of `second`, and the messages of both, in order.
 */
export function andThen<C>(first: Reaction<C>, second: Reaction<C>): Reaction<C> {
  if (first.sent.length === 0) return second;
  if (second.sent.length === 0) return { context: second.context, sent: first.sent };
  return { context: second.context, sent: first.sent.concat(second.sent) };
}

/** `replica` is in this broker's view of the ISR. */
export function inIsr(r: Pick<ReplicaContext, 'isr'>, replica: BrokerId): boolean {
  return r.isr.includes(replica);
}
