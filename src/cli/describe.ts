/**
 * How the CLI names a configuration to people: the protocol, the settings that matter, and the
 * exploration bounds, in Kafka's own setting names.
 */
import type { ClusterConfig } from '../../spec/config.ts';

export function describeConfig(c: ClusterConfig): string[] {
  const on = (b: boolean) => (b ? 'on' : 'off');
  return [
    `protocol ${c.protocol} (truncation ${c.truncation})`,
    `replication.factor=${c.rf} acks=${c.acks} min.insync.replicas=${c.minIsr} unclean.leader.election=${on(c.unclean)} ` +
      `eligible.leader.replicas=${on(c.elr)}${c.observers ? ` observers=${c.observers}` : ''}`,
    `bounds: records ≤ ${c.maxRecords}, leader changes ≤ ${c.maxLeaderChanges}, crashes ≤ ${c.maxCrashes} ` +
      `(lossy ≤ ${c.lossyCrashes}), heartbeat losses ≤ ${c.maxHeartbeatLosses}, lost fetch messages ≤ ${c.maxMessageLosses}`,
  ];
}
