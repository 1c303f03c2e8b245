/**
 * The controller's helpers (spec/controller.ts) on small hand-built contexts, one Kafka rule at a
 * time (ids from docs/rules.md): elections (L1, L2, R3), partition changes (S4-S6, M3, R2),
 * broker registration (L7, R4), preferred election (M1), failover (M4) and the checks on
 * AlterPartition (S3, O4). The partition is on brokers 1..3 unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig, type ClusterConfig } from '../../spec/config.ts';
import {
  type ControllerContext, alterMinIsr, alterPartitionError, applyChange, canElectPreferred, electLeader, electPreferredLeader, failOver,
  fenceBroker, handleAlterPartition, imageOf, initialController, registerBroker, unfenceBroker,
} from '../../spec/controller.ts';
import { hasCaughtUp, resolveRules } from '../../spec/rules.ts';
import { NO_LEADER, type AlterPartition, type Registration } from '../../spec/types.ts';

const rules = (overrides: Partial<ClusterConfig> = {}) => resolveRules(makeConfig(overrides));
const today = rules();

/** The controller of `k` with its registration and brokers edited. */
function controller(k = today, reg: Partial<Registration> = {}, fields: Partial<ControllerContext> = {}): ControllerContext {
  const c = initialController(k);
  return { ...c, registration: { ...c.registration, ...reg }, ...fields };
}

const fenced = (...brokers: number[]) => [1, 2, 3].map((b) => brokers.includes(b));

describe('the initial registration', () => {
  it('broker 1 leads in epoch 0 with every replica but the observers in the ISR', () => {
    expect(initialController(today).registration).toEqual({ leader: 1, isr: [1, 2, 3], elr: [], lastKnownLeader: NO_LEADER, leaderEpoch: 0, partitionEpoch: 0 });
    expect(initialController(rules({ observers: 1 })).registration.isr).toEqual([1, 2]);
  });

  it('brokers replay it as a metadata image with the controller\'s epoch', () => {
    const c = controller();
    expect(imageOf(c)).toEqual({ controllerEpoch: 1, registration: c.registration, brokerEpochs: [1, 1, 1], fenced: [false, false, false], minIsr: 2 });
  });
});

describe('elections (L1, L2, R3)', () => {
  it('L1: the first unfenced ISR member in assignment order, a clean election', () => {
    expect(electLeader(today, controller(), [2, 3], [])).toEqual({ leader: 2, isr: [2, 3], elr: [], unclean: false });
    expect(electLeader(today, controller(today, {}, { fenced: fenced(2) }), [2, 3], [])).toMatchObject({ leader: 3, unclean: false });
  });

  it('R3 (KIP-966): with the ISR empty, the first unfenced ELR member, which becomes the ISR', () => {
    const c = controller(today, {}, { fenced: fenced(2) });
    expect(electLeader(today, c, [], [2, 3])).toEqual({ leader: 3, isr: [3], elr: [2], unclean: false });
  });

  it('R3/L2: with ISR and ELR empty, the last known leader, counted unclean', () => {
    const c = controller(today, { lastKnownLeader: 2 });
    expect(electLeader(today, c, [], [])).toEqual({ leader: 2, isr: [2], elr: [], unclean: true });
  });

  it('R3 (KAFKA-19522): a fenced last known leader is not elected; without the fix it was', () => {
    const c = controller(today, { lastKnownLeader: 2 }, { fenced: fenced(2) });
    expect(electLeader(today, c, [], []).leader).toBe(NO_LEADER);
    expect(electLeader(rules({ lastKnownLeaderMustBeUnfenced: false }), c, [], []).leader).toBe(2);
  });

  it('L2: with no clean candidate, unclean.leader.election.enable picks the first unfenced replica, alone in the ISR', () => {
    const k = rules({ protocol: 'kafka-3.7', unclean: true });
    const c = controller(k, {}, { fenced: fenced(1) });
    expect(electLeader(k, c, [1], [])).toEqual({ leader: 2, isr: [2], elr: [], unclean: true });
    expect(electLeader(rules({ protocol: 'kafka-3.7' }), c, [1], [])).toEqual({ leader: NO_LEADER, isr: [1], elr: [], unclean: false });
  });

  it('O2: an observer is never elected, not even uncleanly', () => {
    const k = rules({ protocol: 'kafka-3.7', unclean: true, observers: 1 });
    const c = controller(k, {}, { fenced: fenced(1, 2) });
    expect(electLeader(k, c, [1], []).leader).toBe(NO_LEADER);
  });
});

describe('partition changes (S4-S6, M3, R2)', () => {
  it('S4/S6: fencing the leader elects the next ISR member and bumps the leader and partition epochs', () => {
    const c = fenceBroker(today, controller(), 1);
    expect(c.fenced).toEqual(fenced(1));
    expect(c.registration).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 1, partitionEpoch: 1 });
    expect(c.metadataOffset).toBeGreaterThan(0);
  });

  it('M3: a shrink the controller makes bumps the leader epoch in ZooKeeper (and KRaft before KAFKA-15021), not in 3.7', () => {
    expect(fenceBroker(today, controller(), 3).registration).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    expect(fenceBroker(rules({ protocol: 'kafka-3.5' }), controller(rules({ protocol: 'kafka-3.5' })), 3).registration)
      .toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 1, partitionEpoch: 1 });
  });

  it('S6: a shrink the leader asks for bumps only the partition epoch with ZooKeeper, and in KRaft from KAFKA-15021', () => {
    for (const k of [rules({ protocol: 'kafka-3.5' }), rules({ protocol: 'kafka-3.7' })]) {
      expect(applyChange(k, controller(k), [1, 2], { byLeader: true }).registration).toMatchObject({ isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    }
  });

  it('M3/S6: a KRaft controller before KAFKA-15021 bumps the leader epoch on the leader\'s shrink too, and answers with it', () => {
    const k = rules({ protocol: 'kafka-3.5', controller: 'kraft' });
    expect(applyChange(k, controller(k), [1, 2], { byLeader: true }).registration).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 1, partitionEpoch: 1 });
    const req: AlterPartition = { kind: 'AlterPartition', from: 1, to: 0, leaderEpoch: 0, partitionEpoch: 0, isr: [1, 2], memberEpochs: [1, 1], brokerEpoch: 1 };
    expect(handleAlterPartition(k, controller(k), req).sent[0]).toMatchObject({ error: null, leaderEpoch: 1, isr: [1, 2] });
    expect(applyChange(k, controller(k), [1, 2, 3], { byLeader: true })).toEqual(controller(k));
  });

  it('S5: without ELR the last ISR member stays, leaderless; with ELR the ISR empties', () => {
    const noElr = rules({ protocol: 'kafka-3.7' });
    const kept = fenceBroker(noElr, controller(noElr, { isr: [1] }), 1).registration;
    expect(kept).toMatchObject({ leader: NO_LEADER, isr: [1] });
    const last = fenceBroker(today, controller(today, { isr: [1] }), 1).registration;
    expect(last).toMatchObject({ leader: NO_LEADER, isr: [], elr: [1], lastKnownLeader: 1 });
  });

  it('R2: below min.insync.replicas, members that leave the ISR join the ELR; at or above it the ELR empties', () => {
    const one = fenceBroker(today, controller(), 2);
    expect(one.registration).toMatchObject({ isr: [1, 3], elr: [] });
    const two = fenceBroker(today, one, 3);
    expect(two.registration).toMatchObject({ leader: 1, isr: [1], elr: [3] });
    expect(unfenceBroker(today, two, 3).registration.elr).toEqual([3]);
    expect(applyChange(today, two, [1, 3], { byLeader: true }).registration.elr).toEqual([]);
  });

  it('R3 (maybeUpdateLastKnownLeader): the last known leader is recorded when the ISR empties, not whenever the partition is leaderless', () => {
    // A bounce that keeps the ISR (switch restartLeavesIsr) leaves the partition leaderless with ISR {1}: nothing is recorded.
    const bounce = rules({ restartLeavesIsr: true });
    const bounced = registerBroker(bounce, controller(bounce, { isr: [1] }), 1, 2, false).registration;
    expect(bounced).toMatchObject({ leader: NO_LEADER, isr: [1], lastKnownLeader: NO_LEADER });
    // Without the last-known-leader election Kafka keeps the field for the last known ELR, which the model does not have.
    const noLastLeader = rules({ lastKnownLeaderElection: false });
    expect(fenceBroker(noLastLeader, controller(noLastLeader, { isr: [1] }), 1).registration).toMatchObject({ isr: [], lastKnownLeader: NO_LEADER });
    expect(fenceBroker(today, controller(today, { isr: [1] }), 1).registration).toMatchObject({ isr: [], lastKnownLeader: 1 });
  });

  it('a change that changes nothing is no change: no epoch or offset moves', () => {
    const c = controller();
    expect(applyChange(today, c, [1, 2, 3])).toBe(c);
  });

  it('unfencing a broker when the partition has no leader elects it', () => {
    const leaderless = fenceBroker(today, controller(today, { isr: [1] }), 1);
    const back = unfenceBroker(today, leaderless, 1);
    expect(back.fenced).toEqual(fenced());
    expect(back.registration).toMatchObject({ leader: 1, isr: [1], elr: [] });
  });
});

describe('broker registration (L7, R4)', () => {
  it('L7 (KRaft): a new incarnation leaves the ISR, gets its broker epoch and registers fenced', () => {
    const c = registerBroker(today, controller(), 2, 2, false);
    expect(c.registration.isr).toEqual([1, 3]);
    expect(c.brokerEpochs).toEqual([1, 2, 1]);
    expect(c.fenced).toEqual(fenced(2));
  });

  it('L7 (before KIP-380): a fast bounce keeps its place in the ISR, and a ZooKeeper broker registers unfenced', () => {
    const k = rules({ protocol: 'kafka-2.1' });
    const c = registerBroker(k, controller(k), 2, 2, false);
    expect(c.registration.isr).toEqual([1, 2, 3]);
    expect(c.brokerEpochs).toEqual([1, 2, 1]);
    expect(c.fenced).toEqual(fenced());
  });

  it('R4: after an unclean shutdown the broker leaves the ELR; after a clean one it stays', () => {
    const belowMin = controller(today, { isr: [1], elr: [2] }, { fenced: fenced(2) });
    expect(registerBroker(today, belowMin, 2, 2, false).registration.elr).toEqual([]);
    expect(registerBroker(today, belowMin, 2, 2, true).registration.elr).toEqual([2]);
  });
  it('L7 (KAFKA-13959): a fenced KRaft broker is unfenced once its heartbeat reports its own registration record replayed', () => {
    const c = registerBroker(today, controller(), 2, 2, false);
    expect(c.registeredAt).toEqual([0, c.metadataOffset, 0]); // the registration record is the last of its batch
    expect(hasCaughtUp(today, c, 2, -1)).toBe(false); // a restarted broker has replayed nothing yet
    expect(hasCaughtUp(today, c, 2, c.metadataOffset - 1)).toBe(false);
    expect(hasCaughtUp(today, c, 2, c.metadataOffset)).toBe(true);
    const later = fenceBroker(today, c, 3); // records after the registration need not be replayed
    expect(hasCaughtUp(today, later, 2, c.metadataOffset)).toBe(true);
  });

  it('L7: before KAFKA-13959 the heartbeat had to reach the last committed offset; a ZooKeeper broker needs nothing', () => {
    const before = rules({ unfenceAtRegistrationRecord: false });
    const c = fenceBroker(before, registerBroker(before, controller(before), 2, 2, false), 3);
    expect(c.registeredAt).toEqual([0, 0, 0]); // nothing reads it under this rule, so nothing records it
    expect(hasCaughtUp(before, c, 2, c.metadataOffset - 1)).toBe(false);
    expect(hasCaughtUp(before, c, 2, c.metadataOffset)).toBe(true);
    const zk = rules({ protocol: 'kafka-3.5' });
    expect(hasCaughtUp(zk, fenceBroker(zk, controller(zk), 2), 2, -1)).toBe(true);
  });
});

describe('min.insync.replicas changed by the operator (R7)', () => {
  it('R7 (ClearElrRecord): with ELR on, the change empties the ELR and forgets the last known leader, bumping the partition epoch; nothing is elected', () => {
    const c = controller(today, { leader: 1, isr: [1], elr: [2, 3], partitionEpoch: 4 });
    const next = alterMinIsr(today, c, 1);
    expect(next.minIsr).toBe(1);
    expect(next.registration).toEqual({ ...c.registration, elr: [], partitionEpoch: 5 });
    expect(next.metadataOffset).toBe(c.metadataOffset + 2); // the ConfigRecord and the ClearElrRecord
    const leaderless = controller(today, { leader: NO_LEADER, isr: [], elr: [], lastKnownLeader: 1 });
    expect(alterMinIsr(today, leaderless, 3).registration).toMatchObject({ leader: NO_LEADER, lastKnownLeader: NO_LEADER });
  });

  it('R7: a partition whose ELR the change emptied elects no one from it; without the change it would', () => {
    const waiting = controller(today, { leader: NO_LEADER, isr: [], elr: [2], lastKnownLeader: NO_LEADER }, { fenced: fenced(1, 2, 3) });
    expect(unfenceBroker(today, waiting, 2).registration).toMatchObject({ leader: 2, isr: [2] });
    expect(unfenceBroker(today, alterMinIsr(today, waiting, 1), 2).registration).toMatchObject({ leader: NO_LEADER, isr: [], elr: [] });
  });

  it('R7: later changes compute the ELR against the new value; without ELR only the value changes', () => {
    const lowered = alterMinIsr(today, controller(today, { isr: [1, 2] }), 1);
    expect(fenceBroker(today, lowered, 2).registration).toMatchObject({ isr: [1], elr: [] });
    expect(fenceBroker(today, controller(today, { isr: [1, 2] }), 2).registration).toMatchObject({ isr: [1], elr: [2] });
    const k = rules({ protocol: 'kafka-3.7' });
    const c = controller(k, { isr: [1], elr: [] });
    expect(alterMinIsr(k, c, 1)).toEqual({ ...c, minIsr: 1, metadataOffset: c.metadataOffset + 1 });
  });
});

describe('preferred election (M1) and failover (M4)', () => {
  it('M1: the first replica takes leadership back when it is unfenced, in the ISR and not leading; the leader epoch goes up', () => {
    const moved = controller(today, { leader: 2, leaderEpoch: 1, partitionEpoch: 1 });
    expect(canElectPreferred(today, moved)).toBe(true);
    expect(canElectPreferred(today, controller())).toBe(false);
    expect(canElectPreferred(today, controller(today, { leader: 2, isr: [2, 3] }))).toBe(false);
    expect(canElectPreferred(today, { ...moved, fenced: fenced(1) })).toBe(false);
    expect(electPreferredLeader(today, moved).registration).toMatchObject({ leader: 1, leaderEpoch: 2, partitionEpoch: 2 });
  });

  it('M4: a new controller has a higher epoch and resends the metadata', () => {
    const c = controller();
    expect(failOver(c)).toEqual({ ...c, epoch: 2, metadataOffset: 1 });
  });
});

describe('AlterPartition (S3, O4)', () => {
  const request = (fields: Partial<AlterPartition> = {}): AlterPartition => ({
    kind: 'AlterPartition', from: 1, to: 0, leaderEpoch: 0, partitionEpoch: 0, isr: [1, 2], memberEpochs: [1, 1], brokerEpoch: 1, ...fields,
  });

  it('S3: checked in order: an older leader epoch, a sender that is not the leader, a stale partition epoch, a leader left out', () => {
    const c = controller(today, { leaderEpoch: 1, partitionEpoch: 1 });
    expect(alterPartitionError(today, c, request())).toBe('FENCED_LEADER_EPOCH');
    expect(alterPartitionError(today, c, request({ leaderEpoch: 1, from: 2, partitionEpoch: 1 }))).toBe('INVALID_REQUEST');
    expect(alterPartitionError(today, c, request({ leaderEpoch: 1 }))).toBe('INVALID_UPDATE_VERSION');
    expect(alterPartitionError(today, c, request({ leaderEpoch: 1, partitionEpoch: 1, isr: [2, 3], memberEpochs: [1, 1] }))).toBe('INVALID_REQUEST');
    expect(alterPartitionError(today, c, request({ leaderEpoch: 1, partitionEpoch: 1 }))).toBeNull();
  });

  it('S3: a newer leader or partition epoch than the controller\'s is NOT_CONTROLLER, checked first (validateAlterPartitionData)', () => {
    const c = controller(today, { leaderEpoch: 1, partitionEpoch: 1 });
    expect(alterPartitionError(today, c, request({ leaderEpoch: 2, partitionEpoch: 1 }))).toBe('NOT_CONTROLLER');
    // A newer partition epoch comes before the older leader epoch and the sender that does not lead.
    expect(alterPartitionError(today, c, request({ leaderEpoch: 0, partitionEpoch: 2, from: 2 }))).toBe('NOT_CONTROLLER');
    expect(alterPartitionError(today, c, request({ leaderEpoch: 1, partitionEpoch: 2 }))).toBe('NOT_CONTROLLER');
  });

  it('S3 (KIP-841, KIP-903): a fenced member, or one at another broker epoch, is INELIGIBLE_REPLICA; before 3.5 it was accepted', () => {
    const old = rules({ protocol: 'kafka-3.0' });
    const c = controller(today, {}, { brokerEpochs: [1, 2, 1] });
    expect(alterPartitionError(today, c, request())).toBe('INELIGIBLE_REPLICA');
    expect(alterPartitionError(today, controller(today, {}, { fenced: fenced(2) }), request())).toBe('INELIGIBLE_REPLICA');
    expect(alterPartitionError(old, c, request())).toBeNull();
  });

  it('S3: KIP-841 (3.3, both controllers) refuses a fenced member; KIP-903 (3.5) adds the broker epoch in KRaft only', () => {
    const atOtherEpoch = controller(today, {}, { brokerEpochs: [1, 2, 1] });
    const fencedMember = controller(today, {}, { fenced: fenced(2) });
    const kafka33 = rules({ protocol: 'kafka-3.0', isrEligibilityChecksBrokerState: true });
    const zk35 = rules({ protocol: 'kafka-3.5' });
    const kraft35 = rules({ protocol: 'kafka-3.5', controller: 'kraft' });
    for (const k of [kafka33, zk35, kraft35]) expect(alterPartitionError(k, fencedMember, request())).toBe('INELIGIBLE_REPLICA');
    for (const k of [kafka33, zk35]) expect(alterPartitionError(k, atOtherEpoch, request())).toBeNull();
    expect(alterPartitionError(kraft35, atOtherEpoch, request())).toBe('INELIGIBLE_REPLICA');
  });

  it('S3: a member whose broker epoch the leader sends as -1 (not heard from in its epoch) skips the broker-epoch check, as in Kafka', () => {
    const c = controller(today, {}, { brokerEpochs: [1, 2, 1] });
    expect(alterPartitionError(today, c, request({ memberEpochs: [1, -1] }))).toBeNull();
    // A fenced member is refused whatever epoch it is sent with.
    expect(alterPartitionError(today, controller(today, {}, { fenced: fenced(2) }), request({ memberEpochs: [1, -1] }))).toBe('INELIGIBLE_REPLICA');
  });

  it('O4: an observer in the proposal is INELIGIBLE_REPLICA', () => {
    const k = rules({ observers: 1 });
    expect(alterPartitionError(k, controller(k), request({ isr: [1, 2, 3], memberEpochs: [1, 1, 1] }))).toBe('INELIGIBLE_REPLICA');
  });

  it('S3: a sender that has registered again since it sent the request is refused before any other check', () => {
    const c = controller(today, { leaderEpoch: 1, partitionEpoch: 1 });
    expect(alterPartitionError(today, c, request({ leaderEpoch: 1, partitionEpoch: 1, brokerEpoch: 0 }))).toBe('STALE_BROKER_EPOCH');
    expect(alterPartitionError(today, c, request({ brokerEpoch: 2 }))).toBe('STALE_BROKER_EPOCH');
    const r = handleAlterPartition(today, controller(), request({ brokerEpoch: 2 }));
    expect(r.context).toEqual(controller());
    expect(r.sent[0]).toMatchObject({ error: 'STALE_BROKER_EPOCH', to: 1, toIncarnation: 2 });
  });

  it('an accepted change commits and the answer names the new registration and the proposal it answers', () => {
    const r = handleAlterPartition(today, controller(), request());
    expect(r.context.registration).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    expect(r.sent).toEqual([{
      kind: 'AlterPartitionResponse', from: 0, to: 1, error: null, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1, proposedIsr: [1, 2], proposedAtEpoch: 0,
      toIncarnation: 1,
    }]);
  });

  it('a refused change commits nothing and the answer carries the error and the current registration', () => {
    const c = controller(today, { leaderEpoch: 1, partitionEpoch: 1 });
    const r = handleAlterPartition(today, c, request());
    expect(r.context).toBe(c);
    expect(r.sent[0]).toMatchObject({ error: 'FENCED_LEADER_EPOCH', isr: [1, 2, 3], leaderEpoch: 1, partitionEpoch: 1 });
  });
});
