/**
 * The durability and availability table: for each replication factor, min.insync.replicas,
 * unclean election and ELR, the most lossy crashes after which no acknowledged write is lost
 * (a safety question, T-1 and S-12), the most brokers that may fail for good while acks=all
 * writes are still eventually accepted (V6), and while a leader is still eventually elected (V5),
 * each with the counterexample (a safety trace or a lasso) that shows the next number failing.
 *
 * Durability: one graph per number of crashes k = 0, 1, …: the row's configuration with at most k
 * crashes, every one possibly lossy, at most k elections (with no other fault, an election only
 * follows a crash), one record, no consumer, and live followers dropped for lag at most rf − 1
 * times (enough to shrink the ISR to the leader alone, as a lagging replica does). Each graph is
 * searched breadth-first within a state budget, so a loss it finds is a shortest one; a number is
 * proven only by a graph searched completely. Once a graph is too large for its budget, random
 * runs with a fixed seed look for the loss at that number of crashes and the next ones instead:
 * what they find is real (it replays), what they miss proves nothing.
 *
 * Beside the number of lossy crashes acknowledged writes survive, a wider search (`widerLossOf`):
 * the same number of lossy crashes with every other bound as `kafka-spec check` has it by default
 * (session expiries, leader moves, two records, a consumer), which the durability graphs leave out
 * to stay small, so the table never seems to contradict what `check` finds.
 *
 * One graph per row: the row's configuration with rf − 1 permanent failures allowed, one record,
 * no consumer, no other fault, and live followers never dropped for lag (faults stop, so a
 * follower that keeps fetching never lags for replica.lag.time.max.ms). "At most k brokers down"
 * is the property restricted to states with at most k brokers down for good: since a cycle never
 * holds a fault, every state of a lasso's cycle has the same number down, so the lasso of the
 * restricted property is one of a behaviour with at most k failures. One exploration answers
 * every k.
 */
import type { LivenessProperty } from '../src/model.ts';
import type { ClusterState } from '../spec/cluster.ts';
import type { ClusterConfig } from '../spec/config.ts';
import { exploreLiveness, type Lasso } from '../src/explore/liveness.ts';
import { exploreExhaustive, exploreRandom, type ExploreResult, type Violation } from '../src/explore/index.ts';
import type { ClusterAction } from '../spec/actions.ts';
import { kafkaModelOf, type KafkaModel } from './kafka-model.ts';
import { makeConfig } from '../spec/config.ts';

export interface AvailabilityRow {
  readonly rf: number;
  readonly minIsr: number;
  readonly unclean: boolean;
  readonly elr: boolean;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

/** A row's name in file names: `rf3-min2-unclean-off-elr-on`. */
export function rowId(r: AvailabilityRow): string {
  return `rf${r.rf}-min${r.minIsr}-unclean-${onOff(r.unclean)}-elr-${onOff(r.elr)}`;
}

/** rf 3 then rf 2; min.insync.replicas 1..rf; unclean off, then on; ELR on, then off. */
export const AVAILABILITY_ROWS: readonly AvailabilityRow[] = [3, 2].flatMap((rf) =>
  Array.from({ length: rf }, (_, i) => i + 1).flatMap((minIsr) =>
    [false, true].flatMap((unclean) => [true, false].map((elr) => ({ rf, minIsr, unclean, elr })))));

/** The configuration a row is explored in. */
export function availabilityConfig(r: AvailabilityRow): Partial<ClusterConfig> {
  return {
    rf: r.rf, minIsr: r.minIsr, unclean: r.unclean, elr: r.elr, lastKnownLeaderElection: r.elr, acks: 'all',
    permanentFailures: r.rf - 1, maxLeaderChanges: r.rf - 1, maxLagShrinks: 0,
    consumer: false, maxRecords: 1, maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderMoves: 0,
    maxMessageLosses: 0, maxControllerFailovers: 0,
  };
}

/** The two properties the table reports, by name. */
export const AVAILABILITY_PROPERTIES = ['writes-eventually-accepted', 'leader-eventually-elected'] as const;
export type AvailabilityProperty = (typeof AVAILABILITY_PROPERTIES)[number];

/** `p` judged only while at most `k` brokers are down for good (settled above that). */
function atMostDown(p: LivenessProperty<ClusterState>, k: number): LivenessProperty<ClusterState> {
  return { ...p, name: `${p.name}@${k}`, settled: (s) => (s.permanentlyDown?.length ?? 0) > k || p.settled(s) };
}

export interface AvailabilityCell {
  /** The most brokers down for good with the property holding (−1: not even with none down). */
  readonly tolerates: number;
  /** The lasso with `tolerates + 1` brokers down at most, or null when it holds up to rf − 1. */
  readonly lasso: Lasso<ClusterAction> | null;
}

export interface AvailabilityResult {
  readonly row: AvailabilityRow;
  readonly model: KafkaModel;
  readonly complete: boolean;
  readonly states: number;
  readonly cells: Readonly<Record<AvailabilityProperty, AvailabilityCell>>;
}

/** Explores one row's graph and reads off, for each property, the largest k that holds. */
export function availabilityOf(row: AvailabilityRow): AvailabilityResult {
  const base = kafkaModelOf(availabilityConfig(row));
  const named = AVAILABILITY_PROPERTIES.map((n) => base.liveness!.properties.find((p) => p.name === n)!);
  const levels = Array.from({ length: row.rf }, (_, k) => k);
  const model: KafkaModel = { ...base, liveness: { ...base.liveness, properties: named.flatMap((p) => levels.map((k) => atMostDown(p, k))) } };
  const r = exploreLiveness(model);
  const cells = Object.fromEntries(named.map((p) => {
    const failing = levels.map((k) => r.lassos.find((l) => l.property === `${p.name}@${k}`)).findIndex((l) => l !== undefined);
    const lasso = failing < 0 ? null : r.lassos.find((l) => l.property === `${p.name}@${failing}`)!;
    return [p.name, {
      tolerates: failing < 0 ? row.rf - 1 : failing - 1,
      lasso: lasso === null ? null : { ...lasso, property: p.name, statement: p.statement },
    }];
  })) as unknown as Record<AvailabilityProperty, AvailabilityCell>;
  return { row, model: base, complete: r.complete, states: r.stats.states, cells };
}

/** What Kafka documents for acks=all writes: min.insync.replicas m tolerates rf − m brokers down. */
export function documentedTolerance(row: AvailabilityRow): number {
  return row.rf - row.minIsr;
}

/** The two safety properties of the durability column: acknowledged writes first, then committed records. */
export const DURABILITY_INVARIANTS = ['acks-all-durable', 'no-committed-loss'] as const;
export type DurabilityInvariant = (typeof DURABILITY_INVARIANTS)[number];

/** The configuration of a row's durability graph with at most `crashes` crashes, each possibly lossy. */
export function durabilityConfig(r: AvailabilityRow, crashes: number): Partial<ClusterConfig> {
  return {
    rf: r.rf, minIsr: r.minIsr, unclean: r.unclean, elr: r.elr, lastKnownLeaderElection: r.elr, acks: 'all',
    maxCrashes: crashes, lossyCrashes: crashes, maxLeaderChanges: crashes, maxLagShrinks: r.rf - 1,
    consumer: false, maxRecords: 1, maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxMessageLosses: 0, maxControllerFailovers: 0,
  };
}

/**
 * How hard the durability column searches. Every limit counts states or runs, never time, so the
 * page comes out the same on every machine: distinct states per breadth-first graph, then random
 * runs from a fixed seed, and a breadth-first search of at most `certifyStates` states to certify a
 * random find shortest. rf 2's graphs fit whole. At rf 3 every row's graph without crashes does
 * (271,888 to 354,598 states, depth 35 to 37, about 10 s each), so 0 is proven where a loss takes
 * a crash; its graphs with one crash do not, at any budget a regeneration can afford (min ISR 2
 * with ELR: more than 104 million states by depth 23, after 24 minutes on two threads).
 */
export const DURABILITY_SEARCH = {
  states: { 2: 120_000, 3: 400_000 } as Readonly<Record<number, number>>,
  runs: 2000,
  maxSteps: 40,
  seed: 1,
  certifyStates: 20_000,
};
export type DurabilitySearch = typeof DURABILITY_SEARCH;

/** How one graph (one number of crashes) was searched. */
export interface DurabilityRound {
  readonly crashes: number;
  readonly engine: 'exhaustive' | 'random';
  /** Distinct states (random: visited by the runs). */
  readonly states: number;
  /** Breadth-first: every behaviour of up to this many steps was searched. */
  readonly depth: number;
  /** Breadth-first: the whole graph was searched. */
  readonly complete: boolean;
}

/** The first loss of one property: the crashes its trace has, the trace, which engine found it, in which model. */
export interface DurabilityLoss {
  readonly crashes: number;
  readonly violation: Violation<ClusterAction>;
  /** `kept`: a loss an earlier search found, still replaying (src/cli/availability.ts). */
  readonly foundBy: 'exhaustive' | 'random' | 'kept';
  readonly model: KafkaModel;
}

/** What is known of one property in a row. */
export interface DurabilityVerdict {
  /** The most crashes whose graph was searched completely without a loss (−1: none). */
  readonly proven: number;
  /** The first graph searched breadth-first only in part, without a loss: its crashes and depth. */
  readonly bounded: { readonly crashes: number; readonly depth: number } | null;
  /** The fewest crashes with a loss found, or null when none was found with up to rf crashes. */
  readonly loss: DurabilityLoss | null;
}

export interface DurabilityResult {
  readonly row: AvailabilityRow;
  readonly rounds: readonly DurabilityRound[];
  readonly verdicts: Readonly<Record<DurabilityInvariant, DurabilityVerdict>>;
}

interface Known {
  proven: number;
  bounded: DurabilityVerdict['bounded'];
  loss: DurabilityLoss | null;
}

/**
 * Searches a row's durability graphs with 0, 1, … up to rf crashes, until each property has lost
 * something: breadth-first while the graphs fit their budget, random runs from the first that
 * does not.
 */
export function durabilityOf(row: AvailabilityRow, search: DurabilitySearch = DURABILITY_SEARCH): DurabilityResult {
  const known = Object.fromEntries(DURABILITY_INVARIANTS.map((n) => [n, { proven: -1, bounded: null, loss: null }])) as Record<DurabilityInvariant, Known>;
  const rounds: DurabilityRound[] = [];
  let lastBfs: ExploreResult<ClusterAction> | null = null;
  for (let crashes = 0; crashes <= row.rf; crashes++) {
    const standing = DURABILITY_INVARIANTS.filter((n) => known[n].loss === null);
    if (standing.length === 0) break;
    const model = kafkaModelOf(durabilityConfig(row, crashes));
    if (lastBfs === null || lastBfs.stopReason === 'exhausted' || lastBfs.stopReason === 'violation') {
      const r = exploreExhaustive(model, { invariants: standing, maxStates: search.states[row.rf] });
      const complete = r.stopReason === 'exhausted';
      rounds.push({ crashes, engine: 'exhaustive', states: r.stats.states, depth: r.stats.depth, complete });
      for (const n of standing) {
        const v = r.violations.find((x) => x.invariant === n);
        if (v !== undefined) known[n].loss = { crashes: crashesIn(v.trace), violation: v, foundBy: 'exhaustive', model };
        else if (complete) known[n].proven = crashes;
        else known[n].bounded ??= { crashes, depth: r.stats.depth };
      }
      lastBfs = r;
      if (complete || r.stopReason === 'violation') continue;
    }
    const still = standing.filter((n) => known[n].loss === null);
    const r = exploreRandom(model, {
      runs: search.runs, maxSteps: search.maxSteps, seed: search.seed, invariants: still, certify: { maxStates: search.certifyStates },
    });
    rounds.push({ crashes, engine: 'random', states: r.stats.states, depth: r.stats.depth, complete: false });
    for (const v of r.violations) known[v.invariant as DurabilityInvariant].loss = { crashes: crashesIn(v.trace), violation: v, foundBy: 'random', model };
  }
  boundBelowLoss(row, search, known, rounds);
  return { row, rounds, verdicts: known };
}

/** Crashes in a trace. */
export const crashesIn = (trace: readonly ClusterAction[]) => trace.filter((a) => a.step === 'BrokerCrash' || a.step === 'BrokerLossyCrash').length;

/**
 * When breadth-first search stopped at its budget below the number of crashes the answer rests on
 * (one less than the fewest with a loss found, or rf), searches that number's graph breadth-first
 * too, within the same budget: "no loss with k crashes up to depth d" says more than the same of
 * fewer crashes. A loss it finds has fewer crashes than the one random runs found, and replaces it.
 */
function boundBelowLoss(row: AvailabilityRow, search: DurabilitySearch, known: Record<DurabilityInvariant, Known>, rounds: DurabilityRound[]): void {
  const acked = known['acks-all-durable'];
  const target = acked.loss === null ? row.rf : acked.loss.crashes - 1;
  if (acked.bounded === null || target <= acked.bounded.crashes) return;
  const open = DURABILITY_INVARIANTS.filter((n) => known[n].proven < target && (known[n].loss === null || known[n].loss!.crashes > target));
  const model = kafkaModelOf(durabilityConfig(row, target));
  const r = exploreExhaustive(model, { invariants: open, maxStates: search.states[row.rf] });
  rounds.push({ crashes: target, engine: 'exhaustive', states: r.stats.states, depth: r.stats.depth, complete: r.stopReason === 'exhausted' });
  for (const n of open) {
    const v = r.violations.find((x) => x.invariant === n);
    if (v !== undefined) known[n].loss = { crashes: crashesIn(v.trace), violation: v, foundBy: 'exhaustive', model };
    else if (r.stopReason === 'exhausted') known[n].proven = target;
    else known[n].bounded = { crashes: target, depth: r.stats.depth };
  }
}

/**
 * The faults a configuration's bounds allow and those they leave out, in Kafka's words, for the
 * section's legend: a number of the table means something only beside the faults its search allowed.
 */
export function faultScope(overrides: Partial<ClusterConfig>): { readonly allowed: string[]; readonly leftOut: string[] } {
  const c = makeConfig(overrides);
  const bounds: [number, string][] = [
    [c.maxCrashes, 'crashes'],
    [c.lossyCrashes, 'power losses (crashes that lose unflushed records)'],
    [c.maxLeaderChanges, 'leader elections'],
    [c.maxLagShrinks ?? Infinity, 'live followers dropped from the ISR for lag'],
    [c.maxHeartbeatLosses, 'session expiries of live brokers (lost heartbeats)'],
    [c.maxLeaderMoves, 'leader moves (preferred-leader elections and controlled shutdowns)'],
    [c.maxMessageLosses, 'lost fetch messages'],
    [c.maxControllerFailovers, 'controller failovers'],
    [c.permanentFailures ?? 0, 'brokers down for good'],
  ];
  return { allowed: bounds.filter(([n]) => n > 0).map(([, w]) => w), leftOut: bounds.filter(([n]) => n === 0).map(([, w]) => w) };
}

/**
 * The wider search beside a row's number of lossy crashes: the row's settings with as many crashes,
 * each possibly lossy, and every other bound as `kafka-spec check` has it by default (two records,
 * two leader changes, a session expiry, a leader move, a consumer). The durability graphs leave
 * those faults out to stay small; a loss found here with them is the one `check` would report.
 */
export function widerConfig(r: AvailabilityRow, crashes: number): Partial<ClusterConfig> {
  return { rf: r.rf, minIsr: r.minIsr, unclean: r.unclean, elr: r.elr, lastKnownLeaderElection: r.elr, acks: 'all', maxCrashes: crashes, lossyCrashes: crashes };
}

/**
 * How hard the wider search looks: seeded random runs, guided as `check`'s are, on one thread, and
 * a breadth-first search of at most `certifyStates` states to certify a find shortest. Runs and
 * states, never time, so the page is the same on every machine.
 */
export const WIDER_SEARCH = { runs: 3000, maxSteps: 60, seed: 1, certifyStates: 20_000 };
export type WiderSearch = typeof WIDER_SEARCH;

/** What the wider search found: a lost acknowledged write (it replays) or none in its runs (which proves nothing). */
export interface WiderResult {
  readonly crashes: number;
  readonly runs: number;
  readonly violation: Violation<ClusterAction> | null;
  readonly model: KafkaModel;
}

/** Looks for a lost acknowledged write with `crashes` lossy crashes and check's other default faults. */
export function widerLossOf(row: AvailabilityRow, crashes: number, search: WiderSearch = WIDER_SEARCH): WiderResult {
  const model = kafkaModelOf(widerConfig(row, crashes));
  const r = exploreRandom(model, {
    runs: search.runs, maxSteps: search.maxSteps, seed: search.seed, invariants: ['acks-all-durable'], certify: { maxStates: search.certifyStates },
  });
  return { crashes, runs: r.stats.random?.runs ?? search.runs, violation: r.violations[0] ?? null, model };
}

const FAULT_STEPS: Readonly<Record<string, [string, string]>> = {
  BrokerLossyCrash: ['power loss', 'power losses'],
  BrokerCrash: ['process crash', 'process crashes'],
  BrokerFailPermanently: ['broker down for good', 'brokers down for good'],
  ControllerFenceBroker: ['session expiry', 'session expiries'],
  BrokerControlledShutdown: ['controlled shutdown', 'controlled shutdowns'],
  ControllerElectPreferredLeader: ['preferred-leader election', 'preferred-leader elections'],
  NetworkLoseFetchRequest: ['lost fetch request', 'lost fetch requests'],
  NetworkLoseFetchResponse: ['lost fetch response', 'lost fetch responses'],
  ControllerFailover: ['controller failover', 'controller failovers'],
};

/** The faults a trace takes, counted, in Kafka's words: `1 power loss, 1 session expiry, 1 controlled shutdown`. */
export function faultsIn(trace: readonly ClusterAction[]): string[] {
  return Object.entries(FAULT_STEPS).flatMap(([step, [one, many]]) => {
    const n = trace.filter((a) => a.step === step).length;
    return n === 0 ? [] : [`${n} ${n === 1 ? one : many}`];
  });
}
