/**
 * The guarantees matrix: the configurations a reader looks up, each explored breadth-first to a
 * fixed depth and then by random runs with a fixed seed (so the result, and the generated
 * documentation, is the same on every machine), and the breakers: one switch flipped or one rule
 * broken on purpose at a row's bounds, which show how a ✓ of that row could have failed.
 *
 * Every row runs a consumer, so the read properties are exercised, and is deep enough that every
 * goal its properties need is reached (the guarantees test fails when one is not): rows at
 * replication factor 2 reach them breadth-first, rows at 3 partly by the random runs.
 * min.insync.replicas runs 1..rf at rf 2, and 1 and 2 at rf 3: at min.insync.replicas=3 an
 * election after a consumer read needs about 12 steps, which neither search reaches affordably.
 */
import type { ClusterConfig } from '../spec/config.ts';
import { MUTATIONS, type Mutation } from '../spec/mutations.ts';
import { CURRENT_VERSION, VERSIONS } from '../spec/versions.ts';

export interface MatrixRow {
  readonly id: string;
  readonly title: string;
  readonly config: Partial<ClusterConfig>;
  readonly depth: number;
  /** Random runs after the breadth-first pass (default: the generator's RANDOM_RUNS). */
  readonly randomRuns?: number;
}

/** Leader moves only in the row about them, to keep depth affordable; a consumer reading from leaders everywhere. */
const base = { consumer: true, maxLeaderMoves: 0 } as const;
const rf2 = { ...base, rf: 2 } as const;

/** Replication factor 2 explores breadth-first to 9 steps, 3 to 6 (its state space grows about four times faster). */
const RF2_DEPTH = 9;
const RF3_DEPTH = 6;

/** Every release before today's, at the bounds of the `today-rf2` row, so a reader can follow which fix removed which counterexample. */
const HISTORY = Object.keys(VERSIONS).filter((v) => v !== CURRENT_VERSION);

export const MATRIX: readonly MatrixRow[] = [
  { id: 'today', title: 'Kafka 4.1: acks=all, min ISR 2, rf 3, ELR, unclean off', config: { ...base }, depth: RF3_DEPTH },
  { id: 'min-isr-1', title: 'Kafka 4.1 with min.insync.replicas=1', config: { ...base, minIsr: 1 }, depth: RF3_DEPTH },
  { id: 'today-no-elr', title: 'Kafka 4.1 with ELR off', config: { ...base, elr: false, lastKnownLeaderElection: false }, depth: RF3_DEPTH },
  { id: 'observers', title: 'Kafka 4.1 at rf 3 with one observer (min ISR 2)', config: { ...base, observers: 1 }, depth: RF3_DEPTH },
  { id: 'today-rf2', title: 'Kafka 4.1 at rf 2 (min ISR 2), one crash (possibly lossy)', config: { ...rf2 }, depth: RF2_DEPTH },
  { id: 'rf2-min-isr-1', title: 'Kafka 4.1 at rf 2 with min.insync.replicas=1', config: { ...rf2, minIsr: 1 }, depth: RF2_DEPTH },
  { id: 'today-rf2-no-lossy', title: 'Kafka 4.1 at rf 2, one crash, never lossy', config: { ...rf2, lossyCrashes: 0 }, depth: RF2_DEPTH },
  { id: 'today-rf2-two-crashes', title: 'Kafka 4.1 at rf 2, two crashes (both possibly lossy)', config: { ...rf2, maxCrashes: 2, lossyCrashes: 2 }, depth: RF2_DEPTH },
  { id: 'today-rf2-moves', title: 'Kafka 4.1 at rf 2 with one leader move (preferred election or controlled shutdown)', config: { ...rf2, maxLeaderMoves: 1 }, depth: RF2_DEPTH },
  { id: 'follower-reads', title: 'Kafka 4.1 at rf 2, the consumer reading from followers (KIP-392)', config: { ...rf2, followerReads: true }, depth: RF2_DEPTH },
  {
    id: 'retries-rf2', title: 'Kafka 4.1 at rf 2, the producer retrying once (idempotent, its default since 3.0)',
    config: { ...rf2, maxRetries: 1 }, depth: RF2_DEPTH,
  },
  { id: 'acks-1', title: 'Kafka 4.1 at rf 2 with acks=1', config: { ...rf2, acks: 1 }, depth: RF2_DEPTH },
  { id: 'acks-0', title: 'Kafka 4.1 at rf 2 with acks=0', config: { ...rf2, acks: 0 }, depth: RF2_DEPTH },
  { id: 'unclean-rf2', title: 'Kafka 4.1 at rf 2, min ISR 1, unclean election on', config: { ...rf2, minIsr: 1, unclean: true, lossyCrashes: 0 }, depth: RF2_DEPTH },
  { id: 'truncate-to-hw', title: 'Kafka 0.10 (truncate to HW) at rf 2, no lossy crash', config: { ...rf2, protocol: 'kafka-0.10', lossyCrashes: 0 }, depth: RF2_DEPTH },
  ...HISTORY.map((protocol): MatrixRow => ({
    id: `history-${protocol}`, title: `${protocol.replace('kafka-', 'Kafka ')} at rf 2, one crash (possibly lossy)`,
    config: { ...rf2, protocol }, depth: RF2_DEPTH,
  })),
  // Two counterexamples of older releases sit deeper than the rows above reach with a consumer; these
  // rows drop the consumer (its properties show as not exercised) to search every behaviour that deep.
  {
    id: 'kafka-3.0-deep', title: 'Kafka 3.0 at rf 2 without a consumer, one crash (possibly lossy), deeper: no broker-epoch check on ISR joins (KIP-903)',
    config: { ...rf2, consumer: false, protocol: 'kafka-3.0' }, depth: 13,
  },
  {
    id: 'kafka-3.7-deep', title: 'Kafka 3.7 at rf 2 without a consumer, one crash (possibly lossy), deeper: the last replica standing (ELR off)',
    config: { ...rf2, consumer: false, protocol: 'kafka-3.7' }, depth: 11,
  },
];

/** A switch flipped from the base row's version, or a mutation, explored at the base row's bounds. */
export interface Breaker {
  readonly id: string;
  /** The matrix row whose configuration and bounds it changes. */
  readonly base: string;
  readonly change: Partial<ClusterConfig>;
  /** What the change does, in a few words ("without …" for a fix undone). */
  readonly what: string;
}

const flip = (base: string, change: Partial<ClusterConfig>, fix: string): Breaker => ({
  id: `${base}-${Object.entries(change).map(([k, v]) => `${k}-${v}`).join('-')}`, base, change, what: `without ${fix}`,
});
const mutate = (base: string, mutation: Mutation): Breaker => ({
  id: `${base}-${mutation}`, base, change: { mutation }, what: `with a rule broken on purpose (${MUTATIONS[mutation]})`,
});

/** The bounds the property suites' known-bad variants use: two crashes, so that KIP-101's second scenario fits. */
const LOSS = 'today-rf2-two-crashes';

/**
 * The breakers: each fix of today's protocol that the property suites show is needed (the
 * known-bad variants of evidence.prop.test.ts) undone, the consumer's fixes, and the mutations
 * those suites catch, at the one-crash row's bounds (where the row itself violates nothing), and
 * KAFKA-13141 at the two-crash row's, the smallest where it shows. A property no breaker violates
 * is reported as having no known breaker at these bounds.
 */
export const BREAKERS: readonly Breaker[] = [
  flip('today-rf2', { hwRequiresMinIsr: false }, 'the min-ISR gate on the HW (KAFKA-15583)'),
  flip('today-rf2', { restartLeavesIsr: true }, 'a restart leaving the ISR (KIP-380)'),
  flip('today-rf2', { isrEligibilityChecksBrokerEpoch: false }, 'the broker-epoch check on ISR membership (KIP-903)'),
  flip(LOSS, { skipFollowerUpdateOnDiverging: false }, 'skipping follower state on a diverging fetch (KAFKA-13141)'),
  flip('today-rf2', { truncation: 'hw' }, 'leader-epoch truncation (KIP-101): followers truncate to their HW'),
  flip('today-rf2', { truncateBeforeHwUpdate: false }, 'truncating before taking the HW of a diverging response (KAFKA-14704)'),
  flip('today-rf2', { consumerValidatesEpoch: false }, 'the consumer validating its position after a leader change (KIP-320)'),
  flip('follower-reads', { followerReadsIsrOnly: false }, 'naming only ISR members as read replicas (KAFKA-14372)'),
  mutate('today-rf2', 'isr-join-ignores-hw'),
  mutate('today-rf2', 'stale-fetch-responses-accepted'),
  flip('retries-rf2', { idempotentProducer: false }, 'the idempotent producer (KIP-679)'),
];


/** The row a breaker explores: its base row (from `rows`) with the change, at the same depth and random runs. */
export function breakerRow(b: Breaker, rows: readonly MatrixRow[] = MATRIX): MatrixRow {
  const row = rows.find((r) => r.id === b.base);
  if (row === undefined) throw new Error(`breaker ${b.id}: no matrix row '${b.base}'`);
  return { ...row, id: b.id, title: `${row.title}, ${b.what}`, config: { ...row.config, ...b.change } };
}
