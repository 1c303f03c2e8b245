/**
 * The Kafka model as the engine sees it: the cluster of one configuration, with its invariants
 * and reachability goals, behind the `Model` interface. The CLI and the property suites both build
 * models here, so they check the same thing.
 */
import type { Model } from '../src/model.ts';
import { describeAction, lateReason, stepKinds, type ClusterAction } from '../spec/actions.ts';
import { Cluster, type ClusterState } from '../spec/cluster.ts';
import { type Bounds, type ClusterConfig, makeConfig } from '../spec/config.ts';
import type { Rules } from '../spec/rules.ts';
import { clusterBudgets } from '../spec/budgets.ts';
import { summarizeState } from '../spec/summary.ts';
import { cells, participants, picture } from '../spec/pictures.ts';
import { missingWhere, narrate, traffic } from '../spec/narrate.ts';
import { invariants } from './invariants.ts';
import { goalsFor, impossibleGoals } from './goals.ts';
import { briefConfig, describeConfig } from './describe.ts';
import { livenessProperties } from './liveness.ts';
import { fairnessOf } from '../spec/fairness.ts';
import { clusterIndependence } from '../spec/independence.ts';
import { sketchOf } from '../spec/sketch.ts';

export const MODEL_NAME = 'kafka-replication';

/** The model of one configuration, with the cluster's resolved rules and bounds for reports. */
export type KafkaModel = Model<ClusterState, ClusterAction> & {
  readonly config: ClusterConfig;
  readonly rules: Rules;
  readonly bounds: Bounds;
};

export function kafkaModel(config: ClusterConfig): KafkaModel {
  const cluster = new Cluster(config);
  const { rules, bounds } = cluster;
  return {
    name: MODEL_NAME,
    config,
    rules,
    bounds,
    initial: cluster.initial,
    enabled: (s) => cluster.enabled(s),
    step: (s, a) => cluster.step(s, a),
    withinBounds: (s) => cluster.withinBounds(s),
    describe: describeAction,
    summarize: summarizeState,
    invariants: invariants(rules),
    goals: goalsFor(rules, bounds),
    liveness: { properties: livenessProperties(rules), fairness: fairnessOf },
    reduction: { independence: clusterIndependence(cluster) },
    guidance: { sketch: sketchOf, budgets: clusterBudgets(bounds, { maxRetries: cluster.maxRetries, maxLateDeliveries: cluster.maxLateDeliveries }) },
    presentation: {
      views: {
        participants: participants(rules.replicas.length), cells, picture, narrate, traffic, missing: missingWhere, late: lateReason,
        heading: `${config.protocol}${config.mutation !== undefined ? ` (mutant ${config.mutation})` : ''} · rf ${rules.replicas.length}`,
      },
      stepKinds: stepKinds(rules, bounds, cluster.permanentFailures),
      goalsImpossible: impossibleGoals(rules, bounds),
      configuration: { values: { ...config }, lines: describeConfig(config), brief: briefConfig(config) },
    },
  };
}

/** A model from a protocol version plus overrides (defaults: today's Kafka, rf 3, acks=all). */
export function kafkaModelOf(overrides: Partial<ClusterConfig> = {}): KafkaModel {
  return kafkaModel(makeConfig(overrides));
}
