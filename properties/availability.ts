/**
 * The availability table (V5, V6): for each replication factor, min.insync.replicas, unclean
 * election and ELR, the most brokers that may fail for good while acks=all writes are still
 * eventually accepted, and while a leader is still eventually elected, each with the lasso that
 * shows the next number failing.
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
import type { ClusterAction } from '../spec/actions.ts';
import { kafkaModelOf, type KafkaModel } from './kafka-model.ts';

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
  const named = AVAILABILITY_PROPERTIES.map((n) => base.liveness!.find((p) => p.name === n)!);
  const levels = Array.from({ length: row.rf }, (_, k) => k);
  const model: KafkaModel = { ...base, liveness: named.flatMap((p) => levels.map((k) => atMostDown(p, k))) };
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
