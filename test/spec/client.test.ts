/**
 * The clients (spec/client.ts, and the producer's send through the cluster) on small hand-built
 * states, one Kafka rule at a time (ids from docs/rules.md): producer acks and min ISR (P2-P5),
 * what a replica serves a consumer (C1, C3, C4), position validation after a leader change (C5),
 * auto.offset.reset (C6) and preferred read replicas (C2). Each state is the cluster's initial one
 * (broker 1 leads in epoch 0 on brokers 1..3; the consumer at offset 0) with a few fields edited.
 */
import { formatConsumer } from '../../spec/summary.ts';
import { describe, expect, it } from 'vitest';
import {
  canConsumerFetch, canConsumerRefreshMetadata, canConsumerValidate, canLeaderSelectReadReplica, consumerFetch,
  consumerRefreshMetadata, consumerValidatePosition, fetchTarget, isReadReplicaCandidate, validatesPosition,
  type ConsumerState,
} from '../../spec/client.ts';
import { Cluster, type ClusterState } from '../../spec/cluster.ts';
import { makeConfig, type ClusterConfig } from '../../spec/config.ts';
import { appendEntries } from '../../spec/log.ts';
import type { ReplicaContext } from '../../spec/replica-context.ts';
import type { ReplicaRole } from '../../spec/replica.ts';
import { NO_LEADER, type Entry } from '../../spec/types.ts';

const clusterOf = (overrides: Partial<ClusterConfig> = {}) => new Cluster(makeConfig(overrides));
const e = (epoch: number, value: number): Entry => ({ epoch, value });

/** Broker `b` with `log` (its epoch cache built from it) and other fields edited, and perhaps another role. */
function withReplica(s: ClusterState, b: number, fields: Partial<ReplicaContext> & { log?: Entry[] }, role?: ReplicaRole): ClusterState {
  const slot = s.replicas[b - 1];
  const built = fields.log === undefined ? {} : appendEntries([], [], fields.log);
  return { ...s, replicas: s.replicas.with(b - 1, { role: role ?? slot.role, context: { ...slot.context, ...fields, ...built } }) };
}

const withConsumer = (s: ClusterState, fields: Partial<ConsumerState>): ClusterState => ({ ...s, consumer: { ...s.consumer, ...fields } });

describe('the producer (P2-P5)', () => {
  it('P4: acks=1 is acknowledged as soon as the leader appends', () => {
    const cl = clusterOf({ acks: 1 });
    const s = cl.step(cl.initial, { step: 'ProducerSend', broker: 1, value: 1 });
    expect(s.replicas[0].context.log).toEqual([e(0, 1)]);
    expect(s.ghost.acked).toEqual([expect.objectContaining({ value: 1, offset: 0, acks: 1 })]);
  });

  it('P5: acks=all is parked at the leader, not acknowledged yet', () => {
    const cl = clusterOf();
    const s = cl.step(cl.initial, { step: 'ProducerSend', broker: 1, value: 1 });
    expect(s.replicas[0].context.log).toEqual([e(0, 1)]);
    expect(s.replicas[0].context.pendingAcks).toEqual([{ value: 1, offset: 0 }]);
    expect(s.ghost.acked).toEqual([]);
  });

  it('P3: acks=all to a leader whose ISR is below min.insync.replicas appends nothing; acks=1 still appends', () => {
    for (const [acks, appended] of [['all', 0], [1, 1]] as const) {
      const cl = clusterOf({ acks });
      const s = cl.step(withReplica(cl.initial, 1, { isr: [1] }), { step: 'ProducerSend', broker: 1, value: 1 });
      expect(s.replicas[0].context.log, `acks=${acks}`).toHaveLength(appended);
    }
  });

  it('P2: a broker that believes it leads takes writes, stamped with the epoch it believes in', () => {
    const cl = clusterOf();
    const zombie = withReplica(cl.initial, 2, { leader: 2, leaderEpoch: 0 }, 'leader');
    expect(cl.enabled(zombie)).toEqual(expect.arrayContaining([{ step: 'ProducerSend', broker: 2, value: 1 }]));
    expect(cl.step(zombie, { step: 'ProducerSend', broker: 2, value: 1 }).replicas[1].context.log).toEqual([e(0, 1)]);
  });
});

describe('what a replica serves the consumer (C1, C3, C4)', () => {
  const cl = clusterOf();
  /** The leader holds two records, the first below its HW. */
  const s = withReplica(cl.initial, 1, { log: [e(0, 1), e(0, 2)], hw: 1 });

  it('C1: a record below the HW is served; between HW and LEO the answer is empty (no step); past the LEO, OFFSET_OUT_OF_RANGE', () => {
    expect(canConsumerFetch(cl.rules, s, 1)).toBe(true);
    expect(canConsumerFetch(cl.rules, withConsumer(s, { position: 1 }), 1)).toBe(false);
    expect(canConsumerFetch(cl.rules, withConsumer(s, { position: 2 }), 1)).toBe(false);
    expect(canConsumerFetch(cl.rules, withConsumer(s, { position: 3 }), 1)).toBe(true);
  });

  it('C1: the consumer fetches only from the broker its metadata names', () => {
    expect(fetchTarget(s.consumer)).toBe(1);
    expect(canConsumerFetch(cl.rules, withReplica(s, 2, { log: [e(0, 1)], hw: 1 }), 2)).toBe(false);
  });

  it('C1: reading moves the position past the record, keeps its epoch, and the ghost records what was read', () => {
    const next = consumerFetch(cl.rules, s, 1);
    expect(next.consumer).toMatchObject({ position: 1, positionEpoch: 0, phase: 'fetching' });
    expect(next.ghost.consumed).toEqual([expect.objectContaining({ offset: 0, entry: e(0, 1), from: 1 })]);
  });

  it('C4 (KIP-320, KAFKA-7747): a fetch at an older leader epoch is fenced; before 2.3 the consumer sent none and was served', () => {
    const newer = withReplica(s, 1, { leaderEpoch: 1 });
    expect(canConsumerFetch(cl.rules, newer, 1)).toBe(false);
    const old = clusterOf({ protocol: 'kafka-2.2' });
    expect(canConsumerFetch(old.rules, newer, 1)).toBe(true);
  });

  it('C3 (KIP-392): a follower serves the consumer only with follower reads on, and only below its own HW', () => {
    const named = withConsumer(withReplica(s, 2, { log: [e(0, 1), e(0, 2)], hw: 1 }), { readReplica: 2 });
    expect(fetchTarget(named.consumer)).toBe(2);
    expect(canConsumerFetch(cl.rules, named, 2)).toBe(false);
    const reads = clusterOf({ followerReads: true });
    expect(canConsumerFetch(reads.rules, named, 2)).toBe(true);
    expect(canConsumerFetch(reads.rules, withConsumer(named, { position: 1 }), 2)).toBe(false);
    // A follower that restarted and has not replayed metadata yet answers nothing.
    expect(canConsumerFetch(reads.rules, withReplica(named, 2, { knownMetadata: -1 }), 2)).toBe(false);
  });
});

describe('after a leader change (C5)', () => {
  const cl = clusterOf();
  /** Broker 2 leads in epoch 1; the consumer read offset 0 (epoch 0) and knows only epoch 0. */
  const moved = withConsumer(
    withReplica(withReplica(cl.initial, 2, { leader: 2, leaderEpoch: 1, log: [e(0, 1), e(1, 3)], hw: 2 }, 'leader'), 1, { leader: 2, leaderEpoch: 1 }, 'follower'),
    { position: 1, positionEpoch: 0, readReplica: 3 },
  );

  it('C5: a consumer learns a newer leader epoch from any running broker that has one', () => {
    expect(canConsumerRefreshMetadata(moved, 2)).toBe(true);
    expect(canConsumerRefreshMetadata(moved, 3)).toBe(false);
    expect(canConsumerRefreshMetadata(withReplica(moved, 2, {}, 'offline'), 2)).toBe(false);
  });

  it('C5 (KIP-320): it adopts the leader, forgets its read replica and must validate before fetching again', () => {
    const next = consumerRefreshMetadata(cl.rules, moved, 2).consumer;
    expect(next).toMatchObject({ leader: 2, leaderEpoch: 1, readReplica: NO_LEADER, phase: 'validating' });
  });

  it('C5 (KAFKA-9840): with no epoch known for its position there is nothing to validate', () => {
    const fresh = withConsumer(moved, { position: 0, positionEpoch: -1 });
    expect(consumerRefreshMetadata(cl.rules, fresh, 2).consumer.phase).toBe('fetching');
  });

  it('C5/C6: before the consumer\'s side of KIP-320 (2.3), or against brokers without leader epochs, it does not validate', () => {
    const old = clusterOf({ protocol: 'kafka-2.2' });
    expect(validatesPosition(cl.rules)).toBe(true);
    expect(validatesPosition(old.rules)).toBe(false);
    expect(validatesPosition(clusterOf({ protocol: 'kafka-2.0', consumerValidatesEpoch: true }).rules)).toBe(false);
    expect(consumerRefreshMetadata(old.rules, moved, 2).consumer).toMatchObject({ leader: 2, readReplica: 3, phase: 'fetching' });
  });

  const validating = withConsumer(moved, { leader: 2, leaderEpoch: 1, readReplica: NO_LEADER, phase: 'validating' });

  it('C5/C4: validation goes to the leader it knows, at that leader\'s epoch', () => {
    expect(canConsumerValidate(cl.rules, validating, 2)).toBe(true);
    expect(canConsumerValidate(cl.rules, validating, 1)).toBe(false);
    expect(canConsumerValidate(cl.rules, withConsumer(validating, { leaderEpoch: 0 }), 2)).toBe(false);
    expect(canConsumerValidate(cl.rules, withConsumer(validating, { phase: 'fetching' }), 2)).toBe(false);
  });

  it('C5: a position the leader\'s log still holds in that epoch is valid', () => {
    const next = consumerValidatePosition(cl.rules, validating, 2);
    expect(next.consumer).toMatchObject({ position: 1, positionEpoch: 0, phase: 'fetching' });
    expect(next.ghost.resets).toBe(0);
  });

  it('C5: a truncated log resets the position to where the epoch ends (signalled), or stops the consumer with auto.offset.reset=none', () => {
    const past = withConsumer(validating, { position: 2, positionEpoch: 0 });
    const next = consumerValidatePosition(cl.rules, past, 2);
    expect(next.consumer).toMatchObject({ position: 1, positionEpoch: 0, phase: 'fetching' });
    expect(next.ghost.resets).toBe(1);
    const none = clusterOf({ autoOffsetReset: 'none' });
    expect(consumerValidatePosition(none.rules, past, 2).consumer).toMatchObject({ position: 2, phase: 'stopped' });
  });

  it('C5/C6: an epoch the leader cannot answer for applies auto.offset.reset (earliest: 0; latest: the leader\'s HW)', () => {
    const unknown = withConsumer(validating, { position: 2, positionEpoch: 5 });
    expect(consumerValidatePosition(cl.rules, unknown, 2).consumer).toMatchObject({ position: 0, positionEpoch: -1, phase: 'fetching' });
    const latest = clusterOf({ autoOffsetReset: 'latest' });
    expect(consumerValidatePosition(latest.rules, unknown, 2).consumer).toMatchObject({ position: 2, positionEpoch: 1, phase: 'fetching' });
  });
});

describe('preferred read replicas (C2)', () => {
  const reads = clusterOf({ followerReads: true });
  /** The leader saw broker 2 at LEO 2 and broker 3 at LEO 1; broker 3 has left its ISR. */
  const s = withReplica(reads.initial, 1, { log: [e(0, 1), e(0, 2)], hw: 1, remoteLeo: [-1, 2, 1], isr: [1, 2] });
  const leader = s.replicas[0].context;

  it('C2: a follower whose LEO, as the leader saw it, covers the position; never the leader itself', () => {
    expect(isReadReplicaCandidate(reads.rules, leader, 2, 2)).toBe(true);
    expect(isReadReplicaCandidate(reads.rules, leader, 3, 2)).toBe(false);
    expect(isReadReplicaCandidate(reads.rules, leader, 1, 0)).toBe(false);
  });

  it('C2 (KAFKA-14372, 3.4): only an ISR member; before, any follower that covers the position', () => {
    expect(isReadReplicaCandidate(reads.rules, leader, 3, 1)).toBe(false);
    const old = clusterOf({ protocol: 'kafka-3.0', followerReads: true });
    expect(isReadReplicaCandidate(old.rules, leader, 3, 1)).toBe(true);
  });

  it('C2: the leader names one only with follower reads on, to a consumer reading from it', () => {
    expect(canLeaderSelectReadReplica(reads.rules, s, 1, 2)).toBe(true);
    expect(canLeaderSelectReadReplica(clusterOf().rules, s, 1, 2)).toBe(false);
    expect(canLeaderSelectReadReplica(reads.rules, withConsumer(s, { readReplica: 2 }), 1, 2)).toBe(false);
    expect(canLeaderSelectReadReplica(reads.rules, withConsumer(s, { leader: 2 }), 1, 2)).toBe(false);
  });

  it('reads as people say it', () => {
    expect(formatConsumer({ position: 2, positionEpoch: 0, leader: 1, leaderEpoch: 0, readReplica: 2, phase: 'validating' }))
      .toBe('at 2 (e0) · leader b1 LE 0 · reading from b2 · validating');
  });
});
