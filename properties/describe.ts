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
      `${c.permanentFailures ? `, brokers down for good ≤ ${c.permanentFailures}` : ''}${c.maxLagShrinks === undefined ? '' : `, live followers dropped for lag ≤ ${c.maxLagShrinks}`}` +
      `${c.maxRetries ? `, producer retries ≤ ${c.maxRetries} (${c.idempotentProducer && c.acks === 'all' ? 'idempotent' : 'not idempotent'})` : ''}`,
    ...changedSwitches(c),
    ...(c.mutation === undefined ? [] : [`MUTATION ${c.mutation}: ${MUTATIONS[c.mutation]}`]),
    ...(c.forcedGuard === undefined ? [] : [`FORCED GUARD ${c.forcedGuard}: the guard answers so whatever it is asked`]),
  ];
}

/**
 * A configuration in one phrase a Kafka engineer can quote, opening a report's closing sentence:
 * the release, the settings, then the faults and leader changes the search allows, e.g.
 * `Kafka 4.1, rf 3, acks=all, min.insync.replicas=2, unclean election off, ELR on, 2 records,
 * up to 1 crash (a power loss), 1 session expiry, 2 leader changes and 1 leader move`.
 */
export function briefConfig(c: ClusterConfig): string {
  const on = (b: boolean) => (b ? 'on' : 'off');
  const release = c.protocol.startsWith('kafka-') ? `Kafka ${c.protocol.slice('kafka-'.length)}` : c.protocol;
  const changed = changedSwitches(c).length === 0 ? '' : ' with switches changed';
  const broken = c.mutation === undefined ? '' : ` with ${c.mutation} broken`;
  const forced = c.forcedGuard === undefined ? '' : ` with ${c.forcedGuard} forced`;
  const settings = [`${release}${changed}${broken}${forced}`, `rf ${c.rf}`, `acks=${c.acks}`, `min.insync.replicas=${c.minIsr}`,
    `unclean election ${on(c.unclean)}`, `ELR ${on(c.elr)}`, ...(c.observers ? [`${c.observers} observer${c.observers === 1 ? '' : 's'}`] : []),
    count(c.maxRecords, 'record'), ...retriesOf(c)];
  const faults = faultsOf(c);
  return `${settings.join(', ')}, ${faults.length === 0 ? 'no faults' : `up to ${andList(faults)}`}`;
}

/** The faults and leader changes a configuration's bounds allow, in Kafka's words, each with its most. */
export function faultsOf(c: ClusterConfig): string[] {
  const lossy = c.lossyCrashes === 0 ? ' (none a power loss)'
    : c.lossyCrashes === c.maxCrashes ? (c.maxCrashes === 1 ? ' (a power loss)' : ' (each may be a power loss)')
    : ` (${c.lossyCrashes} may be a power loss)`;
  return [
    c.maxCrashes === 0 ? '' : `${count(c.maxCrashes, 'crash', 'crashes')}${lossy}`,
    c.permanentFailures ? count(c.permanentFailures, 'broker down for good', 'brokers down for good') : '',
    c.maxHeartbeatLosses === 0 ? '' : count(c.maxHeartbeatLosses, 'session expiry', 'session expiries'),
    c.maxMessageLosses === 0 ? '' : count(c.maxMessageLosses, 'lost fetch message'),
    // Absent, a leader may drop a live follower for lag at any step: no bound to name.
    c.maxLagShrinks === undefined ? '' : count(c.maxLagShrinks, 'live follower dropped for lag', 'live followers dropped for lag'),
    c.maxLeaderChanges === 0 ? '' : count(c.maxLeaderChanges, 'leader change'),
    c.maxLeaderMoves === 0 ? '' : count(c.maxLeaderMoves, 'leader move'),
    c.maxControllerFailovers === 0 ? '' : count(c.maxControllerFailovers, 'controller failover'),
  ].filter((f) => f !== '');
}

/** A producer that retries, for the brief: how often, and whether it is idempotent (P8, P9); nothing when it does not. */
function retriesOf(c: ClusterConfig): string[] {
  if (!c.maxRetries) return [];
  return [`${count(c.maxRetries, 'producer retry', 'producer retries')} (${c.idempotentProducer && c.acks === 'all' ? 'idempotent' : 'not idempotent'})`];
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const andList = (xs: readonly string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** The switches set away from the named version's values, so an override is never hidden behind a version name. */
function changedSwitches(c: ClusterConfig): string[] {
  const version = VERSIONS[c.protocol];
  const changed = SWITCH_NAMES
    .filter((k) => k !== 'truncation' && version !== undefined && version[k] !== c[k])
    .map((k) => `${k}=${c[k]}`);
  return changed.length === 0 ? [] : [`switches changed from ${c.protocol}: ${changed.join(' ')}`];
}
