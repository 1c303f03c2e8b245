/**
 * Protocol versions as data. Each named version is the one before it with only the rules that
 * changed (domain brief §1.15), so every historical anomaly is a configuration, never a copy of a
 * machine. The newest version is what Kafka does today.
 */

export type Truncation = 'hw' | 'kip101' | 'kip279' | 'diverging-epoch';
export const TRUNCATIONS: readonly Truncation[] = ['hw', 'kip101', 'kip279', 'diverging-epoch'];

export interface ProtocolSwitches {
  /** How a follower finds where its log diverges from the leader's (§1.7). */
  readonly truncation: Truncation;
  /** Fetch and OffsetsForLeaderEpoch carry the leader epoch and are fenced on it (KIP-320, 2.1). */
  readonly fetchCarriesLeaderEpoch: boolean;
  /** A follower truncates on every leader-epoch change, not only a leader change (KAFKA-7164, 2.1). */
  readonly truncateOnEveryEpochChange: boolean;
  /** A new leader writes (LE, LEO) to its epoch cache before any append (KAFKA-7415, 2.1). */
  readonly epochEntryOnBecomeLeader: boolean;
  /** A follower may join the ISR only once its LEO reaches the leader's LESO (KAFKA-7128, 2.1). */
  readonly isrJoinRequiresLeso: boolean;
  /** ISR changes go through AlterPartition and the leader uses the maximal ISR (KIP-497, 2.7). */
  readonly maximalIsr: boolean;
  /** A diverging fetch does not update the follower's fetch state (KAFKA-13141, 3.0). */
  readonly skipFollowerUpdateOnDiverging: boolean;
  /** A follower truncates before taking the HW of a diverging response (KAFKA-14704, 3.5). */
  readonly truncateBeforeHwUpdate: boolean;
  /** The leader HW does not advance while the ISR is below min.insync.replicas (KAFKA-15583, 3.7). */
  readonly hwRequiresMinIsr: boolean;
  /** Eligible leader replicas (KIP-966): 4.0 opt-in, default on new clusters from 4.1. */
  readonly elr: boolean;
  /** With ELR, a leaderless partition whose ISR and ELR are empty elects its last leader (unclean). */
  readonly lastKnownLeaderElection: boolean;
  /** A restarted broker stays in the ISR (ZooKeeper before KIP-380, 2.2); false = KIP-380 and KRaft. */
  readonly restartLeavesIsr: boolean;
  /** ISR eligibility and fetches check broker state and broker epoch (KIP-841 3.3, KIP-903 3.5). */
  readonly isrEligibilityChecksBrokerState: boolean;
}

export const SWITCH_DOCS: Readonly<Record<keyof ProtocolSwitches, string>> = {
  truncation: 'follower truncation generation: hw | kip101 | kip279 | diverging-epoch',
  fetchCarriesLeaderEpoch: 'fetches carry the leader epoch and are fenced on it (KIP-320, 2.1)',
  truncateOnEveryEpochChange: 'truncate on every leader-epoch change (KAFKA-7164, 2.1)',
  epochEntryOnBecomeLeader: 'new leader writes (LE, LEO) to its epoch cache (KAFKA-7415, 2.1)',
  isrJoinRequiresLeso: 'ISR join requires LEO >= leader epoch start offset (KAFKA-7128, 2.1)',
  maximalIsr: 'AlterPartition with the maximal ISR (KIP-497, 2.7); false = direct ZooKeeper writes',
  skipFollowerUpdateOnDiverging: 'a diverging fetch leaves follower state alone (KAFKA-13141, 3.0)',
  truncateBeforeHwUpdate: 'truncate before taking the HW of a diverging response (KAFKA-14704, 3.5)',
  hwRequiresMinIsr: 'HW frozen while ISR < min.insync.replicas (KAFKA-15583, 3.7)',
  elr: 'eligible leader replicas (KIP-966; default from 4.1)',
  lastKnownLeaderElection: 'with ELR, elect the last known leader when ISR and ELR are empty',
  restartLeavesIsr: 'a restarted broker stays in the ISR (ZooKeeper before KIP-380)',
  isrEligibilityChecksBrokerState: 'ISR joins and fetches check broker state and epoch (KIP-841/903)',
};

/** 0.10: truncate to the local high watermark, ZooKeeper controller, no leader epochs. */
const kafka010: ProtocolSwitches = {
  truncation: 'hw',
  fetchCarriesLeaderEpoch: false,
  truncateOnEveryEpochChange: false,
  epochEntryOnBecomeLeader: false,
  isrJoinRequiresLeso: false,
  maximalIsr: false,
  skipFollowerUpdateOnDiverging: false,
  truncateBeforeHwUpdate: false,
  hwRequiresMinIsr: false,
  elr: false,
  lastKnownLeaderElection: false,
  restartLeavesIsr: true,
  isrEligibilityChecksBrokerState: false,
};
const kafka011: ProtocolSwitches = { ...kafka010, truncation: 'kip101' };
const kafka20: ProtocolSwitches = { ...kafka011, truncation: 'kip279' };
const kafka21: ProtocolSwitches = {
  ...kafka20,
  fetchCarriesLeaderEpoch: true,
  truncateOnEveryEpochChange: true,
  epochEntryOnBecomeLeader: true,
  isrJoinRequiresLeso: true,
};
const kafka22: ProtocolSwitches = { ...kafka21, restartLeavesIsr: false };
const kafka27: ProtocolSwitches = { ...kafka22, truncation: 'diverging-epoch', maximalIsr: true };
const kafka30: ProtocolSwitches = { ...kafka27, skipFollowerUpdateOnDiverging: true };
const kafka35: ProtocolSwitches = { ...kafka30, truncateBeforeHwUpdate: true, isrEligibilityChecksBrokerState: true };
const kafka37: ProtocolSwitches = { ...kafka35, hwRequiresMinIsr: true };
const kafka41: ProtocolSwitches = { ...kafka37, elr: true, lastKnownLeaderElection: true };

/** Named protocol versions, oldest first. */
export const VERSIONS: Readonly<Record<string, ProtocolSwitches>> = {
  'kafka-0.10': kafka010,
  'kafka-0.11': kafka011,
  'kafka-2.0': kafka20,
  'kafka-2.1': kafka21,
  'kafka-2.2': kafka22,
  'kafka-2.7': kafka27,
  'kafka-3.0': kafka30,
  'kafka-3.5': kafka35,
  'kafka-3.7': kafka37,
  'kafka-4.1': kafka41,
};

export const CURRENT_VERSION = 'kafka-4.1';

/**
 * The version `--truncation X` selects: the release that introduced generation X, so that its
 * other rules are the ones of its era (kip279 is 2.0, before KIP-320's fencing arrived in 2.1).
 */
export const GENERATION_VERSION: Readonly<Record<Truncation, string>> = {
  hw: 'kafka-0.10',
  kip101: 'kafka-0.11',
  kip279: 'kafka-2.0',
  'diverging-epoch': CURRENT_VERSION,
};
