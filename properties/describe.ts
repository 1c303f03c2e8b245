/**
 * How reports name a configuration to people: the protocol, the settings that matter, and the
 * exploration bounds, in Kafka's own setting names (check's header, the guarantees pages).
 */
import type { ClusterConfig } from '../spec/config.ts';
import { MUTATIONS } from '../spec/mutations.ts';
import { VERSIONS } from '../spec/versions.ts';
import { SWITCH_NAMES } from '../spec/switches.ts';

/** A configuration in a few lines: protocol, settings, bounds, switches changed from the version, any mutation. */
export function describeConfig(c: ClusterConfig): string[] {
  const on = (b: boolean) => (b ? 'on' : 'off');
  return [
    `protocol ${c.protocol} (truncation ${c.truncation}, ${c.controller === 'zk' ? 'ZooKeeper' : 'KRaft'} controller)`,
    `replication.factor=${c.rf} acks=${c.acks} min.insync.replicas=${c.minIsr} unclean.leader.election=${on(c.unclean)} ` +
      `eligible.leader.replicas=${on(c.elr)}${c.observers ? ` observers=${c.observers}` : ''}`,
    `bounds: records ≤ ${c.maxRecords}, leader changes ≤ ${c.maxLeaderChanges}, crashes ≤ ${c.maxCrashes} ` +
      `(lossy ≤ ${c.lossyCrashes}), heartbeat losses ≤ ${c.maxHeartbeatLosses}, lost fetch messages ≤ ${c.maxMessageLosses}, ` +
      `leader moves ≤ ${c.maxLeaderMoves}, controller failovers ≤ ${c.maxControllerFailovers}${c.hwCheckpointLags ? ', HW checkpoints lag' : ''}` +
      `${c.permanentFailures ? `, brokers down for good ≤ ${c.permanentFailures}` : ''}${c.maxLagShrinks === undefined ? '' : `, live followers dropped for lag ≤ ${c.maxLagShrinks}`}`,
    ...changedSwitches(c),
    ...(c.mutation === undefined ? [] : [`MUTATION ${c.mutation}: ${MUTATIONS[c.mutation]}`]),
    ...(c.forcedGuard === undefined ? [] : [`FORCED GUARD ${c.forcedGuard}: the guard answers so whatever it is asked`]),
  ];
}

/** The switches set away from the named version's values, so an override is never hidden behind a version name. */
function changedSwitches(c: ClusterConfig): string[] {
  const version = VERSIONS[c.protocol];
  const changed = SWITCH_NAMES
    .filter((k) => k !== 'truncation' && version !== undefined && version[k] !== c[k])
    .map((k) => `${k}=${c[k]}`);
  return changed.length === 0 ? [] : [`switches changed from ${c.protocol}: ${changed.join(' ')}`];
}
