/**
 * Producer retries and idempotence (docs/rules.md P8-P12): a producer that resends without
 * idempotence duplicates a record in the committed history (the pinned 5-step trace, and the
 * shortest by breadth-first search); with idempotence the leader's duplicate check keeps each
 * value at one offset, in a complete search of a small configuration; a sequence gap after a
 * power loss bumps the producer epoch (OUT_OF_ORDER_SEQUENCE_NUMBER), and a leader before KIP-360
 * answers UNKNOWN_PRODUCER_ID where today's accepts the batch. Without retries, nothing of this is
 * in the model: no producer state and the 27 invariants of before.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exploreExhaustive } from '../src/explore/index.ts';
import { replay } from '../src/trace/replay.ts';
import { parseTrace } from '../src/trace/schema.ts';
import { startOf } from '../src/explore/liveness-from.ts';
import { kafkaModelOf } from './kafka-model.ts';
import type { ClusterConfig } from '../spec/config.ts';
import type { ClusterState } from '../spec/cluster.ts';

const TRACE = new URL('../docs/traces/kafka-4.1-retry-without-idempotence-duplicate.json', import.meta.url);
const PRODUCER_INVARIANTS = ['no-duplicate-committed', 'acked-exactly-once'];

/** Today's rules at rf 2, min.insync.replicas 1, no faults, two records and one retry. */
const SMALL: Partial<ClusterConfig> = {
  rf: 2, minIsr: 1, consumer: false, maxRecords: 2, maxRetries: 1, maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxLeaderChanges: 0,
};

/** The state `steps` lead to under `config` (each step must be enabled where it is taken). */
function after(config: Partial<ClusterConfig>, steps: object[]): ClusterState {
  return startOf(kafkaModelOf(config), steps as never).state;
}

const values = (s: ClusterState, b: number) => s.replicas[b - 1].context.log.map((e) => e.value);

describe('a producer that retries without idempotence', () => {
  it('appends a resent record again, and both commit: the pinned trace replays to its violation', () => {
    const trace = parseTrace(readFileSync(TRACE, 'utf8'), 'trace');
    const model = kafkaModelOf(trace.config as Partial<ClusterConfig>);
    const { states, violation } = replay(model, trace.steps, { invariants: ['no-duplicate-committed'] });
    expect(violation).toMatchObject({ invariant: 'no-duplicate-committed', step: 5 });
    expect(states[states.length - 1].ghost.committed.map((e) => e.value)).toEqual([1, 1]);
    expect(trace.steps.map((a) => a.step).slice(0, 2)).toEqual(['ProducerSend', 'ProducerRetry']);
  });

  it('breaks both producer properties in 5 steps, the shortest', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...SMALL, idempotentProducer: false }), { invariants: PRODUCER_INVARIANTS });
    expect(Object.fromEntries(r.violations.map((v) => [v.invariant, v.length]))).toEqual({ 'no-duplicate-committed': 5, 'acked-exactly-once': 5 });
  });
});

describe('an idempotent producer that retries', () => {
  it('never commits a value twice, nor an acknowledged one other than once: complete search of the small configuration', () => {
    const r = exploreExhaustive(kafkaModelOf(SMALL), { invariants: PRODUCER_INVARIANTS });
    expect(r.stopReason).toBe('exhausted');
    expect(r.violations).toEqual([]);
    expect(r.stats.states).toBe(16_480);
    expect(r.coverage.goals['duplicate-batch-found'].firstDepth).toBe(2);
    expect(r.coverage.goals['producer-resent'].firstDepth).toBe(2);
  });

  it('owes it to the leader\'s duplicate check: with that guard forced to answer no, a resend is refused out of sequence, the producer bumps its epoch and its next resend is appended again', () => {
    const twice = { ...SMALL, maxRetries: 2 };
    const holds = exploreExhaustive(kafkaModelOf(twice), { invariants: ['no-duplicate-committed'] });
    expect([holds.stopReason, holds.violations]).toEqual(['exhausted', []]);
    const r = exploreExhaustive(kafkaModelOf({ ...twice, forcedGuard: 'replica.isDuplicateBatch=false' }), { invariants: ['no-duplicate-committed'] });
    expect(r.violations.map((v) => [v.invariant, v.trace.slice(0, 3).map((a) => a.step)])).toEqual([
      ['no-duplicate-committed', ['ProducerSend', 'ProducerRetry', 'ProducerRetry']],
    ]);
  });

  it('is answered with the offset the batch already has: nothing is appended, and the HW passing it acknowledges it', () => {
    const s = after(SMALL, [{ step: 'ProducerSend', broker: 1, value: 1 }, { step: 'ProducerRetry', broker: 1, value: 1 }]);
    expect(values(s, 1)).toEqual([1]);
    expect(s.replicas[0].context.pendingAcks).toEqual([{ value: 1, offset: 0 }]);
    expect(s.producer).toMatchObject({ retries: 1, outstanding: [{ value: 1, sequence: 0 }] });
  });

  it('resends after NOT_LEADER_OR_FOLLOWER: the new leader copied the batch, holds its producer state and answers the resend as a duplicate', () => {
    const moved = [
      { step: 'ProducerSend', broker: 1, value: 1 }, { step: 'FollowerFetch', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 },
      { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 }, { step: 'BrokerControlledShutdown', broker: 1 }, { step: 'BrokerApplyMetadata', broker: 2 },
    ];
    const config = { ...SMALL, maxLeaderMoves: 1 };
    const handedOver = after(config, moved);
    expect(handedOver.replicas[0].role).toBe('offline');
    expect(handedOver.producer!.outstanding).toEqual([{ value: 1, sequence: 0 }]);
    const s = after(config, [...moved, { step: 'ProducerRetry', broker: 2, value: 1 }]);
    expect(values(s, 2)).toEqual([1]);
    expect(s.ghost.acked).toMatchObject([{ value: 1, offset: 0, acks: 'all' }]);
    expect(s.producer!.outstanding).toEqual([]);
  });

  it('resends after NOT_ENOUGH_REPLICAS: the refused batch stays outstanding and is appended once the ISR is large enough again', () => {
    const config = { ...SMALL, minIsr: 2, maxLagShrinks: 1 };
    const shrunk = [
      { step: 'LeaderShrinkIsr', broker: 1, follower: 2 }, { step: 'ControllerHandleAlterPartition', leader: 1 },
      { step: 'LeaderHandleAlterPartitionResponse', broker: 1, from: 0 }, { step: 'ProducerSend', broker: 1, value: 1 },
    ];
    const refused = after(config, shrunk);
    expect(values(refused, 1)).toEqual([]);
    expect(refused.producer!.outstanding).toEqual([{ value: 1, sequence: 0 }]);
    const rejoined = [...shrunk, { step: 'FollowerFetch', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 },
      { step: 'ControllerHandleAlterPartition', leader: 1 }, { step: 'LeaderHandleAlterPartitionResponse', broker: 1, from: 0 },
      { step: 'ProducerRetry', broker: 1, value: 1 }];
    expect(values(after(config, rejoined), 1)).toEqual([1]);
  });

  /** v1 is lost with broker 1's power; broker 2, holding nothing of the producer, takes v2 at sequence 1. */
  const GAP = [
    { step: 'ProducerSend', broker: 1, value: 1 }, { step: 'BrokerLossyCrash', broker: 1, keep: 0 }, { step: 'ControllerFenceBroker', broker: 1 },
    { step: 'BrokerApplyMetadata', broker: 2 }, { step: 'ProducerSend', broker: 2, value: 2 },
  ];
  const LOSSY = { ...SMALL, maxRetries: 2, maxCrashes: 1, lossyCrashes: 1, maxLeaderChanges: 1 };

  it('bumps its epoch on OUT_OF_ORDER_SEQUENCE_NUMBER for its oldest batch, and the resend in the new epoch is appended', () => {
    const gap = after(LOSSY, GAP);
    expect(values(gap, 2)).toEqual([2]);
    const refused = after(LOSSY, [...GAP, { step: 'ProducerRetry', broker: 2, value: 1 }]);
    expect(values(refused, 2)).toEqual([2]);
    expect(refused.producer).toMatchObject({ epoch: 1, outstanding: [{ value: 1, sequence: 0 }] });
    const resent = after(LOSSY, [...GAP, { step: 'ProducerRetry', broker: 2, value: 1 }, { step: 'ProducerRetry', broker: 2, value: 1 }]);
    expect(resent.replicas[1].context.log.map((e) => [e.value, e.producerEpoch, e.sequence])).toEqual([[2, 0, 1], [1, 1, 0]]);
    expect(resent.ghost.committed.map((e) => e.value)).toEqual([2, 1]);
  });

  /** rf 1: v1 is acknowledged, then lost with the broker's power; the producer's next batch has sequence 1. */
  const LOST_STATE = [
    { step: 'ProducerSend', broker: 1, value: 1 }, { step: 'BrokerLossyCrash', broker: 1, keep: 0 }, { step: 'BrokerRestart', broker: 1 },
    { step: 'BrokerApplyMetadata', broker: 1 }, { step: 'ProducerSend', broker: 1, value: 2 },
  ];
  const RF1 = { rf: 1, minIsr: 1, consumer: false, maxRecords: 2, maxRetries: 1, maxCrashes: 1, lossyCrashes: 1, maxHeartbeatLosses: 0, maxLeaderMoves: 0 };

  it('meets UNKNOWN_PRODUCER_ID from a leader before KIP-360 (2.5) that lost its state, bumps its epoch and is appended on the resend', () => {
    const old = { ...RF1, protocol: 'kafka-2.2', idempotentProducer: true };
    const refused = after(old, LOST_STATE);
    expect(values(refused, 1)).toEqual([]);
    expect(refused.producer).toMatchObject({ epoch: 1, outstanding: [{ value: 2, sequence: 0 }] });
    const resent = after(old, [...LOST_STATE, { step: 'ProducerRetry', broker: 1, value: 2 }]);
    expect(values(resent, 1)).toEqual([2]);
  });

  it('is accepted at once by today\'s leader, which takes any sequence from a producer it holds no state for', () => {
    // A KRaft broker registers fenced after a restart, replays the metadata up to its registration and is then unfenced by a heartbeat (L7).
    const s = after(RF1, [
      ...LOST_STATE.slice(0, 3), { step: 'BrokerApplyMetadata', broker: 1 }, { step: 'ControllerUnfenceBroker', broker: 1 }, ...LOST_STATE.slice(3),
    ]);
    expect(s.replicas[0].context.log.map((e) => [e.value, e.sequence])).toEqual([[2, 1]]);
    expect(s.producer).toMatchObject({ epoch: 0, outstanding: [] });
  });
});

describe('without retries', () => {
  it('the producer keeps no state and the model checks the 27 invariants it always did', () => {
    const model = kafkaModelOf({ ...SMALL, maxRetries: undefined });
    expect('producer' in model.initial).toBe(false);
    expect(model.invariants).toHaveLength(27);
    expect(kafkaModelOf(SMALL).invariants.map((i) => i.name).slice(27)).toEqual(PRODUCER_INVARIANTS);
  });
});
