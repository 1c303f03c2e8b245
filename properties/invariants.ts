/**
 * The safety properties of Kafka replication (S-1 to S-14 and T-1 to T-8 in docs/rules.md) as
 * named, pure predicates, each one clause stated first in English. Each says what it is: a
 * `state` invariant judges one state; a `transition` invariant judges one step (the state before
 * and after). Trace properties (T-1, T-3, T-4, T-5) are state predicates over the ghost history.
 */
import type { StateInvariant, TransitionInvariant } from '../src/model.ts';
import type { ClusterState } from '../spec/cluster.ts';
import type { Rules } from '../spec/rules.ts';
import { sameEntry, samePrefix } from '../spec/log.ts';
import { NO_LEADER, type Entry } from '../spec/types.ts';
import type { ReplicaContext } from '../spec/replica-context.ts';
import type { AckedWrite } from '../spec/ghost.ts';

type Inv = StateInvariant<ClusterState>;
type StepInv = TransitionInvariant<ClusterState>;

const running = (s: ClusterState) => s.replicas.filter((r) => r.role !== 'offline').map((r) => r.context);

/** The replica the controller names leader, if it runs and has learned it leads in this epoch. */
export function currentLeader(s: ClusterState): ReplicaContext | null {
  const reg = s.controller.registration;
  if (reg.leader === NO_LEADER) return null;
  const slot = s.replicas[reg.leader - 1];
  return slot.role === 'leader' && slot.context.leaderEpoch === reg.leaderEpoch ? slot.context : null;
}

/** The replica the controller names leader, if it is running (it may not know yet). */
function electedAndRunning(s: ClusterState): ReplicaContext | null {
  const leader = s.controller.registration.leader;
  if (leader === NO_LEADER || s.replicas[leader - 1].role === 'offline') return null;
  return s.replicas[leader - 1].context;
}

const holdsCommitted = (s: ClusterState, r: ReplicaContext) => samePrefix(r.log, s.ghost.committed, s.ghost.committed.length);
const holdsAt = (log: readonly Entry[], w: AckedWrite) => log[w.offset]?.value === w.value;

export const hwLeLeo: Inv = {
  kind: 'state',
  name: 'hw-le-leo',
  statement: 'Every replica has 0 ≤ HW ≤ LEO: no replica exposes an offset it does not hold (S-1).',
  holds: (s) => s.replicas.every(({ context: r }) => r.hw >= 0 && r.hw <= r.log.length),
};

export const leaderInIsr: Inv = {
  kind: 'state',
  name: 'leader-in-isr',
  statement: 'The controller\'s leader, when there is one, is in the ISR (S-3).',
  holds: (s) => {
    const { leader, isr } = s.controller.registration;
    return leader === NO_LEADER || isr.includes(leader);
  },
};

export function isrElrValid(k: Rules): Inv {
  return {
    kind: 'state',
    name: 'isr-elr-valid',
    statement: 'ISR and ELR hold only replicas of the partition, and no replica is in both (S-3).',
    holds: (s) => {
      const { isr, elr } = s.controller.registration;
      return isr.every((b) => k.replicas.includes(b)) && elr.every((b) => k.replicas.includes(b) && !isr.includes(b));
    },
  };
}

export function elrOnlyBelowMinIsr(k: Rules): Inv {
  return {
    kind: 'state',
    name: 'elr-only-below-min-isr',
    statement: 'The ELR is empty while the ISR has at least min.insync.replicas members (S-3).',
    holds: (s) => s.controller.registration.isr.length < k.minIsr || s.controller.registration.elr.length === 0,
  };
}

export function isrNeverEmptyWithoutElr(k: Rules): Inv {
  return {
    kind: 'state',
    name: 'isr-never-empty',
    statement: 'Without ELR the ISR is never empty: its last member stays in it (S-3, S5).',
    holds: (s) => k.election.elr || s.controller.registration.isr.length > 0,
  };
}

export const epochsMonotone: StepInv = {
  kind: 'transition',
  name: 'epochs-monotone',
  statement: 'No step lowers the controller\'s leader epoch or partition epoch (S-14).',
  holds: (prev, s) => s.controller.registration.leaderEpoch >= prev.controller.registration.leaderEpoch &&
    s.controller.registration.partitionEpoch >= prev.controller.registration.partitionEpoch,
};

export const epochsNotAhead: Inv = {
  kind: 'state',
  name: 'epochs-not-ahead',
  statement: 'No replica knows a newer leader epoch than the controller\'s (S-14).',
  holds: (s) => s.replicas.every(({ context: r }) => r.leaderEpoch <= s.controller.registration.leaderEpoch),
};

export const epochCacheIncreasing: Inv = {
  kind: 'state',
  name: 'epoch-cache-increasing',
  statement: 'Every epoch cache strictly increases in epoch and in start offset (S-2).',
  holds: (s) => s.replicas.every(({ context: r }) => cacheIncreases(r)),
};

export const logEpochsIncreasing: Inv = {
  kind: 'state',
  name: 'log-epochs-increasing',
  statement: 'Along every log, the leader epochs records carry never decrease (S-2).',
  holds: (s) => s.replicas.every(({ context: r }) => logEpochsIncrease(r.log)),
};

const cacheIncreases = (r: ReplicaContext) => r.cache.every((e, i) => i === 0 || (e.epoch > r.cache[i - 1].epoch && e.start > r.cache[i - 1].start));
const logEpochsIncrease = (log: readonly Entry[]) => log.every((e, i) => i === 0 || e.epoch >= log[i - 1].epoch);

export const weakIsr: Inv = {
  kind: 'state',
  name: 'weak-isr',
  statement: 'A current leader and every running member of its ISR (still in the controller\'s ISR) agree on every offset below the leader\'s HW (S-6).',
  holds: (s) => {
    const leader = currentLeader(s);
    if (leader === null) return true;
    return leader.isr.every((b) => {
      const member = s.replicas[b - 1];
      if (member.role === 'offline' || !s.controller.registration.isr.includes(b)) return true;
      return samePrefix(member.context.log, leader.log, leader.hw);
    });
  },
};

export const strongIsr: Inv = {
  kind: 'state',
  name: 'strong-isr',
  statement: 'Every running member of the controller\'s ISR and ELR holds the whole committed history (S-7).',
  holds: (s) => {
    const { isr, elr } = s.controller.registration;
    return [...isr, ...elr].every((b) => s.replicas[b - 1].role === 'offline' || holdsCommitted(s, s.replicas[b - 1].context));
  },
};

export const leaderCompleteness: Inv = {
  kind: 'state',
  name: 'leader-completeness',
  statement: 'The elected leader, when running, holds the whole committed history and every acks=all write acknowledged so far (S-8).',
  holds: (s) => {
    const leader = electedAndRunning(s);
    if (leader === null) return true;
    return holdsCommitted(s, leader) && s.ghost.acked.every((w) => w.acks !== 'all' || holdsAt(leader.log, w));
  },
};

export const logMatching: Inv = {
  kind: 'state',
  name: 'log-matching',
  statement: 'Any two running replicas agree on every offset below both their HWs (S-9).',
  holds: (s) => {
    const rs = running(s);
    for (let i = 0; i < rs.length; i++) {
      for (let j = i + 1; j < rs.length; j++) {
        if (!samePrefix(rs[i].log, rs[j].log, Math.min(rs[i].hw, rs[j].hw))) return false;
      }
    }
    return true;
  },
};

export const noCommittedLoss: Inv = {
  kind: 'state',
  name: 'no-committed-loss',
  statement: 'Every committed record (below the true HW) is still stored at its offset on at least one broker (S-12).',
  holds: (s) => s.ghost.committed.every((e, o) => s.replicas.some(({ context: r }) => sameEntry(r.log[o], e))),
};

export const hwOnlyCommitted: Inv = {
  kind: 'state',
  name: 'hw-only-committed',
  statement: 'No running replica exposes, below its HW, a record other than the committed one at that offset (S-13).',
  holds: (s) => running(s).every((r) => r.hw <= s.ghost.committed.length && samePrefix(r.log, s.ghost.committed, r.hw)),
};

function durable(acks: 1 | 'all'): Inv {
  return {
    kind: 'state',
    name: acks === 'all' ? 'acks-all-durable' : 'acks-one-durable',
    statement: `Every write acknowledged with acks=${acks} is at its offset in the log of the current leader (T-1).`,
    holds: (s) => {
      const leader = currentLeader(s);
      return leader === null || s.ghost.acked.every((w) => w.acks !== acks || holdsAt(leader.log, w));
    },
  };
}
export const acksAllDurable = durable('all');
export const acksOneDurable = durable(1);

export const consistentRead: Inv = {
  kind: 'state',
  name: 'consistent-read',
  statement: 'Every record the consumer has read is at its offset in the log of the current leader (T-3).',
  holds: (s) => {
    const leader = currentLeader(s);
    return leader === null || s.ghost.consumed.every((r) => sameEntry(leader.log[r.offset], r.entry));
  },
};

export const monotonicReads: Inv = {
  kind: 'state',
  name: 'monotonic-reads',
  statement: 'Between signalled resets, the consumer reads strictly increasing offsets (T-4).',
  holds: (s) => {
    const reads = s.ghost.consumed;
    for (let i = 1; i < reads.length; i++) {
      if (reads[i].epochOfReads === reads[i - 1].epochOfReads && reads[i].offset <= reads[i - 1].offset) return false;
    }
    return true;
  },
};

export const rereadsAgree: Inv = {
  kind: 'state',
  name: 'rereads-agree',
  statement: 'Reading an offset again (after a signalled reset) returns the record read there before (T-4).',
  holds: (s) => {
    const reads = s.ghost.consumed;
    return reads.every((r) => reads.every((q) => q.offset !== r.offset || sameEntry(q.entry, r.entry)));
  },
};

export const readsOnlyCommitted: Inv = {
  kind: 'state',
  name: 'reads-only-committed',
  statement: 'Every record the consumer read is committed: below the true HW, and the committed record at that offset (T-5).',
  holds: (s) => s.ghost.consumed.every((r) => sameEntry(s.ghost.committed[r.offset], r.entry)),
};

export const leaderHwMonotonic: StepInv = {
  kind: 'transition',
  name: 'leader-hw-monotonic',
  statement: 'While a replica leads in one leader epoch, its HW never decreases (T-7).',
  holds: (prev, s) =>
    s.replicas.every((slot, i) => {
      const before = prev.replicas[i];
      if (slot.role !== 'leader' || before.role !== 'leader' || slot.context.leaderEpoch !== before.context.leaderEpoch) return true;
      return slot.context.hw >= before.context.hw;
    }),
};

/** Every invariant, in the order they are reported. */
export function invariants(k: Rules): (Inv | StepInv)[] {
  return [
    hwLeLeo, leaderInIsr, isrElrValid(k), elrOnlyBelowMinIsr(k), isrNeverEmptyWithoutElr(k),
    epochsMonotone, epochsNotAhead, epochCacheIncreasing, logEpochsIncreasing,
    weakIsr, strongIsr, leaderCompleteness, logMatching, noCommittedLoss,
    hwOnlyCommitted, acksAllDurable, acksOneDurable, consistentRead, monotonicReads, rereadsAgree, readsOnlyCommitted,
    leaderHwMonotonic,
  ];
}
