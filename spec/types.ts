/**
 * Types shared by the Kafka model: ids, offsets, epochs, log entries, partition registrations and
 * the messages brokers exchange. Everything here is plain, immutable data, so a cluster state can
 * be fingerprinted, compared and written into a trace as it is.
 */

/** Brokers are numbered 1..rf; `NO_LEADER` (-1) stands for "no leader", as in Kafka. */
export type BrokerId = number;
export const NO_LEADER = -1;

/**
 * A record in a replica's log: the value the producer sent and the leader epoch that appended it.
 * A batch from the idempotent producer also carries its producer epoch and sequence number
 * (RecordBatch `producerEpoch`, `baseSequence`); the keys are absent otherwise, so logs of a
 * producer that does not retry are as they always were.
 */
export interface Entry {
  readonly epoch: number;
  readonly value: number;
  readonly producerEpoch?: number;
  readonly sequence?: number;
}

/** What the idempotent producer stamps on a batch: its producer epoch and the batch's sequence (P9). */
export interface ProducerBatch {
  readonly producerEpoch: number;
  readonly sequence: number;
}

/** One row of the leader-epoch cache: `epoch` began at offset `start` (LeaderEpochFileCache). */
export interface EpochEntry {
  readonly epoch: number;
  readonly start: number;
}

/** The controller's record of the partition (PartitionRegistration). */
export interface Registration {
  readonly leader: BrokerId;
  readonly isr: readonly BrokerId[];
  /** Eligible leader replicas (KIP-966): out of the ISR but known to hold everything committed. */
  readonly elr: readonly BrokerId[];
  /** The last leader, kept when the partition goes leaderless with ELR on (balanced recovery). */
  readonly lastKnownLeader: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

/** The part of the controller's metadata a broker learns by replaying the metadata log. */
export interface MetadataImage {
  /** The epoch of the controller that wrote it (M4: brokers reject a deposed controller's). */
  readonly controllerEpoch: number;
  readonly registration: Registration;
  /** Registered broker epoch of each broker (index broker-1); a new incarnation gets a new one. */
  readonly brokerEpochs: readonly number[];
  readonly fenced: readonly boolean[];
  /** The topic's min.insync.replicas (a ConfigRecord the broker replays into the log config; R7). */
  readonly minIsr: number;
}

export type FetchError =
  | 'NOT_LEADER_OR_FOLLOWER'
  | 'FENCED_LEADER_EPOCH'
  | 'UNKNOWN_LEADER_EPOCH'
  | 'OFFSET_OUT_OF_RANGE';

/** Epoch and end offset as OffsetsForLeaderEpoch and DivergingEpoch carry them; -1 = undefined. */
export interface EpochEndOffset {
  readonly epoch: number;
  readonly end: number;
}

export interface FetchRequest {
  readonly kind: 'FetchRequest';
  readonly from: BrokerId;
  readonly to: BrokerId;
  readonly fetchOffset: number;
  /** Epoch of the follower's last record (Fetch v12+); -1 when absent. */
  readonly lastFetchedEpoch: number;
  /** The leader epoch the follower believes in; -1 when the request carries none (before KIP-320). */
  readonly currentLeaderEpoch: number;
  readonly brokerEpoch: number;
  /** The follower's own leader epoch when it sent the request: lets it spot a stale response. */
  readonly sentInEpoch: number;
}

export interface FetchResponse {
  readonly kind: 'FetchResponse';
  readonly from: BrokerId;
  readonly to: BrokerId;
  readonly sentInEpoch: number;
  /** The incarnation that sent the request: a restarted broker's old connections are gone. */
  readonly toIncarnation: number;
  /** The fetch offset of the request this answers (the fetcher checks it still matches). */
  readonly fetchOffset: number;
  readonly error: FetchError | null;
  readonly diverging: EpochEndOffset | null;
  readonly records: readonly Entry[];
  readonly highWatermark: number;
  readonly leaderLeo: number;
}

/** OffsetsForLeaderEpoch, used by the KIP-101 and KIP-279 truncation generations. */
export interface EpochRequest {
  readonly kind: 'EpochRequest';
  readonly from: BrokerId;
  readonly to: BrokerId;
  readonly epoch: number;
  readonly currentLeaderEpoch: number;
  readonly sentInEpoch: number;
  readonly brokerEpoch: number;
}

export interface EpochResponse {
  readonly kind: 'EpochResponse';
  readonly from: BrokerId;
  readonly to: BrokerId;
  readonly sentInEpoch: number;
  readonly toIncarnation: number;
  readonly error: FetchError | null;
  readonly answer: EpochEndOffset;
}

export interface AlterPartition {
  readonly kind: 'AlterPartition';
  readonly from: BrokerId;
  readonly to: 0;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly isr: readonly BrokerId[];
  /** Broker epoch of each proposed ISR member as the leader saw it (KIP-903). */
  readonly memberEpochs: readonly number[];
  /** The sender's own broker epoch (its incarnation): the controller refuses an earlier one's request. */
  readonly brokerEpoch: number;
}

export interface AlterPartitionResponse {
  readonly kind: 'AlterPartitionResponse';
  readonly from: 0;
  readonly to: BrokerId;
  readonly error: string | null;
  readonly leaderEpoch: number;
  readonly isr: readonly BrokerId[];
  readonly partitionEpoch: number;
  /** The request this answers: its proposed ISR and the partition epoch it was based on. */
  readonly proposedIsr: readonly BrokerId[];
  readonly proposedAtEpoch: number;
  /** The incarnation that sent the request: a restarted broker's old connections are gone. */
  readonly toIncarnation: number;
}

/** Messages on the wire between brokers and the controller (broker 0 stands for the controller). */
export type Message =
  | FetchRequest
  | FetchResponse
  | EpochRequest
  | EpochResponse
  | AlterPartition
  | AlterPartitionResponse;

export type MessageKind = Message['kind'];

export type Acks = 0 | 1 | 'all';

/** What a leader tells a producer; only positive acks matter to the properties. */
export interface ProduceAck {
  readonly kind: 'ProduceAck';
  readonly value: number;
  readonly offset: number;
  readonly acks: Acks;
}

/** The produce errors the producer acts on (P10, P11); the others leave it to retry as it would anyway. */
export type ProduceErrorCode = 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'UNKNOWN_PRODUCER_ID' | 'INVALID_PRODUCER_EPOCH';

/** A leader's error answer to a produce request, sent only to a producer that retries. */
export interface ProduceError {
  readonly kind: 'ProduceError';
  readonly value: number;
  readonly error: ProduceErrorCode;
}

/** Everything a machine can emit: messages to deliver, and acks and errors to the producer. */
export type Outgoing = Message | ProduceAck | ProduceError;
