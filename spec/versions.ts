/**
 * Protocol versions as data. Each named version is the one before it with only the switches that
 * changed (switches.ts declares them), so every historical anomaly is a configuration, never a
 * copy of a machine. The newest version is what Kafka does today.
 */
import type { ProtocolSwitches, Truncation } from './switches.ts';

export { type ProtocolSwitches, type Truncation, TRUNCATIONS } from './switches.ts';

/** 0.10: truncate to the local high watermark, ZooKeeper controller, no leader epochs. */
const kafka010: ProtocolSwitches = {
  truncation: 'hw',
  fetchCarriesLeaderEpoch: false,
  truncateOnEveryEpochChange: false,
  epochEntryOnBecomeLeader: false,
  isrJoinRequiresLeso: false,
  asyncAlterPartition: false,
  hwUsesMaximalIsr: false,
  skipFollowerUpdateOnDiverging: false,
  truncateBeforeHwUpdate: false,
  hwRequiresMinIsr: false,
  elr: false,
  lastKnownLeaderElection: false,
  restartLeavesIsr: true,
  bumpLeaderEpochOnIsrShrink: true,
  controller: 'zk',
  lastKnownLeaderMustBeUnfenced: false,
  isrEligibilityChecksBrokerState: false,
  isrEligibilityChecksBrokerEpoch: false,
  fetchChecksBrokerEpoch: false,
  consumerValidatesEpoch: false,
  unknownProducerAcceptsAnySequence: false,
  idempotentProducer: false,
  followerReadsIsrOnly: false,
  unfenceAtRegistrationRecord: false,
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
// 2.7 is the first preset after the 2.3 client that validates its position (KAFKA-7747), and after 2.5,
// whose leaders accept any sequence from a producer they hold no state for (KIP-360).
const kafka27: ProtocolSwitches = {
  ...kafka22, truncation: 'diverging-epoch', asyncAlterPartition: true, hwUsesMaximalIsr: true, consumerValidatesEpoch: true,
  unknownProducerAcceptsAnySequence: true,
};
// 3.0's producer is idempotent by default (KIP-679).
const kafka30: ProtocolSwitches = { ...kafka27, skipFollowerUpdateOnDiverging: true, idempotentProducer: true };
// 3.5 is also the first preset after 3.3, which refuses fenced brokers in the ISR (KIP-841), and 3.4, whose
// leaders name only ISR members as read replicas (KAFKA-14372) and whose KRaft controller unfences a broker
// once it has replayed its own registration (KAFKA-13959). Its ZooKeeper controller ignores KIP-903's broker
// epochs and the KRaft unfencing rule.
const kafka35: ProtocolSwitches = {
  ...kafka30, truncateBeforeHwUpdate: true, isrEligibilityChecksBrokerState: true, isrEligibilityChecksBrokerEpoch: true, followerReadsIsrOnly: true,
  unfenceAtRegistrationRecord: true,
};
const kafka37: ProtocolSwitches = {
  ...kafka35, hwRequiresMinIsr: true, controller: 'kraft', bumpLeaderEpochOnIsrShrink: false, fetchChecksBrokerEpoch: true,
};
const kafka41: ProtocolSwitches = { ...kafka37, elr: true, lastKnownLeaderElection: true, lastKnownLeaderMustBeUnfenced: true };

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
