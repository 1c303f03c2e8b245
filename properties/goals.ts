/**
 * Reachability goals ("sometimes"): states an exploration must reach before its "holds" means
 * anything — evidence the checker could have failed. The engines count how often each is
 * reached; a goal never reached is reported, so a pass is never vacuous. Whether a goal can be
 * reached at all is judged from the resolved rules and the bounds, never from switches.
 */
import type { Goal } from '../src/model.ts';
import { type ClusterAction, leaderEpochFixed } from '../spec/actions.ts';
import type { ClusterState } from '../spec/cluster.ts';
import { validatesPosition } from '../spec/client.ts';
import { type FetchResponse, type Message, NO_LEADER } from '../spec/types.ts';
import type { Bounds } from '../spec/config.ts';
import { type Rules, effectiveMinIsrOf } from '../spec/rules.ts';

type G = Goal<ClusterState, ClusterAction>;

export const hwAdvancedWithIsrOfOne: G = {
  name: 'hw-advanced-with-isr-of-one',
  statement: 'A leader advanced its HW while its ISR was itself alone.',
  reached: (prev, _a, next) => {
    for (let i = 0; i < next.replicas.length; i++) {
      const slot = next.replicas[i];
      if (slot.role === 'leader' && slot.context.isr.length === 1 && slot.context.hw > prev.replicas[i].context.hw) return true;
    }
    return false;
  },
};

export const recordTruncated: G = {
  name: 'record-truncated',
  statement: 'A running replica truncated at least one record from its log.',
  reached: (prev, a, next) => {
    if (a.step === 'BrokerLossyCrash') return false;
    for (let i = 0; i < next.replicas.length; i++) if (next.replicas[i].context.log.length < prev.replicas[i].context.log.length) return true;
    return false;
  },
};

export const leaderEpochThree: G = {
  name: 'leader-epoch-3',
  statement: 'The controller reached leader epoch 3.',
  reached: (prev, _a, next) => next.controller.registration.leaderEpoch >= 3 && prev.controller.registration.leaderEpoch < 3,
};

export const uncleanElection: G = {
  name: 'unclean-election',
  statement: 'The controller made an unclean election.',
  reached: (prev, _a, next) => next.controller.uncleanElections > prev.controller.uncleanElections,
};

export const elrNonEmpty: G = {
  name: 'elr-non-empty',
  statement: 'The controller recorded eligible leader replicas.',
  reached: (prev, _a, next) => next.controller.registration.elr.length > 0 && prev.controller.registration.elr.length === 0,
};

export const divergentFetch: G = {
  name: 'divergent-fetch',
  statement: 'A leader answered a fetch with DivergingEpoch (or an OffsetsForLeaderEpoch answer made a follower truncate).',
  reached: (prev, a, next) => {
    if (a.step === 'LeaderHandleFetch') {
      // The response just sent is the newest on its connection (the network is FIFO per connection).
      if (answersOn(next, a.broker, a.from) <= answersOn(prev, a.broker, a.from)) return false;
      return newestAnswerOn(next, a.broker, a.from)!.diverging !== null;
    }
    return a.step === 'FollowerHandleEpochResponse' && next.replicas[a.broker - 1].context.log.length < prev.replicas[a.broker - 1].context.log.length;
  },
};

/** How many fetch responses from `leader` to `follower` the network holds. */
function answersOn(s: ClusterState, leader: number, follower: number): number {
  let n = 0;
  for (let i = 0; i < s.network.length; i++) if (isAnswer(s.network[i], leader, follower)) n++;
  return n;
}

/** The newest fetch response from `leader` to `follower` on the network, if any. */
function newestAnswerOn(s: ClusterState, leader: number, follower: number): FetchResponse | null {
  for (let i = s.network.length - 1; i >= 0; i--) if (isAnswer(s.network[i], leader, follower)) return s.network[i] as FetchResponse;
  return null;
}

const isAnswer = (m: Message, leader: number, follower: number) => m.kind === 'FetchResponse' && m.from === leader && m.to === follower;

export const ackedAllWrite: G = {
  name: 'acks-all-acknowledged',
  statement: 'The producer received an acks=all acknowledgement.',
  reached: (prev, _a, next) => next.ghost.acked.length > prev.ghost.acked.length && next.ghost.acked[next.ghost.acked.length - 1].acks === 'all',
};

export const ackedOneWrite: G = {
  name: 'acks-one-acknowledged',
  statement: 'The producer received an acks=1 acknowledgement.',
  reached: (prev, _a, next) => next.ghost.acked.length > prev.ghost.acked.length && next.ghost.acked[next.ghost.acked.length - 1].acks === 1,
};

export const recordCommitted: G = {
  name: 'record-committed',
  statement: 'A leader exposed a record below its HW: the committed history grew.',
  reached: (prev, _a, next) => next.ghost.committed.length > prev.ghost.committed.length,
};

/** The controller named a new leader: another broker, or the same one after the partition went leaderless. */
function elected(prev: ClusterState, next: ClusterState): boolean {
  const [a, b] = [prev.controller.registration, next.controller.registration];
  return b.leader !== NO_LEADER && b.leaderEpoch > a.leaderEpoch && (b.leader !== a.leader || b.leaderEpoch - a.leaderEpoch >= 2);
}

export const leaderElected: G = {
  name: 'leader-elected',
  statement: 'The controller elected a new leader.',
  reached: (prev, _a, next) => elected(prev, next),
};

export const electionAfterCommit: G = {
  name: 'election-after-commit',
  statement: 'The controller elected a new leader after a record was committed.',
  reached: (prev, _a, next) => prev.ghost.committed.length > 0 && elected(prev, next),
};

export const electionAfterAck: G = {
  name: 'election-after-ack',
  statement: 'The controller elected a new leader after a write was acknowledged.',
  reached: (prev, _a, next) => prev.ghost.acked.length > 0 && elected(prev, next),
};

export const writeAfterAck: G = {
  name: 'write-after-ack',
  statement: 'The producer sent a record after another was acknowledged.',
  reached: (prev, a) => a.step === 'ProducerSend' && prev.ghost.acked.length > 0,
};

export const lossyCrash: G = {
  name: 'lossy-crash',
  statement: 'A broker lost the unflushed suffix of its log.',
  reached: (_prev, a) => a.step === 'BrokerLossyCrash',
};

export const zombieAppend: G = {
  name: 'zombie-append',
  statement: 'A deposed leader that had not yet heard of the new epoch appended a record.',
  reached: (prev, a, next) =>
    a.step === 'ProducerSend' && next.replicas[a.broker - 1].context.leaderEpoch < next.controller.registration.leaderEpoch &&
    next.replicas[a.broker - 1].context.log.length > prev.replicas[a.broker - 1].context.log.length,
};

export const consumerRead: G = {
  name: 'consumer-read',
  statement: 'The consumer read a record.',
  reached: (prev, _a, next) => next.ghost.consumed.length > prev.ghost.consumed.length,
};

export const electionAfterRead: G = {
  name: 'election-after-read',
  statement: 'The controller elected a new leader after the consumer read a record.',
  reached: (prev, _a, next) => prev.ghost.consumed.length > 0 && elected(prev, next),
};

export const consumerValidated: G = {
  name: 'consumer-validated',
  statement: 'The consumer validated its position with OffsetsForLeaderEpoch after a leader change (C5).',
  reached: (_prev, a) => a.step === 'ConsumerValidatePosition',
};

export const consumerReset: G = {
  name: 'consumer-reset',
  statement: 'The consumer reset its position, or stopped, and told the application (OFFSET_OUT_OF_RANGE or a truncated log; C5, C6).',
  reached: (prev, _a, next) =>
    next.ghost.resets > prev.ghost.resets || (next.consumer.phase === 'stopped' && prev.consumer.phase !== 'stopped'),
};

export const consumerFollowerRead: G = {
  name: 'consumer-read-from-follower',
  statement: 'The consumer read a record from a follower its leader named (KIP-392; C2, C3).',
  reached: (prev, a, next) =>
    a.step === 'ConsumerFetch' && prev.replicas[a.broker - 1].role === 'follower' && next.ghost.consumed.length > prev.ghost.consumed.length,
};

export const consumerRetriedAtLeader: G = {
  name: 'consumer-retried-at-leader',
  statement: 'A follower answered the consumer OFFSET_OUT_OF_RANGE and the consumer went back to the leader without a reset (C3).',
  reached: (prev, a, next) => a.step === 'ConsumerFetch' && prev.consumer.readReplica !== NO_LEADER && next.consumer.readReplica === NO_LEADER,
};

export const preferredElection: G = {
  name: 'preferred-election',
  statement: 'The controller moved leadership back to the preferred replica.',
  reached: (_prev, a) => a.step === 'ControllerElectPreferredLeader',
};

export const controlledShutdown: G = {
  name: 'controlled-shutdown',
  statement: 'A broker shut down cleanly after the controller moved its leadership away.',
  reached: (_prev, a) => a.step === 'BrokerControlledShutdown',
};

export const sameLeaderNewEpoch: G = {
  name: 'same-leader-new-epoch',
  statement: 'The controller bumped the leader epoch and kept the same leader (an ISR shrink it made itself).',
  reached: (prev, _a, next) => {
    const a = prev.controller.registration;
    const b = next.controller.registration;
    return b.leaderEpoch > a.leaderEpoch && b.leader === a.leader && b.leader !== -1;
  },
};

export const hwLowerAfterRestart: G = {
  name: 'hw-lower-after-restart',
  statement: 'A broker restarted with an HW below the one it had when it stopped (a checkpoint that lagged).',
  reached: (prev, a, next) => a.step === 'BrokerRestart' && next.replicas[a.broker - 1].context.hw < prev.replicas[a.broker - 1].context.hw,
};

export const controllerFailover: G = {
  name: 'controller-failover',
  statement: 'Another controller took over.',
  reached: (_prev, a) => a.step === 'ControllerFailover',
};

export const GOALS: readonly G[] = [
  hwAdvancedWithIsrOfOne, recordTruncated, leaderEpochThree, uncleanElection, elrNonEmpty, divergentFetch,
  ackedAllWrite, ackedOneWrite, recordCommitted, leaderElected, electionAfterCommit, electionAfterAck, writeAfterAck,
  lossyCrash, zombieAppend, consumerRead, electionAfterRead, consumerValidated, consumerReset, consumerFollowerRead,
  consumerRetriedAtLeader, preferredElection, controlledShutdown, sameLeaderNewEpoch,
  hwLowerAfterRestart, controllerFailover,
];

export const producerResent: G = {
  name: 'producer-resent',
  statement: 'The producer resent a batch it held no ack for (P8).',
  reached: (_prev, a) => a.step === 'ProducerRetry',
};

export const duplicateFound: G = {
  name: 'duplicate-batch-found',
  statement: 'A leader found a resent batch among the last five it appended and appended nothing (P9).',
  reached: (prev, a, next) => a.step === 'ProducerRetry' && next.replicas[a.broker - 1].context.log.length === prev.replicas[a.broker - 1].context.log.length &&
    prev.replicas[a.broker - 1].context.log.some((e) => e.value === a.value),
};

export const producerEpochBumped: G = {
  name: 'producer-epoch-bumped',
  statement: 'A leader refused a batch out of sequence and the producer bumped its epoch (P10, P11).',
  reached: (prev, _a, next) => next.producer !== undefined && prev.producer !== undefined && next.producer.epoch > prev.producer.epoch,
};

/** The producer's goals, asked only of a producer that retries (so other configurations' goals stay as they were). */
export const PRODUCER_GOALS: readonly G[] = [producerResent, duplicateFound, producerEpochBumped];

/** Why a producer goal cannot be reached when the producer retries, or null. */
function producerGoalImpossible(k: Rules, goal: string): string | null {
  if (goal === producerResent.name) return null;
  return k.producer.idempotent ? null : 'the producer is not idempotent (idempotentProducer off, or acks other than all)';
}

/** Why a goal cannot be reached under these rules and bounds (so it is not reported as missed), or null. */
export function notApplicable(k: Rules, c: Bounds, goal: string): string | null {
  switch (goal) {
    case hwAdvancedWithIsrOfOne.name:
      return k.hwRequiresMinIsr && effectiveMinIsrOf(k, k.minIsr) > 1 && !k.minIsrMayChange ? 'the HW is frozen below min.insync.replicas (KAFKA-15583)' : null;
    case uncleanElection.name:
      return uncleanElectionImpossible(k, c);
    case elrNonEmpty.name:
      return k.election.elr ? null : 'ELR is off';
    case divergentFetch.name:
      return k.truncation.name === 'hw' ? 'truncate-to-HW asks the leader nothing' : null;
    case ackedAllWrite.name:
      return k.acks === 'all' ? null : `acks=${k.acks}`;
    case ackedOneWrite.name:
      return k.acks === 1 ? null : `acks=${k.acks}`;
    case electionAfterAck.name:
    case writeAfterAck.name:
      return k.acks === 0 ? 'acks=0: nothing is acknowledged' : goal === writeAfterAck.name && c.maxRecords < 2 ? 'one record in the bounds' : null;
    case lossyCrash.name:
      return c.lossyCrashes > 0 && !k.flushEveryRecord ? null : 'no lossy crash in the bounds';
    case zombieAppend.name:
      return c.maxHeartbeatLosses > 0 ? null : 'no lost heartbeat in the bounds, so no live leader is deposed';
    case consumerRead.name:
    case electionAfterRead.name:
      return k.consumer.enabled ? null : 'no consumer';
    case consumerValidated.name:
    case consumerReset.name:
    case consumerFollowerRead.name:
    case consumerRetriedAtLeader.name:
      return consumerGoalImpossible(k, c, goal);
    case preferredElection.name:
    case controlledShutdown.name:
      return c.maxLeaderMoves > 0 && k.replicas.length > 1 ? null : 'no leader moves in the bounds';
    case sameLeaderNewEpoch.name:
      return k.controller.shrinkBumpsLeaderEpoch && k.replicas.length > 1 ? null : 'the controller bumps the leader epoch only with the leader (KAFKA-15021)';
    case controllerFailover.name:
      return c.maxControllerFailovers > 0 ? null : 'no controller failover in the bounds';
    case hwLowerAfterRestart.name:
      return k.hwCheckpointLags ? null : 'HW checkpoints do not lag (hwCheckpointLags=false)';
    default:
      return null;
  }
}

/**
 * With unclean election off, the only unclean election left is ELR's last-known-leader election,
 * which needs an empty ISR and an empty ELR. A broker leaving the ISR below min.insync.replicas
 * joins the ELR unless it leaves by restarting (spec/controller.ts, nextElr and registerBroker),
 * and only a restart takes a broker out of the ELR, so every broker that left the ISR below
 * min.insync.replicas must have crashed: the last ISR member, and with min.insync.replicas ≥ 2 also
 * the one whose departure took the ISR below it (a change removes at most one member at a time
 * from an ISR of two). When restarts keep the ISR (L7), no restart clears the ELR at all.
 */
function uncleanElectionImpossible(k: Rules, c: Bounds): string | null {
  if (k.election.unclean) return null;
  if (!k.election.elr || !k.election.lastKnownLeader) return 'unclean election is off';
  if (k.restartKeepsIsr) return 'unclean election is off, and a restart that keeps the ISR never empties the ELR';
  const needed = k.minIsr >= 2 && !k.minIsrMayChange ? 2 : 1;
  return c.maxCrashes >= needed ? null
    : `unclean election is off, and a last-known-leader election needs ${needed} crashes (the bounds allow ${c.maxCrashes})`;
}

/**
 * C1-C6: validation needs KIP-320's consumer side and a new leader epoch; so does a reset, since
 * a position falls out of a leader's log (or past a truncation) only under a new leader, a leader
 * never truncating its own log. A follower answers OFFSET_OUT_OF_RANGE only after losing records
 * its leader saw it hold: by a crash, or by a truncation under a new leader.
 */
function consumerGoalImpossible(k: Rules, c: Bounds, goal: string): string | null {
  if (!k.consumer.enabled) return 'no consumer';
  const fixed = leaderEpochFixed(k, c) ? 'no leader-epoch change in the bounds' : null;
  if (goal === consumerValidated.name) return validatesPosition(k) ? fixed : 'the consumer does not validate its position (C5)';
  if (goal === consumerReset.name) return fixed;
  if (!k.consumer.followerReads) return 'the consumer reads only from leaders (followerReads off)';
  if (k.replicas.length === 1) return 'replication factor 1: no followers';
  if (goal === consumerFollowerRead.name || c.maxCrashes > 0 || fixed === null) return null;
  return 'no crash and no leader-epoch change in the bounds, so no follower loses records';
}

/** The goals that cannot be reached under these rules and bounds, each with the reason. */
export function impossibleGoals(k: Rules, c: Bounds): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of GOALS) {
    const why = notApplicable(k, c, g.name);
    if (why !== null) out[g.name] = why;
  }
  if (k.producer.retries) {
    for (const g of PRODUCER_GOALS) {
      const why = producerGoalImpossible(k, g.name);
      if (why !== null) out[g.name] = why;
    }
  }
  return out;
}

/** The goals that can be reached under these rules and bounds. */
export function goalsFor(k: Rules, c: Bounds): G[] {
  const goals = GOALS.filter((g) => notApplicable(k, c, g.name) === null);
  return k.producer.retries ? goals.concat(PRODUCER_GOALS.filter((g) => producerGoalImpossible(k, g.name) === null)) : goals;
}
