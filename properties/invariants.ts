/**
 * The safety properties of Kafka replication (domain brief §3) as named, pure predicates over a
 * cluster state. Each is one clause, stated first in English. Trace properties (T-1, T-3, T-4,
 * T-5, T-7) are state predicates over the ghost history, or over one step through `prev`.
 */
import type { Invariant } from '../src/model.ts';
import type { ClusterState } from '../spec/cluster.ts';
import type { ClusterConfig } from '../spec/config.ts';
import { sameEntry, samePrefix } from '../spec/log.ts';
import { NO_LEADER, type Entry } from '../spec/types.ts';
import type { ReplicaContext } from '../spec/replica-context.ts';
import type { AckedWrite } from '../spec/ghost.ts';

type Inv = Invariant<ClusterState>;

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
  name: 'hw-le-leo',
  statement: 'Every replica has 0 ≤ HW ≤ LEO: no replica exposes an offset it does not hold (S-1).',
  holds: (s) => s.replicas.every(({ context: r }) => r.hw >= 0 && r.hw <= r.log.length),
};

export function leaderInIsr(c: ClusterConfig): Inv {
  return {
    name: 'leader-in-isr',
    statement: 'The controller\'s leader is in the ISR (or none); ISR and ELR are disjoint replicas; the ELR is empty when the ISR meets min ISR; the ISR is never empty without ELR (S-3).',
    holds: (s) => {
      const { leader, isr, elr } = s.controller.registration;
      const inRange = (b: number) => b >= 1 && b <= c.rf;
      if (leader !== NO_LEADER && !isr.includes(leader)) return false;
      if (!isr.every(inRange) || !elr.every(inRange) || isr.some((b) => elr.includes(b))) return false;
      if (isr.length >= c.minIsr && elr.length > 0) return false;
      return c.elr || isr.length > 0;
    },
  };
}

export const epochsMonotone: Inv = {
  name: 'epochs-monotone',
  statement: 'Leader and partition epochs never decrease; no replica knows a newer epoch than the controller; epoch caches strictly increase; log epochs never decrease along a log (S-2, S-14).',
  holds: (s, prev) => {
    const reg = s.controller.registration;
    if (prev && (reg.leaderEpoch < prev.controller.registration.leaderEpoch || reg.partitionEpoch < prev.controller.registration.partitionEpoch)) return false;
    return s.replicas.every(({ context: r }) => r.leaderEpoch <= reg.leaderEpoch && cacheIncreases(r) && logEpochsIncrease(r.log));
  },
};

const cacheIncreases = (r: ReplicaContext) => r.cache.every((e, i) => i === 0 || (e.epoch > r.cache[i - 1].epoch && e.start > r.cache[i - 1].start));
const logEpochsIncrease = (log: readonly Entry[]) => log.every((e, i) => i === 0 || e.epoch >= log[i - 1].epoch);

export const weakIsr: Inv = {
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
  name: 'strong-isr',
  statement: 'Every running member of the controller\'s ISR and ELR holds the whole committed history (S-7).',
  holds: (s) => {
    const { isr, elr } = s.controller.registration;
    return [...isr, ...elr].every((b) => s.replicas[b - 1].role === 'offline' || holdsCommitted(s, s.replicas[b - 1].context));
  },
};

export const leaderCompleteness: Inv = {
  name: 'leader-completeness',
  statement: 'The elected leader, when running, holds the whole committed history and every acks=all write acknowledged so far (S-8).',
  holds: (s) => {
    const leader = electedAndRunning(s);
    if (leader === null) return true;
    return holdsCommitted(s, leader) && s.ghost.acked.every((w) => w.acks !== 'all' || holdsAt(leader.log, w));
  },
};

export const logMatching: Inv = {
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
  name: 'no-committed-loss',
  statement: 'Every committed record (below the true HW) is still stored at its offset on at least one broker (S-12).',
  holds: (s) => s.ghost.committed.every((e, o) => s.replicas.some(({ context: r }) => sameEntry(r.log[o], e))),
};

export const hwOnlyCommitted: Inv = {
  name: 'hw-only-committed',
  statement: 'No running replica exposes, below its HW, a record other than the committed one at that offset (S-13).',
  holds: (s) => running(s).every((r) => r.hw <= s.ghost.committed.length && samePrefix(r.log, s.ghost.committed, r.hw)),
};

function durable(acks: 1 | 'all'): Inv {
  return {
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
  name: 'consistent-read',
  statement: 'Every record the consumer has read is at its offset in the log of the current leader (T-3).',
  holds: (s) => {
    const leader = currentLeader(s);
    return leader === null || s.ghost.consumed.every((r) => sameEntry(leader.log[r.offset], r.entry));
  },
};

export const monotonicReads: Inv = {
  name: 'monotonic-reads',
  statement: 'The consumer reads strictly increasing offsets between signalled resets, and re-reading an offset after a reset returns the same record (T-4).',
  holds: (s) => {
    const reads = s.ghost.consumed;
    for (let i = 1; i < reads.length; i++) {
      if (reads[i].epochOfReads === reads[i - 1].epochOfReads && reads[i].offset <= reads[i - 1].offset) return false;
    }
    return reads.every((r) => reads.every((q) => q.offset !== r.offset || sameEntry(q.entry, r.entry)));
  },
};

export const readsOnlyCommitted: Inv = {
  name: 'reads-only-committed',
  statement: 'Every record the consumer read is committed: below the true HW, and the committed record at that offset (T-5).',
  holds: (s) => s.ghost.consumed.every((r) => sameEntry(s.ghost.committed[r.offset], r.entry)),
};

export const leaderHwMonotonic: Inv = {
  name: 'leader-hw-monotonic',
  statement: 'While a replica leads in one leader epoch, its HW never decreases (T-7).',
  holds: (s, prev) =>
    prev === undefined ||
    s.replicas.every((slot, i) => {
      const before = prev.replicas[i];
      if (slot.role !== 'leader' || before.role !== 'leader' || slot.context.leaderEpoch !== before.context.leaderEpoch) return true;
      return slot.context.hw >= before.context.hw;
    }),
};

/** Every invariant, in the order they are reported. */
export function invariants(c: ClusterConfig): Inv[] {
  return [
    hwLeLeo, leaderInIsr(c), epochsMonotone, weakIsr, strongIsr, leaderCompleteness, logMatching, noCommittedLoss,
    hwOnlyCommitted, acksAllDurable, acksOneDurable, consistentRead, monotonicReads, readsOnlyCommitted, leaderHwMonotonic,
  ];
}
