/**
 * The protocol switches: every rule that changed between Kafka releases, declared once with its
 * type, its meaning and the change that flipped it. `versions.ts` names releases as values of
 * these switches; `rules.ts` turns a configuration's values into the protocol's rules. Nothing
 * else reads a switch.
 */
import { choice, flag, type ValueOf } from './declare.ts';

export type Truncation = 'hw' | 'kip101' | 'kip279' | 'diverging-epoch';
export const TRUNCATIONS: readonly Truncation[] = ['hw', 'kip101', 'kip279', 'diverging-epoch'];

export const SWITCHES = {
  truncation: choice(TRUNCATIONS, 'how a follower finds where its log diverges from the leader\'s (T0-T3)',
    'KIP-101 / KIP-279 / KIP-595', '0.11 / 2.0 / 2.7'),
  fetchCarriesLeaderEpoch: flag('fetches carry the leader epoch and are fenced on it (F2)', 'KIP-320', '2.1'),
  truncateOnEveryEpochChange: flag('a follower truncates on every leader-epoch change, not only a leader change', 'KAFKA-7164', '2.1'),
  epochEntryOnBecomeLeader: flag('a new leader writes (LE, LEO) to its epoch cache before any append (E2)', 'KAFKA-7415', '2.1'),
  isrJoinRequiresLeso: flag('a follower joins the ISR only once its LEO reaches the leader epoch start offset (X2)', 'KAFKA-7128', '2.1'),
  asyncAlterPartition: flag('the leader proposes ISR changes with AlterPartition and waits for the answer (S2); false = its write takes effect at once', 'KIP-497', '2.7'),
  hwUsesMaximalIsr: flag('while a change is pending, the HW and acks count the maximal ISR (H2); false = the proposed ISR', 'KIP-497', '2.7'),
  skipFollowerUpdateOnDiverging: flag('a diverging fetch leaves the follower\'s fetch state alone (F4)', 'KAFKA-13141', '3.0'),
  truncateBeforeHwUpdate: flag('a follower truncates before taking the HW of a diverging response (F8)', 'KAFKA-14704', '3.5'),
  hwRequiresMinIsr: flag('the leader HW stays put while the ISR is below min.insync.replicas (H1)', 'KAFKA-15583', '3.7'),
  elr: flag('eligible leader replicas (R1-R5)', 'KIP-966', '4.1'),
  lastKnownLeaderElection: flag('with ELR, a partition whose ISR and ELR are empty elects its last leader (R3)', 'KIP-966', '4.1'),
  restartLeavesIsr: flag('a restarted broker keeps its place in the ISR (L7); false from KIP-380 on', 'KIP-380', '2.2'),
  bumpLeaderEpochOnIsrShrink: flag('a KRaft controller bumps the leader epoch on every ISR shrink, the leader\'s AlterPartition included (M3, S6); the ZooKeeper controller bumps it on the shrinks it makes itself, whatever this says', 'KAFKA-15021', '3.6'),
  controller: choice(['zk', 'kraft'] as const, 'the controller: ZooKeeper-based (controller epoch, zombie controllers) or the KRaft quorum (M4, M5)', 'KIP-500', '3.7'),
  lastKnownLeaderMustBeUnfenced: flag('the last-known-leader election (R3) skips a fenced last leader', 'KAFKA-19522', '4.1'),
  isrEligibilityChecksBrokerState: flag('a fenced or shutting-down broker may not join the ISR, at the leader or the controller (X2, S3)', 'KIP-841', '3.3'),
  isrEligibilityChecksBrokerEpoch: flag('in KRaft, ISR joins also check the broker epoch the follower fetched with (X2, S3); the ZooKeeper controller never does', 'KIP-903', '3.5'),
  fetchChecksBrokerEpoch: flag('in KRaft, a follower fetch with an older broker epoch than the registered one is refused (F3); never with ZooKeeper', 'KAFKA-15221', '3.7'),
  consumerValidatesEpoch: flag('the consumer sends its leader epoch and validates its position after a leader change (C4, C5)', 'KIP-320 / KAFKA-7747', '2.3'),
  unknownProducerAcceptsAnySequence: flag('a leader with no state for a producer accepts any sequence from it; false = UNKNOWN_PRODUCER_ID unless it is 0 (P10)', 'KIP-360', '2.5'),
  idempotentProducer: flag('the producer is idempotent (enable.idempotence, on by default with acks=all): its batches carry a producer epoch and sequence the leader checks (P9-P12); it matters only when the producer retries (maxRetries)', 'KIP-679', '3.0'),
  unfenceAtRegistrationRecord: flag('a fenced KRaft broker is unfenced once it has replayed the metadata up to its own registration record; false = up to the controller\'s last committed offset (L7); never with ZooKeeper', 'KAFKA-13959', '3.4'),
  followerReadsIsrOnly: flag('the leader names only ISR members as a consumer\'s preferred read replica (C2)', 'KAFKA-14372', '3.4'),
} as const;

export type SwitchName = keyof typeof SWITCHES;
export type ProtocolSwitches = { readonly [K in SwitchName]: ValueOf<(typeof SWITCHES)[K]> };
export const SWITCH_NAMES = Object.keys(SWITCHES) as SwitchName[];
