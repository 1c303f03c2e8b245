/**
 * The mutants of a Kafka configuration, for `kafka-spec mutate`: every protocol switch set to each
 * value other than the configuration's, every rule mutation of spec/mutations.ts, and every named
 * guard of the replica and controller machines forced true and forced false. Each mutant is a
 * configuration override, so its counterexample is a trace file that replays like any other.
 */
import type { ClusterConfig } from '../spec/config.ts';
import { SWITCHES, SWITCH_NAMES } from '../spec/switches.ts';
import { MUTATIONS, MUTATION_NAMES } from '../spec/mutations.ts';
import { GUARDED_MACHINES } from '../spec/guards.ts';
import { machineGuards } from '../spec/cluster.ts';
import { resolveRules } from '../spec/rules.ts';

export type MutantKind = 'switch' | 'rule' | 'guard';

export interface Mutant {
  /** `switch:elr=false`, `rule:isr-join-ignores-hw`, `guard:replica.canFetch=true`. */
  readonly id: string;
  readonly kind: MutantKind;
  /** What the mutant changes, in one line. */
  readonly what: string;
  readonly overrides: Partial<ClusterConfig>;
}

/** The values a switch takes, from its declaration (`true | false`, `hw | kip101 | …`). */
function switchValues(name: (typeof SWITCH_NAMES)[number]): unknown[] {
  const d = SWITCHES[name];
  return d.values.split(' | ').map((t) => d.parse(t)).filter((v) => v !== undefined);
}

function switchMutants(base: ClusterConfig): Mutant[] {
  return SWITCH_NAMES.flatMap((name) => switchValues(name).filter((v) => v !== base[name]).map((v) => ({
    id: `switch:${name}=${String(v)}`,
    kind: 'switch' as const,
    what: `${name} ${String(base[name])} → ${String(v)}: ${SWITCHES[name].meaning}`,
    overrides: { [name]: v } as Partial<ClusterConfig>,
  })));
}

function ruleMutants(): Mutant[] {
  return MUTATION_NAMES.map((m) => ({ id: `rule:${m}`, kind: 'rule' as const, what: MUTATIONS[m], overrides: { mutation: m } }));
}

function guardMutants(base: ClusterConfig): Mutant[] {
  const guards = machineGuards(resolveRules(base));
  return GUARDED_MACHINES.flatMap((machine) => guards[machine].flatMap((guard) => [true, false].map((value) => ({
    id: `guard:${machine}.${guard}=${value}`,
    kind: 'guard' as const,
    what: `the ${machine} machine's guard ${guard} always answers ${value ? 'yes' : 'no'}`,
    overrides: { forcedGuard: `${machine}.${guard}=${value}` },
  }))));
}

/** Every mutant of `base`, switches first, then rule mutations, then guards. */
export function mutantsOf(base: ClusterConfig): Mutant[] {
  return [...switchMutants(base), ...ruleMutants(), ...guardMutants(base)];
}

/** A mutant id as a file name: `guard-replica.canFetch-true`. */
export function mutantFileName(id: string): string {
  return id.replace(':', '-').replace('=', '-');
}

/**
 * Mutants no behaviour can tell apart from the configuration, and why: a mutant whose breadth-first
 * search reaches the original's very state space, and which no later stage of `kafka-spec mutate`
 * kills, is *equivalent* only when listed here; otherwise it counts as a survivor.
 */
export const EQUIVALENTS: Readonly<Record<string, string>> = {
  'guard:controller.hasCaughtUp=true': 'the controller is told BrokerHeartbeat only by ControllerUnfenceBroker, which is enabled only for a fenced broker that has replayed the metadata up to its registration (the step asks hasCaughtUp itself, L7), so the guard is asked only where it answers yes',
  'guard:replica.hasUndefinedEpochEnd=false': 'the leader asks it only of a fetch that F2 let through in its own leader epoch; it wrote that epoch to its cache when it became leader (E2), and a follower\'s last fetched epoch is never later than the epoch it fetches in, so the end offset E3 gives is always defined and OFFSET_OUT_OF_RANGE for an undefined epoch never arises (no step of 2,000 random runs of 60 steps at rf 3 with the wider stage\'s budgets goes otherwise than in the original)',
  'guard:replica.isBeyondLogEnd=false': 'with diverging-epoch truncation (T3) a follower with records fetches with its last fetched epoch, and the leader\'s end offset for that epoch (E3) is never past its LEO, so a fetch offset beyond the leader\'s LEO is answered DivergingEpoch (F4) before this guard is asked, and a follower with an empty log fetches from offset 0; the guard matters only under the earlier truncation rules, whose fetches carry no epoch (no step of 2,000 random runs of 60 steps at rf 3 with the wider stage\'s budgets goes otherwise than in the original)',
  'switch:truncateOnEveryEpochChange=false': 'with truncation on fetch (T3) a follower that starts over on an epoch change (L5, KAFKA-7164) only clears a pending OffsetsForLeaderEpoch query and a pending truncation (becomeFollower), and here neither is ever set: the query belongs to T1/T2, the pending truncation to a follower that takes the HW before it truncates (F8, before KAFKA-14704); so the switch never changes a state (measured: the same 6,430,589 states as the original at rf 3 with a consumer and two leader moves, to depth 9)',
};

/**
 * Survivors whose reason the model documents (docs/findings.md): a mutant listed here that
 * survives does not fail `kafka-spec mutate`; one that is killed is simply killed. The reason
 * says which bound keeps the difference out of reach, or why no invariant judges it.
 */
export const SURVIVORS: Readonly<Record<string, string>> = {
  'rule:remote-leo-survives-epoch': 'the leader records a follower\'s fetch offset before it evaluates an ISR join, so a stale offset only feeds the HW of a maximal ISR whose members share the leader\'s log below it',
  'switch:epochEntryOnBecomeLeader=false': 'KAFKA-7415 fixed the OffsetsForLeaderEpoch generations (T1, T2); with diverging-epoch truncation (T3) the follower fetches with its last fetched epoch and the leader\'s answer does not depend on that entry in these runs',
  'switch:bumpLeaderEpochOnIsrShrink=true': 'the extra leader-epoch bump is what the ZooKeeper controller always did (M3); KAFKA-15021 removed it from KRaft to spare followers and clients needless epoch changes, not to fix a loss',
  'guard:replica.answersRequestOut=false': 'an out-of-date answer to the request out (sent in an earlier epoch of the same leader) never frees the fetcher, which then stops fetching from that leader: the mutant only loses progress (liveness), which no safety invariant judges; measured, to depth 9 at mutate\'s bounds it has 9 states more than the original (127,367) and no invariant fails',
  'guard:replica.answersRequestOut=true': 'the guard is asked only of an answer isCurrentResponse refused; forced yes, an answer that is not to the request out (from another leader, or of an earlier fetcher of the same one) frees the fetcher too, so a second request may go out while the first is, the shape of F10\'s departure; at 4.1 an answer is applied only at the fetch offset it was sent for, and at mutate\'s bounds no such answer reaches a follower: measured, the same 127,358 states and 294,244 transitions as the original to depth 9',
  'guard:replica.isCurrentSession=false': 'a follower whose fetch timed out never forgets it and stops fetching: the mutant only loses progress (liveness), which no safety invariant judges',
  'guard:replica.answersPendingProposal=false': 'the leader also learns the outcome of its proposal from the metadata it replays (a newer partition epoch clears the proposal and brings the committed ISR), so ignoring the answer only delays it; meanwhile the HW counts the maximal ISR (H2)',
  'guard:replica.answersPendingProposal=true': 'applyAlterResult itself takes only an answer newer than the leader\'s partition epoch, and such an answer carries the ISR the controller committed, so taking the answer to another proposal still takes committed state',
  'guard:replica.isEpochFencedAtFollower=true': 'a follower answers a fetch sent to it with an error either way, and the model\'s fetcher treats every error but OFFSET_OUT_OF_RANGE alike (it drops the answer and fetches again), so the error code a follower picks (F2 at a follower) changes nothing but the response',
  'guard:replica.isEpochFencedAtFollower=false': 'a follower answers a fetch sent to it with an error either way, and the model\'s fetcher treats every error but OFFSET_OUT_OF_RANGE alike (it drops the answer and fetches again), so the error code a follower picks (F2 at a follower) changes nothing but the response',
  'switch:lastKnownLeaderElection=false': 'the last known leader is recorded only when a change empties the ISR (R3, maybeUpdateLastKnownLeader), and at rf 2 within depth 7 no behaviour empties both the ISR and the ELR, so the election this switch turns off never happens there; the 11-step ELR loss of docs/findings.md is where it matters, and its scenario (elr-last-known-leader-loss) is not used because there the original itself loses a committed record',
  'guard:controller.canElectPreferred=false': 'the guard is the only condition of ControllerElectPreferredLeader (M1; the step is enabled when the controller accepts PreferredElection), so answering no only disables that step: every behaviour of the mutant is one of the original\'s, and none can break an invariant the original keeps; the lost leader move is taken by the original only past depth 7 at rf 2, so the bounds do not count it as a lost behaviour',
  'switch:followerReadsIsrOnly=false': 'the rule (C2, isReadReplicaCandidate) is asked only when the consumer reads from followers (followerReads), which no stage turns on',
  'guard:replica.isOutOfSequence=false': 'no invariant judges what it guards: the sequence check (P10) keeps an idempotent producer\'s writes gapless and in send order, and without it a leader that lacks an earlier batch still in flight appends a later one (measured at rf 2 with 3 records and one retry: a 24-step behaviour commits and acknowledges v3, sequence 2, right after v1 while v2, sent before v3 and never acknowledged, is missing); write-order (T-6) orders a write only after one acknowledged before it was sent, and duplicates are caught before this guard (P9)',
  'guard:replica.isCurrentSession=true': 'the follower then also forgets its current fetch when a fetch of an earlier session (another leader, leader epoch or incarnation of its own) times out, and may send a second one while the first is in flight; it takes only a fetch response that answers its current leader, epoch and fetch offset (isCurrentResponse), so at 4.1, where no follower asks OffsetsForLeaderEpoch (F4), the extra fetch only repeats its position to the leader (under 2.1 two answers to OffsetsForLeaderEpoch can both be taken, the older truncating what was fetched since: rules.md F10); measured, no step goes otherwise than in the original to depth 8 at mutate\'s bounds, with one lost fetch message the first that does comes at depth 8, and `mutate --depth 8 --set maxMessageLosses=1` finds no violation (67,548 states)',
  'guard:replica.isEpochFenced=false': 'a leader then serves a fetch sent in another leader epoch; a follower drops the answer to a fetch of an earlier epoch (isCurrentResponse), and a zombie leader (in KRaft a deposed leader named again from the ELR before it replayed the change) serves the fetches of the newer epoch: measured, at mutate\'s bounds it acknowledges an acks=all write after 12 steps on its stale ISR while the controller\'s ISR is below min.insync.replicas and the other replica holding it is fenced (the original answers UNKNOWN_LEADER_EPOCH there), which no invariant judges by itself; the way to lose it found needs a second crash (a power loss of the zombie), 4 leader changes and the last-known-leader election (R3), and at those bounds the original breaks strong-isr and leader-completeness too (14 steps); with R3 off the partition waits for the broker that holds the record',
  'switch:truncation=kip101': 'a bound keeps it out of reach: measured, 30,000 random runs (seed 1) at rf 3 with the bounds of docs/scenarios/kip279-fast-clean-failover-rf3 (4 records, 2 crashes, none lossy, no lost heartbeat, no leader move, no lag shrink) find weak-isr failing after 33 steps, KIP-279\'s fast leader failover: a follower holding v3 of epoch 1 asks the epoch-2 leader for the end of epoch 1 and, told the start of epoch 2 (T1), keeps v3 where the leader has v1; the original holds in the same runs and breadth-first to depth 13 (6,610,324 states), and mutate\'s stages find nothing',
  'switch:truncation=kip279': 'masked by KIP-320\'s epoch fencing (F2): a follower\'s fetch and OffsetsForLeaderEpoch carry its leader epoch, so a replica acting on a stale epoch is refused; measured, docs/scenarios/kafka-6880 at 4.1 with the leader-epoch bump on ISR shrinks of KRaft before KAFKA-15021 (bumpLeaderEpochOnIsrShrink=true, M3) breaks log-matching after 29 steps with truncation=kip279 and fetchCarriesLeaderEpoch=false together, while either alone holds (products exhausted: 23,397 and 36,397 states); docs/scenarios/kip320-stale-epoch-follower at 4.1 with the ZooKeeper controller breaks weak-isr after 35 steps with the pair, while kip279 alone holds (33,815 states)',
  'switch:unknownProducerAcceptsAnySequence=false': 'the rule acts only when the producer retries, which only the wider stage allows (maxRetries=2): a leader with no state for the producer (its records truncated or lost) refuses a batch of sequence above 0 with UNKNOWN_PRODUCER_ID and appends nothing (P10), and today\'s producer answers it as it answers a sequence gap (P11: on its oldest outstanding batch it bumps its epoch and numbers its batches from 0, which the leader accepts; on a later one it retries), so the mutant only adds refusals and resends, which no safety invariant judges; measured, at rf 2 with maxRetries=2 and 3 records breadth-first to depth 9 (206,828 states; the original 212,526) and 20,000 random runs with wider budgets find nothing',
  'switch:unfenceAtRegistrationRecord=false': 'the stricter rule only unfences later: a fenced broker that has replayed up to the controller\'s last committed offset has replayed its own registration record, which is at or below it (hasCaughtUp, L7), and the registration offset is read nowhere else, so every behaviour of the mutant is one of the original\'s; what KAFKA-13959 fixed is a liveness loss (a broker kept fenced while NoOpRecords every 500 ms outrun its heartbeats every 2 s), which needs an unbounded stream of metadata records: within the bounds the broker always catches up, and check --liveness at rf 2 (90 s, 2,122,402 states, the graph not complete) finds no lasso',
  'rule:stale-fetch-responses-accepted': 'a follower has one request out at a time (F10), also across an epoch change of the same leader, so the out-of-date answer the mutant takes is the answer to that request: records of the same leader at the fetch offset the follower sent, or an error; Kafka itself applies such an answer when its fetch offset still matches (AbstractFetcherThread.processFetchRequest checks the offset and the fetch state, not the epoch). Measured, at rf 2 with 3 records, 2 crashes (one lossy), 4 leader changes and 2 lost heartbeats: breadth-first to depth 13 (5,403,328 states) and 30,000 random runs of up to 80 steps with each of seeds 1 to 12 find nothing. Before the follower kept its request out across the epoch change, the same random runs found weak-isr: two fetches out for one offset, both answers appended'
};
