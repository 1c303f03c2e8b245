/**
 * The producer-state helpers (spec/producer.ts) against the Kafka code they follow:
 * ProducerStateEntry (the last five batches of the latest epoch), ProducerAppendInfo.checkSequence
 * (OUT_OF_ORDER_SEQUENCE_NUMBER, and UNKNOWN_PRODUCER_ID before KIP-360), and TransactionManager's
 * epoch bump on a sequence gap.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../spec/config.ts';
import { resolveRules } from '../../spec/rules.ts';
import type { Entry } from '../../spec/types.ts';
import {
  BATCHES_RETAINED, NEW_PRODUCER, NO_PRODUCER_EPOCH, acknowledged, afterError, batchOf, duplicateOffset, producerStateOf, resendable, sendNew,
  sequenceError,
} from '../../spec/producer.ts';

const today = resolveRules(makeConfig({ maxRetries: 1 }));
const before25 = resolveRules(makeConfig({ protocol: 'kafka-2.2', idempotentProducer: true, maxRetries: 1 }));
const withoutIdempotence = resolveRules(makeConfig({ maxRetries: 1, idempotentProducer: false }));

/** A log of batches, each `[value, producerEpoch, sequence]`, in leader epoch 0. */
const logOf = (...batches: [number, number, number][]): Entry[] =>
  batches.map(([value, producerEpoch, sequence]) => ({ epoch: 0, value, producerEpoch, sequence }));

describe('the producer state a log holds (ProducerStateEntry)', () => {
  it('is empty for a log without the producer\'s batches', () => {
    expect(producerStateOf([{ epoch: 0, value: 1 }])).toEqual({ epoch: NO_PRODUCER_EPOCH, batches: [] });
  });

  it('keeps the last five batches of the latest producer epoch, each with its offset', () => {
    const log = logOf([1, 0, 0], [2, 0, 1], [3, 0, 2], [4, 0, 3], [5, 0, 4], [6, 0, 5]);
    const state = producerStateOf(log);
    expect(state.batches).toHaveLength(BATCHES_RETAINED);
    expect(state.batches[0]).toEqual({ sequence: 1, offset: 1 });
    expect(duplicateOffset(log, { producerEpoch: 0, sequence: 0 })).toBe(-1);
    expect(duplicateOffset(log, { producerEpoch: 0, sequence: 5 })).toBe(5);
  });

  it('forgets the batches of an older epoch when a batch of a newer one is appended (maybeUpdateProducerEpoch)', () => {
    const log = logOf([1, 0, 0], [2, 1, 0]);
    expect(producerStateOf(log)).toEqual({ epoch: 1, batches: [{ sequence: 0, offset: 1 }] });
    expect(duplicateOffset(log, { producerEpoch: 0, sequence: 0 })).toBe(-1);
    expect(duplicateOffset(log, { producerEpoch: 1, sequence: 0 })).toBe(1);
  });

  it('is rebuilt from what is left after a truncation or a power loss: a lost batch is no duplicate', () => {
    const log = logOf([1, 0, 0], [2, 0, 1]);
    expect(duplicateOffset(log, { producerEpoch: 0, sequence: 1 })).toBe(1);
    expect(duplicateOffset(log.slice(0, 1), { producerEpoch: 0, sequence: 1 })).toBe(-1);
    expect(sequenceError(today, log.slice(0, 1), { producerEpoch: 0, sequence: 1 })).toBeNull();
  });
});

describe('the leader\'s sequence check (ProducerAppendInfo.checkSequence)', () => {
  const log = logOf([1, 0, 0], [2, 0, 1]);

  it('appends the next sequence and refuses a gap with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    expect(sequenceError(today, log, { producerEpoch: 0, sequence: 2 })).toBeNull();
    expect(sequenceError(today, log, { producerEpoch: 0, sequence: 3 })).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(sequenceError(today, log, { producerEpoch: 0, sequence: 0 })).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
  });

  it('takes a new epoch only from sequence 0, and fences an older epoch', () => {
    expect(sequenceError(today, log, { producerEpoch: 1, sequence: 0 })).toBeNull();
    expect(sequenceError(today, log, { producerEpoch: 1, sequence: 2 })).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(sequenceError(today, logOf([1, 2, 0]), { producerEpoch: 1, sequence: 1 })).toBe('INVALID_PRODUCER_EPOCH');
  });

  it('with no state for the producer: any sequence since KIP-360 (2.5), UNKNOWN_PRODUCER_ID before unless it is 0', () => {
    expect(sequenceError(today, [], { producerEpoch: 0, sequence: 3 })).toBeNull();
    expect(sequenceError(before25, [], { producerEpoch: 0, sequence: 3 })).toBe('UNKNOWN_PRODUCER_ID');
    expect(sequenceError(before25, [], { producerEpoch: 0, sequence: 0 })).toBeNull();
  });
});

describe('the producer (TransactionManager without transactions)', () => {
  const two = sendNew(sendNew(NEW_PRODUCER, 1), 2);

  it('numbers new batches in order and forgets a batch once it is acknowledged', () => {
    expect(two.outstanding).toEqual([{ value: 1, sequence: 0 }, { value: 2, sequence: 1 }]);
    expect(batchOf(today, two, 2)).toEqual({ producerEpoch: 0, sequence: 1 });
    expect(batchOf(today, two, 3)).toEqual({ producerEpoch: 0, sequence: 2 });
    expect(batchOf(withoutIdempotence, two, 2)).toBeUndefined();
    expect(acknowledged(two, 1).outstanding).toEqual([{ value: 2, sequence: 1 }]);
  });

  it('bumps its epoch and numbers what is outstanding from 0 on a gap at its oldest batch, and only retries on a later one', () => {
    const gap = afterError(acknowledged(two, 1), 2, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(gap).toEqual({ epoch: 1, nextSequence: 1, outstanding: [{ value: 2, sequence: 0 }], retries: 0 });
    expect(afterError(two, 2, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(two);
    expect(afterError(two, 1, 'UNKNOWN_PRODUCER_ID').epoch).toBe(1);
    expect(afterError(two, 1, 'INVALID_PRODUCER_EPOCH')).toBe(two);
  });

  it('resends any outstanding batch without idempotence, only the oldest with it, and nothing once its retries are spent', () => {
    expect(resendable(withoutIdempotence, two, 1)).toEqual([1, 2]);
    expect(resendable(today, two, 1)).toEqual([1]);
    expect(resendable(today, { ...two, retries: 1 }, 1)).toEqual([]);
  });
});

describe('the switches', () => {
  it('idempotence is on from 3.0 with acks=all (KIP-679), and needs acks=all', () => {
    expect(resolveRules(makeConfig({ protocol: 'kafka-2.7' })).producer.idempotent).toBe(false);
    expect(resolveRules(makeConfig({ protocol: 'kafka-3.0' })).producer.idempotent).toBe(true);
    expect(resolveRules(makeConfig({ acks: 1 })).producer.idempotent).toBe(false);
  });

  it('retries are off unless maxRetries is above 0', () => {
    expect(resolveRules(makeConfig()).producer.retries).toBe(false);
    expect(today.producer.retries).toBe(true);
  });
});
