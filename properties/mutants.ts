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
 * Survivors whose reason the model documents (docs/findings.md): a mutant listed here that
 * survives does not fail `kafka-spec mutate`; one that is killed is simply killed.
 */
export const SURVIVORS: Readonly<Record<string, string>> = {
  'rule:remote-leo-survives-epoch': 'the leader records a follower\'s fetch offset before it evaluates an ISR join, so a stale offset only feeds the HW of a maximal ISR whose members share the leader\'s log below it',
  'rule:alter-partition-ignores-partition-epoch': 'the broker-epoch check of KIP-903 covers what the partition-epoch check guards in a model of one partition',
  'switch:epochEntryOnBecomeLeader=false': 'KAFKA-7415 fixed the OffsetsForLeaderEpoch generations (T1, T2); with diverging-epoch truncation (T3) the follower fetches with its last fetched epoch and the leader\'s answer does not depend on that entry in these runs',
  'switch:bumpLeaderEpochOnIsrShrink=true': 'the extra leader-epoch bump is what the ZooKeeper controller always did (M3); KAFKA-15021 removed it from KRaft to spare followers and clients needless epoch changes, not to fix a loss',
  'switch:controller=zk': 'with no controller failover within the bounds (M4 needs one), the ZooKeeper controller differs in registering restarted brokers unfenced and in bumping the epoch on shrinks, and the broker-epoch checks (KIP-903) keep either safe',
  'guard:replica.lacksMinIsr=false': 'an append accepted below min.insync.replicas is not acknowledged: acks=all waits for the HW, which H1 (KAFKA-15583) holds back while the ISR is below min.insync.replicas',
  'guard:replica.isCurrentSession=false': 'a follower whose fetch timed out never forgets it and stops fetching: the mutant only loses progress (liveness), which no safety invariant judges',
  'guard:replica.leadsInSameEpoch=false': 'a leader that takes metadata of its own epoch for a new leadership drops its pending acknowledgements and ISR proposal and raises its epoch start offset: each only makes it more cautious (fewer acknowledgements, later ISR joins)',
  'guard:replica.answersPendingProposal=false': 'the leader also learns the outcome of its proposal from the metadata it replays (a newer partition epoch clears the proposal and brings the committed ISR), so ignoring the answer only delays it; meanwhile the HW counts the maximal ISR (H2)',
  'guard:replica.answersPendingProposal=true': 'applyAlterResult itself takes only an answer newer than the leader\'s partition epoch, and such an answer carries the ISR the controller committed, so taking the answer to another proposal still takes committed state',
  'guard:replica.isEpochFencedAtFollower=true': 'a follower answers a fetch sent to it with an error either way, and the model\'s fetcher treats every error but OFFSET_OUT_OF_RANGE alike (it drops the answer and fetches again), so the error code a follower picks (F2 at a follower) changes nothing but the response',
  'guard:replica.isEpochFencedAtFollower=false': 'a follower answers a fetch sent to it with an error either way, and the model\'s fetcher treats every error but OFFSET_OUT_OF_RANGE alike (it drops the answer and fetches again), so the error code a follower picks (F2 at a follower) changes nothing but the response',
  'switch:lastKnownLeaderElection=false': 'the last known leader is recorded only when a change empties the ISR (R3, maybeUpdateLastKnownLeader), and at rf 2 within depth 7 no behaviour empties both the ISR and the ELR, so the election this switch turns off never happens there; the 11-step ELR loss of docs/findings.md is where it matters',
  'guard:replica.canShrinkIsr=true': 'the lag condition only decides when a shrink happens: any ISR shrink the controller commits is safe, since the HW counts the maximal ISR while it is pending (H2)',
};
