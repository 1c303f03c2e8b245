/**
 * Consumers as Kafka's (C1-C6): evidence that the consumer's own protocol matters.
 *
 * - Without KIP-320's consumer side (KAFKA-7747), a consumer that read a record before an unclean
 *   election and then reads at its old position from the new leader continues a history other
 *   than the one it read: a silent skip, which `monotonic-reads` (T-4) catches. With position
 *   validation, the same bounds hold to the same depth, and the consumer does validate and reset.
 * - OFFSET_OUT_OF_RANGE from a preferred read replica sends the consumer back to the leader with
 *   its position kept; only the leader's OFFSET_OUT_OF_RANGE applies auto.offset.reset (C3, C6).
 * - KAFKA-14372's ISR-only rule changes which follower a leader may name (C2), and no read
 *   property tells the two apart: a follower serves only below its own HW whether or not it is in
 *   the ISR, and one named while in the ISR may still be read after it leaves. Kafka's reason for
 *   the rule is liveness (a consumer kept on a lagging follower falls behind indefinitely), which
 *   the model does not check; so the enumeration is tested directly.
 *
 * Each search runs through the engine API, as `kafka-spec check` does, with no time limit (a
 * loaded machine must not change the verdict); `npm run bench -- limits` records how long they take.
 */
import { describe, expect, it } from 'vitest';
import { exploreExhaustive } from '../src/explore/index.ts';
import { ReplayError, replay } from '../src/trace/replay.ts';
import type { Action, StateInvariant } from '../src/model.ts';
import type { ClusterState } from '../spec/cluster.ts';
import type { ClusterConfig } from '../spec/config.ts';
import { NO_LEADER } from '../spec/types.ts';
import { canConsumerFetch, consumerFetch, fetchTarget } from '../spec/client.ts';
import { type KafkaModel, kafkaModelOf } from './kafka-model.ts';

/**
 * The silent skip's bounds: today's brokers with the consumer's validation off, rf 2, min ISR 1,
 * unclean election on, three records, one crash (not lossy), no lost heartbeat, one leader change
 * and no leader move.
 */
const SKIP = {
  protocol: 'kafka-4.1', rf: 2, minIsr: 1, unclean: true, consumer: true, maxRecords: 3,
  maxCrashes: 1, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderChanges: 1, maxLeaderMoves: 0,
} as const satisfies Partial<ClusterConfig>;

const SILENT_SKIP_LENGTH = 12;

describe('a consumer without position validation (before KIP-320\'s consumer side) skips silently after an unclean election', () => {
  it(`violates monotonic-reads (T-4) in ${SILENT_SKIP_LENGTH} steps, found breadth-first`, () => {
    const model = kafkaModelOf({ ...SKIP, consumerValidatesEpoch: false });
    const r = exploreExhaustive(model, { invariants: ['monotonic-reads'], stopAtFirst: true });
    expect(r.violations[0]).toMatchObject({ invariant: 'monotonic-reads', length: SILENT_SKIP_LENGTH });
    const trace = r.violations[0].trace;
    expect(trace.at(-1)?.step).toBe('ConsumerFetch');
    expect(trace.map((a) => a.step)).toEqual(expect.arrayContaining(['ConsumerFetch', 'BrokerCrash', 'ConsumerRefreshMetadata']));
    const replayed = replay(model, trace, { invariants: ['monotonic-reads'] });
    expect(replayed.violation).toMatchObject({ invariant: 'monotonic-reads', step: SILENT_SKIP_LENGTH });
    expect(replayed.states.at(-1)!.controller.uncleanElections).toBe(1);
    expect(replayed.states.at(-1)!.ghost.resets).toBe(0);
    // With validation, the consumer must validate after learning the new epoch: the last fetch is not enabled.
    const validating = kafkaModelOf({ ...SKIP, consumerValidatesEpoch: true });
    expect(() => replay(validating, trace, { invariants: ['monotonic-reads'] })).toThrow(ReplayError);
  });

  it(`holds with position validation (KAFKA-7747) to depth ${SILENT_SKIP_LENGTH}, where the consumer validates and resets`, () => {
    const model = kafkaModelOf({ ...SKIP, consumerValidatesEpoch: true });
    const r = exploreExhaustive(model, { invariants: ['monotonic-reads'], maxDepth: SILENT_SKIP_LENGTH });
    expect(r.violations).toEqual([]);
    expect(r.stopReason).toBe('depth');
    expect(r.coverage.goals['consumer-validated'].count).toBeGreaterThan(0);
    expect(r.coverage.goals['consumer-reset'].count).toBeGreaterThan(0);
  });
});

/** Today's protocol at rf 2 with follower reads; its initial state, edited into the situations below. */
function followerReadsModel(overrides: Partial<ClusterConfig> = {}): KafkaModel {
  return kafkaModelOf({ rf: 2, minIsr: 1, followerReads: true, ...overrides });
}

/** The initial state with broker 1 (the leader) holding two records below its HW and the consumer at `position`. */
function withLeaderLog(s: ClusterState, position: number, readReplica: number): ClusterState {
  const leader = s.replicas[0];
  const log = [{ epoch: 0, value: 1 }, { epoch: 0, value: 2 }];
  return {
    ...s,
    replicas: s.replicas.with(0, { ...leader, context: { ...leader.context, log, hw: 2 } }),
    consumer: { ...s.consumer, position, positionEpoch: 0, readReplica },
  };
}

describe('OFFSET_OUT_OF_RANGE (C3, C6)', () => {
  it('from a preferred read replica: the consumer forgets it and retries at the leader, position kept, no reset', () => {
    const model = followerReadsModel();
    const s = withLeaderLog(model.initial, 2, 2); // broker 2 holds nothing: position 2 is past its LEO
    expect(fetchTarget(s.consumer)).toBe(2);
    expect(canConsumerFetch(model.rules, s, 2)).toBe(true);
    const next = consumerFetch(model.rules, s, 2);
    expect(next.consumer).toMatchObject({ position: 2, readReplica: NO_LEADER, phase: 'fetching' });
    expect(next.ghost.resets).toBe(0);
    expect(fetchTarget(next.consumer)).toBe(1);
  });

  it('from the leader: auto.offset.reset applies, signalled (earliest: 0; latest: the leader\'s HW; none: the consumer stops)', () => {
    const outcomes = (['earliest', 'latest', 'none'] as const).map((autoOffsetReset) => {
      const model = followerReadsModel({ autoOffsetReset });
      const s = withLeaderLog(model.initial, 3, NO_LEADER); // the leader's LEO is 2
      expect(canConsumerFetch(model.rules, s, 1)).toBe(true);
      const next = consumerFetch(model.rules, s, 1);
      return [next.consumer.position, next.consumer.phase, next.ghost.resets];
    });
    expect(outcomes).toEqual([[0, 'fetching', 1], [2, 'fetching', 1], [3, 'stopped', 0]]);
  });

  it('a follower that lost records after being named answers OFFSET_OUT_OF_RANGE, and exploration reaches the retry at the leader', () => {
    // rf 2, min ISR 1, one record, one lossy crash, no election and no leader move.
    const model = followerReadsModel({ maxRecords: 1, maxCrashes: 1, lossyCrashes: 1, maxHeartbeatLosses: 0, maxLeaderChanges: 0, maxLeaderMoves: 0 });
    const r = exploreExhaustive(model, { invariants: ['monotonic-reads'], maxDepth: 13 });
    expect(r.violations).toEqual([]);
    // 12: the restarted follower replays while fenced and answers the consumer before its unfencing, which
    // Kafka's would not (its listeners open once it is first unfenced; rules.md, the L7 note).
    expect(r.coverage.goals['consumer-retried-at-leader'].firstDepth).toBe(12);
  });
});

describe('KAFKA-14372: the leader names only ISR members as read replicas (C2)', () => {
  /** rf 2, min ISR 1, follower reads, at most two records, no fault of any kind. */
  const QUIET = { maxRecords: 2, maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderChanges: 0, maxLeaderMoves: 0 } as const;

  /** A state invariant over the enumeration: no step names a follower outside the leader's ISR. */
  function namesOnlyIsrMembers(model: KafkaModel): KafkaModel {
    const inv: StateInvariant<ClusterState> = {
      kind: 'state',
      name: 'names-only-isr-members',
      statement: 'No enabled step has a leader name a follower outside its ISR as the consumer\'s read replica.',
      holds: (s) => model.enabled(s).every((a) => a.step !== 'LeaderSelectReadReplica' || s.replicas[a.broker - 1].context.isr.includes(a.replica)),
    };
    return { ...model, invariants: [inv] };
  }

  it('without it, a leader names a follower it has just dropped from its ISR (5 steps)', () => {
    const model = namesOnlyIsrMembers(followerReadsModel({ ...QUIET, followerReadsIsrOnly: false }));
    const r = exploreExhaustive(model, { stopAtFirst: true });
    expect(r.violations[0]).toMatchObject({ invariant: 'names-only-isr-members', length: 5 });
  });

  it('with it, no reachable state lets a leader name a follower outside its ISR', () => {
    const model = namesOnlyIsrMembers(followerReadsModel({ ...QUIET, followerReadsIsrOnly: true }));
    const r = exploreExhaustive(model);
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
  });

  /** The leader shrinks its ISR to itself, then names broker 2 anyway; the consumer reads from it. */
  const NAMED_OUT_OF_SYNC: Action[] = [
    { step: 'ProducerSend', broker: 1, value: 1 },
    { step: 'LeaderShrinkIsr', broker: 1, follower: 2 },
    { step: 'FollowerFetch', broker: 2 },
    { step: 'ControllerHandleAlterPartition', leader: 1 },
    { step: 'BrokerApplyMetadata', broker: 1 },
    { step: 'LeaderHandleFetch', broker: 1, from: 2 },
    { step: 'LeaderSelectReadReplica', broker: 1, replica: 2 },
    { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 },
    { step: 'ConsumerFetch', broker: 2 },
  ];

  it('without it, the consumer reads from a follower the leader named outside its ISR; with it, that naming is not enabled', () => {
    const without = followerReadsModel({ ...QUIET, followerReadsIsrOnly: false });
    const end = replay(without, NAMED_OUT_OF_SYNC, { invariants: ['monotonic-reads'] }).states.at(-1)!;
    expect(end.ghost.consumed).toMatchObject([{ offset: 0, from: 2 }]);
    expect(end.replicas[0].context.isr).toEqual([1]);
    const withRule = followerReadsModel({ ...QUIET, followerReadsIsrOnly: true });
    expect(() => replay(withRule, NAMED_OUT_OF_SYNC, { invariants: ['monotonic-reads'] })).toThrow(/step 7 \(LeaderSelectReadReplica/);
  });

  it('with it, a follower named while still in the ISR is read after it left: reads alone cannot tell the rules apart', () => {
    const withRule = followerReadsModel({ ...QUIET, followerReadsIsrOnly: true });
    const namedFirst: Action[] = [
      { step: 'ProducerSend', broker: 1, value: 1 },
      { step: 'LeaderShrinkIsr', broker: 1, follower: 2 },
      { step: 'FollowerFetch', broker: 2 },
      { step: 'ControllerHandleAlterPartition', leader: 1 },
      { step: 'LeaderHandleFetch', broker: 1, from: 2 },
      { step: 'LeaderSelectReadReplica', broker: 1, replica: 2 },
      { step: 'BrokerApplyMetadata', broker: 1 },
      { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 },
      { step: 'FollowerFetch', broker: 2 },
      { step: 'LeaderHandleFetch', broker: 1, from: 2 },
      { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 },
      { step: 'ConsumerFetch', broker: 2 },
    ];
    const end = replay(withRule, namedFirst, { invariants: ['monotonic-reads'] }).states.at(-1)!;
    expect(end.ghost.consumed).toMatchObject([{ offset: 0, from: 2 }]);
    expect(end.replicas[0].context.isr).toEqual([1]);
  });
});
