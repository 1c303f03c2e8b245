/**
 * Evidence for the behaviours that move leaders without a failure, replace the controller, and
 * restart brokers as Kafka does: for each switch, the setting before the fix brings a
 * counterexample back (shortest, by breadth-first search) and the fixed setting holds at the
 * same bounds; each new kind of step is reached. Bounds are stated in each test.
 */
import { describe, expect, it } from 'vitest';
import { exploreExhaustive } from '../src/explore/index.ts';
import { kafkaModelOf } from './kafka-model.ts';

const RF2 = { consumer: false, rf: 2, maxLeaderMoves: 0 } as const;

describe('KIP-497: the HW counts the maximal ISR while an ISR change is pending', () => {
  it('counting the proposed ISR instead lets the HW pass a replica the controller still has in the ISR', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...RF2, hwUsesMaximalIsr: false }), { invariants: ['replication-quorum-superset', 'strong-isr'] });
    expect(r.violations.map((v) => [v.invariant, v.length])).toEqual([['replication-quorum-superset', 1], ['strong-isr', 2]]);
    expect(r.violations[1].trace.map((a) => a.step).sort()).toEqual(['LeaderShrinkIsr', 'ProducerSend']);
  });

  it('with the maximal ISR the same bounds hold to depth 10', () => {
    const r = exploreExhaustive(kafkaModelOf(RF2), { invariants: ['replication-quorum-superset', 'strong-isr', 'valid-hw'], maxDepth: 10 });
    expect(r.violations).toEqual([]);
    expect(r.stopReason).toBe('depth');
  });
});

describe('KAFKA-19522: the last-known-leader election skips a fenced last leader', () => {
  const bounds = { ...RF2, maxCrashes: 2 } as const;

  it('before the fix a fenced broker is elected and sits in the ISR', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...bounds, lastKnownLeaderMustBeUnfenced: false }), { invariants: ['no-fenced-in-isr'] });
    expect(r.violations[0]).toMatchObject({ invariant: 'no-fenced-in-isr', length: 4 });
  });

  it('with the fix the same bounds hold to depth 9', () => {
    const r = exploreExhaustive(kafkaModelOf(bounds), { invariants: ['no-fenced-in-isr'], maxDepth: 9 });
    expect(r.violations).toEqual([]);
  });
});

describe('M4: brokers reject metadata from a deposed controller', () => {
  const zk = { ...RF2, protocol: 'kafka-3.5', maxControllerFailovers: 1, maxCrashes: 0, lossyCrashes: 0 } as const;

  it('without the controller-epoch check a broker goes back to a view it had moved past', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...zk, mutation: 'deposed-controller-accepted' }), { invariants: ['broker-views-monotone'] });
    expect(r.violations[0]).toMatchObject({ invariant: 'broker-views-monotone', length: 3 });
    expect(r.violations[0].trace.map((a) => a.step)).toEqual(expect.arrayContaining(['ControllerFailover', 'DeposedControllerSendMetadata']));
  });

  it('with it, every invariant holds at the same bounds to depth 8, and the deposed controller did send', () => {
    const r = exploreExhaustive(kafkaModelOf(zk), { maxDepth: 8 });
    expect(r.violations.map((v) => v.invariant)).toEqual([]);
    expect(r.coverage.steps.DeposedControllerSendMetadata).toBeGreaterThan(0);
  });
});

describe('leader moves and restarts are reached', () => {
  it('a preferred-leader election, a controlled shutdown and (ZooKeeper) the same leader in a newer epoch', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...RF2, protocol: 'kafka-3.5', maxLeaderMoves: 2 }), { maxDepth: 9 });
    for (const goal of ['preferred-election', 'controlled-shutdown', 'same-leader-new-epoch']) expect(r.coverage.goals[goal].count, goal).toBeGreaterThan(0);
  });

  it('a restart that brings back a lower HW when checkpoints lag', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...RF2, hwCheckpointLags: true }), { maxDepth: 9 });
    expect(r.coverage.goals['hw-lower-after-restart'].count).toBeGreaterThan(0);
  });

  it('a KRaft broker registers fenced: a restart is followed by an unfence before it can lead again', () => {
    const r = exploreExhaustive(kafkaModelOf({ ...RF2, maxHeartbeatLosses: 0 }), { maxDepth: 6 });
    expect(r.coverage.steps.ControllerUnfenceBroker).toBeGreaterThan(0);
  });
});
