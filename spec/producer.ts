/**
 * The producer's retries and idempotence (P8-P13), on both sides of a produce request.
 *
 * The broker side is Kafka's `ProducerStateManager`: for each producer, the epoch of its latest
 * batch and the metadata of its last five batches in that epoch (`ProducerStateEntry`,
 * NUM_BATCHES_TO_RETAIN), against which `ProducerAppendInfo` checks a client's batch. The model
 * has one producer, and computes that state from the log itself (`producerStateOf`, P13): without
 * retention, what Kafka rebuilds after a truncation or a restart is exactly that, since
 * `ProducerStateManager.truncateAndReload` deletes the snapshots above the log end offset (a power
 * loss may leave one behind for records it lost) and `UnifiedLog.rebuildProducerState` replays the
 * log above the newest snapshot left. Followers build the same state from the batches they copy.
 *
 * The client side is today's `TransactionManager` for a producer without transactions (the KIP-360
 * handling of 2.5, in every release the model runs): batches it holds no ack for, each with its
 * sequence in the current producer epoch; an ack forgets a batch; OUT_OF_ORDER_SEQUENCE_NUMBER or
 * UNKNOWN_PRODUCER_ID on the batch after the last acknowledged one bumps the producer epoch and
 * numbers the outstanding batches again from 0 (`bumpIdempotentProducerEpoch`,
 * `startSequencesAtBeginning`). The producer id never changes (one producer, no InitProducerId
 * round trip, epochs far from Short.MAX_VALUE).
 *
 * Abstracted away: time (a timeout, `request.timeout.ms` and `delivery.timeout.ms`, is a retry that
 * may happen at any step while retries remain), batches of more than one record, the order of
 * in-flight requests without idempotence (any outstanding batch may be resent), giving up on a
 * batch (`delivery.timeout.ms`, and the unresolved sequences an expired batch leaves), and
 * transactions. New batches are sent while older ones are outstanding (max.in.flight 5).
 */
import type { Rules } from './rules.ts';
import type { Entry, ProduceErrorCode, ProducerBatch } from './types.ts';

/** RecordBatch.NO_PRODUCER_EPOCH: a leader that holds no state for the producer. */
export const NO_PRODUCER_EPOCH = -1;
/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the batches a leader remembers for duplicate detection. */
export const BATCHES_RETAINED = 5;

/** One batch a leader remembers (`BatchMetadata`): its sequence and the offset it was appended at. */
export interface BatchMetadata {
  readonly sequence: number;
  readonly offset: number;
}

/** A leader's state for the producer (`ProducerStateEntry`): the epoch of its latest batch and the last five batches in it. */
export interface ProducerEntry {
  readonly epoch: number;
  readonly batches: readonly BatchMetadata[];
}

/** A batch the producer holds no ack for: its value and its sequence in the producer's current epoch. */
export interface OutstandingBatch {
  readonly value: number;
  readonly sequence: number;
}

/** The producer, kept in the cluster state only when it may retry (the `maxRetries` bound). */
export interface ProducerState {
  /** The producer epoch (`ProducerIdAndEpoch.epoch`), bumped on a sequence gap (P11). */
  readonly epoch: number;
  /** The sequence the next new batch gets (`TxnPartitionEntry.nextSequence`). */
  readonly nextSequence: number;
  /** Batches sent and not acknowledged, oldest first. */
  readonly outstanding: readonly OutstandingBatch[];
  /** Resends made so far (the `maxRetries` budget). */
  readonly retries: number;
}

export const NEW_PRODUCER: ProducerState = { epoch: 0, nextSequence: 0, outstanding: [], retries: 0 };

/**
 * P9: the state a replica holds for the producer after replaying `log` (ProducerAppendInfo.append,
 * ProducerStateEntry.addBatch): a batch in another epoch clears the remembered batches, and only
 * the last five are kept.
 */
export function producerStateOf(log: readonly Entry[]): ProducerEntry {
  let epoch = NO_PRODUCER_EPOCH;
  let batches: BatchMetadata[] = [];
  for (let offset = 0; offset < log.length; offset++) {
    const e = log[offset];
    if (e.sequence === undefined || e.producerEpoch === undefined) continue;
    if (e.producerEpoch !== epoch) {
      epoch = e.producerEpoch;
      batches = [];
    }
    if (batches.length === BATCHES_RETAINED) batches.shift();
    batches.push({ sequence: e.sequence, offset });
  }
  return { epoch, batches };
}

/**
 * P9 (`ProducerStateEntry.findDuplicateBatch`): the offset a batch was already appended at, when
 * the leader remembers one with the same epoch and sequence; -1 when it does not.
 */
export function duplicateOffset(log: readonly Entry[], batch: ProducerBatch): number {
  const state = producerStateOf(log);
  if (batch.producerEpoch !== state.epoch) return -1;
  for (const b of state.batches) if (b.sequence === batch.sequence) return b.offset;
  return -1;
}

/**
 * P10 (`ProducerAppendInfo.checkProducerEpoch`, `checkSequence`): why the leader refuses a batch
 * that is not a duplicate, or null when it appends it. An older epoch is fenced; a new epoch must
 * start at sequence 0 unless the leader knows no epoch for the producer, which before KIP-360
 * answered UNKNOWN_PRODUCER_ID and since accepts any sequence; within an epoch the sequence must
 * follow the last one.
 */
export function sequenceError(k: Rules, log: readonly Entry[], batch: ProducerBatch): ProduceErrorCode | null {
  const state = producerStateOf(log);
  if (batch.producerEpoch < state.epoch) return 'INVALID_PRODUCER_EPOCH';
  if (batch.producerEpoch !== state.epoch) {
    if (batch.sequence === 0) return null;
    if (state.epoch !== NO_PRODUCER_EPOCH) return 'OUT_OF_ORDER_SEQUENCE_NUMBER';
    return k.producer.unknownProducerAcceptsAnySequence ? null : 'UNKNOWN_PRODUCER_ID';
  }
  const last = state.batches[state.batches.length - 1].sequence;
  return batch.sequence === last + 1 ? null : 'OUT_OF_ORDER_SEQUENCE_NUMBER';
}

/** The batch the producer sends for `value`: stamped with its epoch and sequence when idempotent, else none. */
export function batchOf(k: Rules, p: ProducerState, value: number): ProducerBatch | undefined {
  if (!k.producer.idempotent) return undefined;
  const sent = p.outstanding.find((b) => b.value === value);
  return { producerEpoch: p.epoch, sequence: sent === undefined ? p.nextSequence : sent.sequence };
}

/** P8: a new batch for `value` is outstanding, with the next sequence. */
export function sendNew(p: ProducerState, value: number): ProducerState {
  return { ...p, nextSequence: p.nextSequence + 1, outstanding: p.outstanding.concat({ value, sequence: p.nextSequence }) };
}

/**
 * P8/P12: the values the producer may resend while retries remain. Without idempotence any
 * outstanding batch (up to max.in.flight.requests.per.connection=5 requests are out, and retries
 * reorder them). An idempotent producer drains a partition's retries in sequence order and sends a
 * resent batch only when it is the first in flight (`RecordAccumulator.shouldStopDrainBatchesForPartition`),
 * so only its oldest outstanding batch.
 */
export function resendable(k: Rules, p: ProducerState, maxRetries: number): readonly number[] {
  if (p.retries >= maxRetries || p.outstanding.length === 0) return NOTHING;
  return k.producer.idempotent ? [p.outstanding[0].value] : p.outstanding.map((b) => b.value);
}
const NOTHING: readonly number[] = [];

/** P8: a resend spends one retry. */
export function spendRetry(p: ProducerState): ProducerState {
  return { ...p, retries: p.retries + 1 };
}

/** P8: an ack (`TransactionManager.handleCompletedBatch`): the batch is no longer outstanding. */
export function acknowledged(p: ProducerState, value: number): ProducerState {
  const i = p.outstanding.findIndex((b) => b.value === value);
  return i < 0 ? p : { ...p, outstanding: p.outstanding.toSpliced(i, 1) };
}

/**
 * P11 (`TransactionManager.canRetry`, `bumpIdempotentProducerEpoch`): OUT_OF_ORDER_SEQUENCE_NUMBER
 * or UNKNOWN_PRODUCER_ID on the batch after the last acknowledged one (the oldest outstanding) is a
 * gap: the producer bumps its epoch and numbers its outstanding batches from 0. On a later batch it
 * only retries. INVALID_PRODUCER_EPOCH is fatal to the batch; the model's producer never sends an
 * older epoch, so it changes nothing.
 */
export function afterError(p: ProducerState, value: number, error: ProduceErrorCode): ProducerState {
  if (error === 'INVALID_PRODUCER_EPOCH' || p.outstanding.length === 0 || p.outstanding[0].value !== value) return p;
  return {
    ...p,
    epoch: p.epoch + 1,
    nextSequence: p.outstanding.length,
    outstanding: p.outstanding.map((b, i) => ({ value: b.value, sequence: i })),
  };
}

/** The producer for people: `epoch 1 · outstanding v2#0 v3#1 · retries 1`. */
export function formatProducer(p: ProducerState): string {
  const out = p.outstanding.length === 0 ? 'nothing outstanding' : `outstanding ${p.outstanding.map((b) => `v${b.value}#${b.sequence}`).join(' ')}`;
  return `producer epoch ${p.epoch} · ${out} · retries ${p.retries}`;
}
