/**
 * The liveness properties of Kafka replication (V1-V6 in docs/rules.md): what eventually happens
 * once faults stop, under weak fairness of every other step (spec/fairness.ts). Each is a state
 * predicate `settled` ("nothing this property waits for is pending"), with its antecedent folded
 * in as "or the antecedent does not hold"; a property fails when some fair behaviour reaches a
 * point after which it is never settled again (a lasso, src/explore/liveness.ts).
 *
 * "Live" means running (not crashed, not failed for good). The leader is the one the controller
 * names, once it runs and knows it leads in the current epoch. Observers never join the ISR, so
 * V4 and the counts of V3 leave them out.
 */
import type { LivenessProperty } from '../src/model.ts';
import type { ClusterState } from '../spec/cluster.ts';
import type { Rules } from '../spec/rules.ts';
import { effectiveMinIsrOf, isObserver } from '../spec/rules.ts';
import { samePrefix } from '../spec/log.ts';
import { leo } from '../spec/replica-context.ts';
import { currentLeader } from './invariants.ts';

type Live = LivenessProperty<ClusterState>;

const live = (s: ClusterState, b: number) => s.replicas[b - 1].role !== 'offline';

/** V1: every positively acknowledged record is, again and again, on every live ISR member. */
export const ackedEventuallyReplicated: Live = {
  kind: 'liveness',
  name: 'acked-eventually-replicated',
  statement: 'V1: every acknowledged record eventually reaches every live member of the ISR',
  settled: (s) => s.controller.registration.isr.every((b) => !live(s, b) ||
    s.ghost.acked.every((w) => s.replicas[b - 1].context.log[w.offset]?.value === w.value)),
};

/** V2: every live replica's log agrees with the leader's below the leader's HW (vacuous without a leader: V5's matter). */
export const logsConverge: Live = {
  kind: 'liveness',
  name: 'logs-converge',
  statement: 'V2: every live replica\'s log eventually equals the leader\'s up to the leader\'s HW (a divergence heals)',
  settled: (s) => {
    const leader = currentLeader(s);
    if (leader === null) return true;
    return s.replicas.every((r) => r.role === 'offline' || samePrefix(r.context.log, leader.log, leader.hw));
  },
};

/** V3: with a leader and at least min.insync.replicas live ISR-eligible replicas, everything appended is below the HW. */
export function hwEventuallyAdvances(k: Rules): Live {
  return {
    kind: 'liveness',
    name: 'hw-eventually-advances',
    statement: 'V3: with a leader and at least min.insync.replicas live replicas that may join the ISR, every appended record eventually falls below the HW',
    settled: (s) => {
      const leader = currentLeader(s);
      if (leader === null) return true;
      const voters = k.replicas.filter((b) => live(s, b) && !isObserver(k, b)).length;
      return voters < effectiveMinIsrOf(k, s.controller.minIsr) || leader.hw === leo(leader);
    },
  };
}

/** V4: every live replica that may join the ISR is in it (observers excepted). */
export function isrEventuallyComplete(k: Rules): Live {
  return {
    kind: 'liveness',
    name: 'isr-eventually-complete',
    statement: 'V4: every live replica other than an observer is eventually in the ISR',
    settled: (s) => k.replicas.every((b) => !live(s, b) || isObserver(k, b) || s.controller.registration.isr.includes(b)),
  };
}

/** V5: the partition has a running leader, or no replica that could lead is up. */
export function leaderEventuallyElected(k: Rules): Live {
  return {
    kind: 'liveness',
    name: 'leader-eventually-elected',
    statement: 'V5: while some replica other than an observer is live, the partition eventually has a leader',
    settled: (s) => currentLeader(s) !== null || k.replicas.every((b) => !live(s, b) || isObserver(k, b)),
  };
}

/** V6: a leader accepts a write with the configured acks: for acks=all, its ISR is at least min.insync.replicas (P3). */
export function writesEventuallyAccepted(k: Rules): Live {
  return {
    kind: 'liveness',
    name: 'writes-eventually-accepted',
    statement: 'V6: the partition eventually has a leader that accepts a write with the configured acks (for acks=all, an ISR of at least min.insync.replicas)',
    settled: (s) => {
      const leader = currentLeader(s);
      return leader !== null && (k.acks !== 'all' || leader.isr.length >= effectiveMinIsrOf(k, leader.minIsr));
    },
  };
}

/** The six liveness properties of one configuration's rules. */
export function livenessProperties(k: Rules): Live[] {
  return [
    ackedEventuallyReplicated, logsConverge, hwEventuallyAdvances(k), isrEventuallyComplete(k),
    leaderEventuallyElected(k), writesEventuallyAccepted(k),
  ];
}
