/**
 * The safety properties of Kafka replication (S-1 to S-14 and T-1 to T-8 in docs/rules.md) as
 * named, pure predicates, each one clause stated first in English. Each says what it is: a
 * `state` invariant judges one state; a `transition` invariant judges one step (the state before
 * and after). Trace properties are predicates over the ghost history: T-1, T-3 and T-6 judge
 * states, T-2, T-4, T-5 and T-7 judge steps.
 */
import type { StateInvariant, TransitionInvariant } from '../src/model.ts';
import type { ClusterState, ReplicaSlot } from '../spec/cluster.ts';
import { type Rules, effectiveMinIsrOf } from '../spec/rules.ts';
import { maximalIsr } from '../spec/leader.ts';
import { sameEntry, samePrefix } from '../spec/log.ts';
import { NO_LEADER, type BrokerId, type Entry } from '../spec/types.ts';
import type { ReplicaContext } from '../spec/replica-context.ts';
import type { AckedWrite, ConsumedRecord } from '../spec/ghost.ts';

type Inv = StateInvariant<ClusterState>;
type StepInv = TransitionInvariant<ClusterState>;

/*
 * The predicates allocate nothing, since the engine runs them on every state and step it meets:
 * a callback handed to `every` or `some` is a function made once at the top of this file, never a
 * closure over the state; where a check needs the state (or the leader), it is a loop.
 */

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

/** Whether every member of `xs` is in `ys`. */
function allIn(xs: readonly BrokerId[], ys: readonly BrokerId[]): boolean {
  for (let i = 0; i < xs.length; i++) if (!ys.includes(xs[i])) return false;
  return true;
}

/** Whether `log` holds every write acknowledged with `acks` (T-1, S-8). */
function holdsAcked(s: ClusterState, log: readonly Entry[], acks: 1 | 'all'): boolean {
  const acked = s.ghost.acked;
  for (let i = 0; i < acked.length; i++) if (acked[i].acks === acks && !holdsAt(log, acked[i])) return false;
  return true;
}

const hwWithinLog = ({ context: r }: ReplicaSlot) => r.hw >= 0 && r.hw <= r.log.length;

export const hwLeLeo: Inv = {
  kind: 'state',
  name: 'hw-le-leo',
  statement: 'Every replica has 0 ≤ HW ≤ LEO: no replica exposes an offset it does not hold (S-1).',
  holds: (s) => s.replicas.every(hwWithinLog),
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
      if (!allIn(isr, k.replicas) || !allIn(elr, k.replicas)) return false;
      for (let i = 0; i < elr.length; i++) if (isr.includes(elr[i])) return false;
      return true;
    },
  };
}

export function elrOnlyBelowMinIsr(_k: Rules): Inv {
  return {
    kind: 'state',
    name: 'elr-only-below-min-isr',
    requires: ['elr-non-empty'],
    statement: 'The ELR is empty while the ISR has at least min.insync.replicas members (S-3).',
    holds: (s) => s.controller.registration.isr.length < s.controller.minIsr || s.controller.registration.elr.length === 0,
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

export function noFencedInIsr(k: Rules): Inv {
  return {
    kind: 'state',
    name: 'no-fenced-in-isr',
    statement: 'A fenced broker is in the controller\'s ISR only as its last member without ELR, which S5 keeps (S-4).',
    holds: (s) => {
      const { isr } = s.controller.registration;
      if (!k.election.elr && isr.length === 1) return true;
      for (let i = 0; i < isr.length; i++) if (s.controller.fenced[isr[i] - 1]) return false;
      return true;
    },
  };
}

export function replicationQuorumSuperset(k: Rules): Inv {
  return {
    kind: 'state',
    name: 'replication-quorum-superset',
    statement: 'A current leader whose ISR meets min.insync.replicas counts, for its HW, every member of the controller\'s ISR and ELR (S-10).',
    holds: (s) => {
      const leader = currentLeader(s);
      if (leader === null || leader.isr.length < effectiveMinIsrOf(k, leader.minIsr)) return true;
      const counted = maximalIsr(k, leader);
      const { isr, elr } = s.controller.registration;
      return allIn(isr, counted) && allIn(elr, counted);
    },
  };
}

export const validHw: Inv = {
  kind: 'state',
  name: 'valid-hw',
  requires: ['record-committed'],
  statement: 'Every member of the controller\'s ISR that the current leader has heard from in its epoch has an LEO at or above the leader\'s HW (S-11).',
  holds: (s) => {
    const leader = currentLeader(s);
    if (leader === null) return true;
    const isr = s.controller.registration.isr;
    for (let i = 0; i < isr.length; i++) {
      const known = leader.remoteLeo[isr[i] - 1];
      if (!(isr[i] === leader.id || known < 0 || known >= leader.hw)) return false;
    }
    return true;
  },
};

export const epochsMonotone: StepInv = {
  kind: 'transition',
  name: 'epochs-monotone',
  requires: ['leader-elected'],
  statement: 'No step lowers the controller\'s leader epoch or partition epoch (S-14).',
  holds: (prev, s) => s.controller.registration.leaderEpoch >= prev.controller.registration.leaderEpoch &&
    s.controller.registration.partitionEpoch >= prev.controller.registration.partitionEpoch,
};

export const brokerViewsMonotone: StepInv = {
  kind: 'transition',
  name: 'broker-views-monotone',
  requires: ['leader-elected'],
  statement: 'No step takes a running broker back to an older leader epoch or controller epoch it had moved past: brokers act on one controller at a time (M4).',
  holds: (prev, s) => {
    for (let i = 0; i < s.replicas.length; i++) {
      const { role, context: r } = s.replicas[i];
      const before = prev.replicas[i];
      if (role === 'offline' || before.role === 'offline' || r.incarnation !== before.context.incarnation) continue;
      if (r.leaderEpoch < before.context.leaderEpoch || r.controllerEpoch < before.context.controllerEpoch) return false;
    }
    return true;
  },
};

export const epochsNotAhead: Inv = {
  kind: 'state',
  name: 'epochs-not-ahead',
  requires: ['leader-elected'],
  statement: 'No replica knows a newer leader epoch than the controller\'s (S-14).',
  holds: (s) => {
    for (let i = 0; i < s.replicas.length; i++) if (s.replicas[i].context.leaderEpoch > s.controller.registration.leaderEpoch) return false;
    return true;
  },
};

export const epochCacheIncreasing: Inv = {
  kind: 'state',
  name: 'epoch-cache-increasing',
  requires: ['leader-elected'],
  statement: 'Every epoch cache strictly increases in epoch and in start offset (S-2).',
  holds: (s) => s.replicas.every(cacheIncreases),
};

export const logEpochsIncreasing: Inv = {
  kind: 'state',
  name: 'log-epochs-increasing',
  requires: ['leader-elected'],
  statement: 'Along every log, the leader epochs records carry never decrease (S-2).',
  holds: (s) => s.replicas.every(logEpochsIncrease),
};

function cacheIncreases({ context: { cache } }: ReplicaSlot): boolean {
  for (let i = 1; i < cache.length; i++) if (cache[i].epoch <= cache[i - 1].epoch || cache[i].start <= cache[i - 1].start) return false;
  return true;
}

function logEpochsIncrease({ context: { log } }: ReplicaSlot): boolean {
  for (let i = 1; i < log.length; i++) if (log[i].epoch < log[i - 1].epoch) return false;
  return true;
}

export const weakIsr: Inv = {
  kind: 'state',
  name: 'weak-isr',
  requires: ['record-committed'],
  anomaly: 'divergent logs',
  statement: 'A current leader and every running member of its ISR (still in the controller\'s ISR) agree on every offset below the leader\'s HW (S-6).',
  holds: (s) => {
    const leader = currentLeader(s);
    if (leader === null) return true;
    for (let i = 0; i < leader.isr.length; i++) {
      const b = leader.isr[i];
      const member = s.replicas[b - 1];
      if (member.role === 'offline' || !s.controller.registration.isr.includes(b)) continue;
      if (!samePrefix(member.context.log, leader.log, leader.hw)) return false;
    }
    return true;
  },
};

export const strongIsr: Inv = {
  kind: 'state',
  name: 'strong-isr',
  requires: ['record-committed'],
  anomaly: 'committed-record loss',
  statement: 'Every running member of the controller\'s ISR and ELR holds the whole committed history (S-7).',
  holds: (s) => {
    const { isr, elr } = s.controller.registration;
    return runningHoldCommitted(s, isr) && runningHoldCommitted(s, elr);
  },
};

/** Every running broker of `members` holds the whole committed history. */
function runningHoldCommitted(s: ClusterState, members: readonly BrokerId[]): boolean {
  for (let i = 0; i < members.length; i++) {
    const slot = s.replicas[members[i] - 1];
    if (slot.role !== 'offline' && !holdsCommitted(s, slot.context)) return false;
  }
  return true;
}

export const leaderCompleteness: Inv = {
  kind: 'state',
  name: 'leader-completeness',
  requires: ['election-after-commit'],
  anomaly: 'committed-record loss',
  statement: 'The elected leader, when running, holds the whole committed history and every acks=all write acknowledged so far (S-8).',
  holds: (s) => {
    const leader = electedAndRunning(s);
    if (leader === null) return true;
    return holdsCommitted(s, leader) && holdsAcked(s, leader.log, 'all');
  },
};

export const logMatching: Inv = {
  kind: 'state',
  name: 'log-matching',
  requires: ['record-committed'],
  anomaly: 'divergent logs',
  statement: 'Any two running replicas agree on every offset below both their HWs (S-9).',
  holds: (s) => {
    const rs = s.replicas;
    for (let i = 0; i < rs.length; i++) {
      if (rs[i].role === 'offline') continue;
      const a = rs[i].context;
      for (let j = i + 1; j < rs.length; j++) {
        if (rs[j].role === 'offline') continue;
        const b = rs[j].context;
        if (!samePrefix(a.log, b.log, Math.min(a.hw, b.hw))) return false;
      }
    }
    return true;
  },
};

export const noCommittedLoss: Inv = {
  kind: 'state',
  name: 'no-committed-loss',
  requires: ['record-committed'],
  anomaly: 'committed-record loss',
  statement: 'Every committed record (below the true HW) is still stored at its offset on at least one broker (S-12).',
  holds: (s) => {
    const committed = s.ghost.committed;
    for (let o = 0; o < committed.length; o++) if (!storedSomewhere(s, o, committed[o])) return false;
    return true;
  },
};

/** Some broker stores `e` at offset `o`. */
function storedSomewhere(s: ClusterState, o: number, e: Entry): boolean {
  for (let i = 0; i < s.replicas.length; i++) if (sameEntry(s.replicas[i].context.log[o], e)) return true;
  return false;
}

export const hwOnlyCommitted: Inv = {
  kind: 'state',
  name: 'hw-only-committed',
  requires: ['record-committed'],
  anomaly: 'divergent logs',
  statement: 'No running replica exposes, below its HW, a record other than the committed one at that offset (S-13).',
  holds: (s) => {
    const committed = s.ghost.committed;
    for (let i = 0; i < s.replicas.length; i++) {
      const { role, context: r } = s.replicas[i];
      if (role !== 'offline' && (r.hw > committed.length || !samePrefix(r.log, committed, r.hw))) return false;
    }
    return true;
  },
};

function durable(acks: 1 | 'all'): Inv {
  return {
    kind: 'state',
    name: acks === 'all' ? 'acks-all-durable' : 'acks-one-durable',
    requires: [acks === 'all' ? 'acks-all-acknowledged' : 'acks-one-acknowledged', 'election-after-ack'],
    anomaly: 'lost acknowledged write',
    statement: `Every write acknowledged with acks=${acks} is at its offset in the log of the current leader (T-1).`,
    holds: (s) => {
      const leader = currentLeader(s);
      return leader === null || holdsAcked(s, leader.log, acks);
    },
  };
}
export const acksAllDurable = durable('all');
export const acksOneDurable = durable(1);

export const consistentRead: Inv = {
  kind: 'state',
  name: 'consistent-read',
  requires: ['election-after-read'],
  anomaly: 'inconsistent offsets: a record read is no longer at its offset',
  statement: 'Every record the consumer has read is at its offset in the log of the current leader (T-3).',
  holds: (s) => {
    const leader = currentLeader(s);
    if (leader === null) return true;
    const consumed = s.ghost.consumed;
    for (let i = 0; i < consumed.length; i++) if (!sameEntry(leader.log[consumed[i].offset], consumed[i].entry)) return false;
    return true;
  },
};

/** The record the consumer received in this step, if it received one. */
function readIn(prev: ClusterState, s: ClusterState): ConsumedRecord | null {
  return s.ghost.consumed.length > prev.ghost.consumed.length ? s.ghost.consumed[s.ghost.consumed.length - 1] : null;
}

/**
 * T-4: a read continues the history the consumer has been reading when it is at the position and
 * the replica that served it still holds, below it, every record read since the last signalled reset.
 */
function continuesRun(prev: ClusterState, s: ClusterState, read: ConsumedRecord): boolean {
  const log = s.replicas[read.from - 1].context.log;
  if (read.offset !== prev.consumer.position) return false;
  const consumed = s.ghost.consumed;
  for (let i = 0; i < consumed.length; i++) {
    const r = consumed[i];
    if (r.run === read.run && !sameEntry(log[r.offset], r.entry)) return false;
  }
  return true;
}

/**
 * A silent skip is a read from a replica whose log below the position is no longer what the
 * consumer read there; a silent rewind is a position that falls without a signalled reset.
 * (`rereads-agree`, a re-read offset returns the same record, is folded into T-2 and T-5: two
 * reads of one offset that were each committed when read differ only if a committed record changed.)
 */
export const monotonicReads: StepInv = {
  kind: 'transition',
  name: 'monotonic-reads',
  requires: ['consumer-read'],
  anomaly: 'non-monotonic read or silent skip',
  statement: 'The consumer moves forward along one history: its position falls only by a signalled reset, and each record it receives is at its position and continues what it read since its last signalled reset (T-4).',
  holds: (prev, s) => {
    const read = readIn(prev, s);
    const signalled = s.ghost.resets > prev.ghost.resets;
    return (signalled || s.consumer.position >= prev.consumer.position) && (read === null || continuesRun(prev, s, read));
  },
};

export const readsOnlyCommitted: StepInv = {
  kind: 'transition',
  name: 'reads-only-committed',
  requires: ['consumer-read'],
  anomaly: 'read of an uncommitted record',
  statement: 'Every record the consumer receives is committed when it receives it: below the true HW, and the committed record at that offset (T-5).',
  holds: (prev, s) => {
    const read = readIn(prev, s);
    return read === null || sameEntry(s.ghost.committed[read.offset], read.entry);
  },
};

export const committedHistoryStable: StepInv = {
  kind: 'transition',
  name: 'committed-history-stable',
  requires: ['record-committed'],
  anomaly: 'committed-record loss',
  statement: 'No step changes a committed record or lowers the true HW: the committed history before a step is a prefix of the one after (T-2).',
  holds: (prev, s) => samePrefix(s.ghost.committed, prev.ghost.committed, prev.ghost.committed.length),
};

/** T-6: the writes sent after `w` was acknowledged sit after it, as acknowledged and in the committed history. */
function laterWritesAfter(s: ClusterState, w: AckedWrite): boolean {
  const { acked, committed } = s.ghost;
  for (let i = 0; i < acked.length; i++) if (acked[i].value >= w.sentAfter && acked[i].offset <= w.offset) return false;
  let at = 0;
  while (at < committed.length && committed[at].value !== w.value) at++;
  if (at === committed.length) return true;
  for (let o = 0; o <= at; o++) if (committed[o].value >= w.sentAfter) return false;
  return true;
}

export const writeOrder: Inv = {
  kind: 'state',
  name: 'write-order',
  requires: ['write-after-ack'],
  anomaly: 'non-monotonic send: writes acknowledged out of order',
  statement: 'A write sent after another was acknowledged sits after it: at a higher offset in its own acknowledgement, and after it in the committed history when both are there (T-6).',
  holds: (s) => {
    for (let i = 0; i < s.ghost.acked.length; i++) if (!laterWritesAfter(s, s.ghost.acked[i])) return false;
    return true;
  },
};

export const leaderHwMonotonic: StepInv = {
  kind: 'transition',
  name: 'leader-hw-monotonic',
  requires: ['record-committed'],
  statement: 'While a replica leads in one leader epoch, its HW never decreases (T-7).',
  holds: (prev, s) => {
    for (let i = 0; i < s.replicas.length; i++) {
      const slot = s.replicas[i];
      const before = prev.replicas[i];
      if (slot.role !== 'leader' || before.role !== 'leader' || slot.context.leaderEpoch !== before.context.leaderEpoch) continue;
      if (slot.context.hw < before.context.hw) return false;
    }
    return true;
  },
};

/** How many times `value` sits in `log`. */
function occurrences(log: readonly Entry[], value: number): number {
  let n = 0;
  for (let o = 0; o < log.length; o++) if (log[o].value === value) n++;
  return n;
}

export const noDuplicateCommitted: Inv = {
  kind: 'state',
  name: 'no-duplicate-committed',
  requires: ['producer-resent', 'record-committed'],
  anomaly: 'duplicate record',
  statement: 'No value the producer sent sits at two offsets of the committed history: a resent batch is not appended again (T-9).',
  holds: (s) => {
    const c = s.ghost.committed;
    for (let i = 0; i < c.length; i++) if (occurrences(c, c[i].value) > 1) return false;
    return true;
  },
};

export const ackedExactlyOnce: Inv = {
  kind: 'state',
  name: 'acked-exactly-once',
  requires: ['producer-resent', 'acks-all-acknowledged'],
  anomaly: 'acknowledged write duplicated or lost',
  statement: 'Every write acknowledged with acks=all sits at exactly one offset of the committed history: neither lost nor duplicated (T-10).',
  holds: (s) => {
    const acked = s.ghost.acked;
    for (let i = 0; i < acked.length; i++) if (acked[i].acks === 'all' && occurrences(s.ghost.committed, acked[i].value) !== 1) return false;
    return true;
  },
};

/** Every invariant, in the order they are reported: the producer's two only when it retries, so other configurations check what they did. */
export function invariants(k: Rules): (Inv | StepInv)[] {
  const producer = k.producer.retries ? [noDuplicateCommitted, ackedExactlyOnce] : [];
  return [
    hwLeLeo, leaderInIsr, isrElrValid(k), elrOnlyBelowMinIsr(k), isrNeverEmptyWithoutElr(k), noFencedInIsr(k),
    replicationQuorumSuperset(k), validHw,
    epochsMonotone, brokerViewsMonotone, epochsNotAhead, epochCacheIncreasing, logEpochsIncreasing,
    weakIsr, strongIsr, leaderCompleteness, logMatching, noCommittedLoss,
    hwOnlyCommitted, committedHistoryStable, acksAllDurable, acksOneDurable, writeOrder,
    consistentRead, monotonicReads, readsOnlyCommitted,
    leaderHwMonotonic, ...producer,
  ];
}
