/**
 * The cluster's actions: every step that can happen next, named in Kafka's words, with the
 * parameters that say who does it. A trace is a list of these, so it explains itself and replays
 * anywhere. `enumerateActions` lists the enabled ones in a fixed order and is where the fault
 * budgets are read; `DELIVERIES` is the one table of the steps that take a message off the
 * network, read by enumeration, delivery and pictures alike.
 */
import type { Bounds } from './config.ts';
import type { BrokerId, MessageKind } from './types.ts';
import type { Cluster, ClusterState } from './cluster.ts';
import type { Rules } from './rules.ts';
import { leo } from './replica-context.ts';
import { consumerActions, validatesPosition } from './client.ts';

/** The budget a delivery step spends, if any. */
type DeliveryBudget = 'maxMessageLosses' | null;

/**
 * A step that takes the oldest message of a connection off the network: its kind, the action
 * parameter naming the receiver (none for the controller) and the sender, and whether the
 * network loses the message instead of delivering it (which spends a budget).
 */
export interface Delivery {
  readonly kind: MessageKind;
  readonly receiver: 'broker' | null;
  readonly sender: 'from' | 'leader';
  readonly lost: boolean;
  readonly budget: DeliveryBudget;
}

const handle = (kind: MessageKind, receiver: Delivery['receiver'] = 'broker', sender: Delivery['sender'] = 'from'): Delivery =>
  ({ kind, receiver, sender, lost: false, budget: null });
const lose = (kind: MessageKind, sender: Delivery['sender']): Delivery =>
  ({ kind, receiver: 'broker', sender, lost: true, budget: 'maxMessageLosses' });

/** Every delivery step, in the order they are enumerated for one message. */
export const DELIVERIES = {
  LeaderHandleFetch: handle('FetchRequest'),
  NetworkLoseFetchRequest: lose('FetchRequest', 'from'),
  FollowerHandleFetchResponse: handle('FetchResponse'),
  NetworkLoseFetchResponse: lose('FetchResponse', 'leader'),
  LeaderHandleEpochQuery: handle('EpochRequest'),
  FollowerHandleEpochResponse: handle('EpochResponse'),
  ControllerHandleAlterPartition: handle('AlterPartition', null, 'leader'),
  LeaderHandleAlterPartitionResponse: handle('AlterPartitionResponse'),
} as const satisfies Record<string, Delivery>;

const BY_KIND = new Map<MessageKind, [string, Delivery][]>();
for (const [step, d] of Object.entries(DELIVERIES)) BY_KIND.set(d.kind, [...(BY_KIND.get(d.kind) ?? []), [step, d]]);

/** A delivery step's message kind and connection, or null for a step that is not a delivery. */
export function deliveryOf(a: ClusterAction): (Delivery & { readonly from: number; readonly to: number }) | null {
  const d: Delivery | undefined = (DELIVERIES as Record<string, Delivery>)[a.step];
  if (d === undefined) return null;
  const params = a as unknown as Record<string, number>;
  return { ...d, from: params[d.sender], to: d.receiver === null ? 0 : params[d.receiver] };
}

export type ClusterAction =
  | { step: 'ProducerSend'; broker: BrokerId; value: number }
  | { step: 'ConsumerFetch'; broker: BrokerId }
  | { step: 'ConsumerRefreshMetadata'; broker: BrokerId }
  | { step: 'ConsumerValidatePosition'; broker: BrokerId }
  | { step: 'LeaderSelectReadReplica'; broker: BrokerId; replica: BrokerId }
  | { step: 'ConsumerExpireReadReplica'; broker: BrokerId }
  | { step: 'FollowerFetch'; broker: BrokerId }
  | { step: 'LeaderHandleFetch'; broker: BrokerId; from: BrokerId }
  | { step: 'FollowerHandleFetchResponse'; broker: BrokerId; from: BrokerId }
  | { step: 'LeaderHandleEpochQuery'; broker: BrokerId; from: BrokerId }
  | { step: 'FollowerHandleEpochResponse'; broker: BrokerId; from: BrokerId }
  | { step: 'NetworkLoseFetchRequest'; broker: BrokerId; from: BrokerId }
  | { step: 'NetworkLoseFetchResponse'; broker: BrokerId; leader: BrokerId }
  | { step: 'LeaderShrinkIsr'; broker: BrokerId; follower: BrokerId }
  | { step: 'ControllerHandleAlterPartition'; leader: BrokerId }
  | { step: 'LeaderHandleAlterPartitionResponse'; broker: BrokerId; from: 0 }
  | { step: 'BrokerApplyMetadata'; broker: BrokerId }
  | { step: 'BrokerCrash'; broker: BrokerId }
  | { step: 'BrokerLossyCrash'; broker: BrokerId; keep: number }
  | { step: 'BrokerRestart'; broker: BrokerId }
  | { step: 'BrokerFailPermanently'; broker: BrokerId }
  | { step: 'ControllerFenceBroker'; broker: BrokerId }
  | { step: 'ControllerUnfenceBroker'; broker: BrokerId }
  | { step: 'ControllerElectPreferredLeader' }
  | { step: 'BrokerControlledShutdown'; broker: BrokerId }
  | { step: 'BrokerCheckpointHw'; broker: BrokerId }
  | { step: 'ControllerFailover' }
  | { step: 'DeposedControllerSendMetadata'; broker: BrokerId };

export type StepName = ClusterAction['step'];

export function enumerateActions(cl: Cluster, s: ClusterState): ClusterAction[] {
  const out: ClusterAction[] = [];
  for (const b of cl.rules.replicas) {
    if (s.replicas[b - 1].role === 'offline') offlineBrokerActions(s, b, out);
    else runningBrokerActions(cl, s, b, out);
  }
  if (s.spent.leaderMoves < cl.bounds.maxLeaderMoves && cl.controllerAccepts(s, { type: 'PreferredElection' })) {
    out.push({ step: 'ControllerElectPreferredLeader' });
  }
  if (s.spent.controllerFailovers < cl.bounds.maxControllerFailovers) out.push({ step: 'ControllerFailover' });
  out.push(...consumerActions(cl.rules, s));
  networkActions(cl, s, out);
  return out;
}

function runningBrokerActions(cl: Cluster, s: ClusterState, b: BrokerId, out: ClusterAction[]): void {
  const c = cl.bounds;
  const slot = s.replicas[b - 1];
  const r = slot.context;
  if (slot.role === 'leader' && s.nextValue <= c.maxRecords) out.push({ step: 'ProducerSend', broker: b, value: s.nextValue });
  if (cl.accepts(s, b, { type: 'FetchTick' }) && s.replicas[r.leader - 1].role !== 'offline') {
    out.push({ step: 'FollowerFetch', broker: b });
  }
  if (slot.role === 'leader') {
    for (const f of cl.rules.replicas) {
      if (!mayDropForLag(cl, s, f)) continue;
      if (cl.accepts(s, b, { type: 'LagElapsed', follower: f })) out.push({ step: 'LeaderShrinkIsr', broker: b, follower: f });
    }
  }
  const fenced = s.controller.fenced[b - 1];
  if (!fenced && r.knownMetadata < s.controller.metadataOffset) out.push({ step: 'BrokerApplyMetadata', broker: b });
  if (s.spent.crashes < c.maxCrashes) {
    out.push({ step: 'BrokerCrash', broker: b });
    if (s.spent.lossyCrashes < c.lossyCrashes) {
      for (let keep = r.flushedTo; keep < leo(r); keep++) out.push({ step: 'BrokerLossyCrash', broker: b, keep });
    }
  }
  // Controller steps that elect spend a leader change; `Cluster.withinBounds` checks the budget.
  if (!fenced && s.spent.heartbeatLosses < c.maxHeartbeatLosses) out.push({ step: 'ControllerFenceBroker', broker: b });
  if (fenced) out.push({ step: 'ControllerUnfenceBroker', broker: b });
  if (!fenced && s.spent.leaderMoves < c.maxLeaderMoves) out.push({ step: 'BrokerControlledShutdown', broker: b });
  if ((s.permanentlyDown?.length ?? 0) < cl.permanentFailures) out.push({ step: 'BrokerFailPermanently', broker: b });
  if (cl.rules.hwCheckpointLags && r.hwCheckpoint !== r.hw) out.push({ step: 'BrokerCheckpointHw', broker: b });
  const d = s.deposed;
  if (d !== null && (r.controllerEpoch !== d.image.controllerEpoch || r.knownMetadata !== d.offset)) {
    out.push({ step: 'DeposedControllerSendMetadata', broker: b });
  }
}

/** S1: a follower that is down may always be dropped; a live one only within the `maxLagShrinks` budget. */
function mayDropForLag(cl: Cluster, s: ClusterState, f: BrokerId): boolean {
  return s.replicas[f - 1].role === 'offline' || (s.lagShrinks ?? 0) < cl.maxLagShrinks;
}

function offlineBrokerActions(s: ClusterState, b: BrokerId, out: ClusterAction[]): void {
  if (!(s.permanentlyDown?.includes(b) ?? false)) out.push({ step: 'BrokerRestart', broker: b });
  if (!s.controller.fenced[b - 1]) out.push({ step: 'ControllerFenceBroker', broker: b });
}

/**
 * One delivery per connection (its oldest message), and its loss where a budget allows. The
 * network is sorted by connection (`enqueue` in cluster.ts), so a connection's oldest message is
 * the one after a message of another connection.
 */
function networkActions(cl: Cluster, s: ClusterState, out: ClusterAction[]): void {
  for (let i = 0; i < s.network.length; i++) {
    const m = s.network[i];
    const before = i > 0 ? s.network[i - 1] : undefined;
    if (before !== undefined && before.kind === m.kind && before.from === m.from && before.to === m.to) continue;
    for (const [step, d] of BY_KIND.get(m.kind) ?? []) {
      if (d.budget !== null && s.spent.messageLosses >= cl.bounds[d.budget]) continue;
      const a: Record<string, string | number> = { step };
      if (d.receiver !== null) a[d.receiver] = m.to;
      a[d.sender] = m.from;
      out.push(a as ClusterAction);
    }
  }
}

/** One line for people. */
export function describeAction(a: ClusterAction): string {
  switch (a.step) {
    case 'ProducerSend': return `producer sends v${a.value} to broker ${a.broker}`;
    case 'ConsumerFetch': return `consumer fetches from broker ${a.broker}`;
    case 'ConsumerRefreshMetadata': return `consumer learns a newer leader epoch from broker ${a.broker}'s metadata`;
    case 'ConsumerValidatePosition': return `consumer validates its position with OffsetsForLeaderEpoch at leader ${a.broker}`;
    case 'LeaderSelectReadReplica': return `leader ${a.broker} tells the consumer to read from broker ${a.replica}`;
    case 'ConsumerExpireReadReplica': return `the consumer's choice of broker ${a.broker} as read replica expires`;
    case 'FollowerFetch': return `broker ${a.broker} sends a fetch to its leader`;
    case 'LeaderHandleFetch': return `broker ${a.broker} handles the fetch from broker ${a.from}`;
    case 'FollowerHandleFetchResponse': return `broker ${a.broker} handles the fetch response from broker ${a.from}`;
    case 'LeaderHandleEpochQuery': return `broker ${a.broker} answers OffsetsForLeaderEpoch from broker ${a.from}`;
    case 'FollowerHandleEpochResponse': return `broker ${a.broker} handles the OffsetsForLeaderEpoch answer from broker ${a.from}`;
    case 'NetworkLoseFetchRequest': return `the network loses broker ${a.from}'s fetch to broker ${a.broker}`;
    case 'NetworkLoseFetchResponse': return `the network loses broker ${a.leader}'s fetch response to broker ${a.broker}`;
    case 'LeaderShrinkIsr': return `leader ${a.broker} finds broker ${a.follower} out of sync and proposes to shrink the ISR`;
    case 'ControllerHandleAlterPartition': return `controller handles AlterPartition from broker ${a.leader}`;
    case 'LeaderHandleAlterPartitionResponse': return `broker ${a.broker} handles the AlterPartition response`;
    case 'BrokerApplyMetadata': return `broker ${a.broker} replays the latest metadata`;
    case 'BrokerCrash': return `broker ${a.broker} crashes (page cache survives)`;
    case 'BrokerLossyCrash': return `broker ${a.broker} loses power, keeping only its first ${a.keep} record(s)`;
    case 'BrokerRestart': return `broker ${a.broker} restarts and registers a new incarnation`;
    case 'BrokerFailPermanently': return `broker ${a.broker} fails for good (it never comes back)`;
    case 'ControllerFenceBroker': return `controller fences broker ${a.broker} (session expired)`;
    case 'ControllerUnfenceBroker': return `controller unfences broker ${a.broker} (heartbeats resumed)`;
    case 'ControllerElectPreferredLeader': return 'controller moves leadership back to the preferred replica';
    case 'BrokerControlledShutdown': return `broker ${a.broker} shuts down cleanly (controlled shutdown)`;
    case 'BrokerCheckpointHw': return `broker ${a.broker} writes its HW checkpoint`;
    case 'ControllerFailover': return 'another controller takes over and sends its state to every broker';
    case 'DeposedControllerSendMetadata': return `the deposed controller sends its stale metadata to broker ${a.broker}`;
  }
}

/**
 * Whether no leader epoch with a leader can follow the first one: no election and no leader move in
 * the bounds, and no controller that bumps the epoch on an ISR shrink (M3). Then the consumer never
 * learns a new leader epoch (C5).
 */
export function leaderEpochFixed(k: Rules, c: Bounds): boolean {
  return c.maxLeaderChanges === 0 && c.maxLeaderMoves === 0 && !k.controller.shrinkBumpsLeaderEpoch;
}

/**
 * Every kind of step, with the reason a configuration rules it out (null when it can happen), so
 * a report can tell a step that exploration never took from one that cannot be taken at all.
 */
export function stepKinds(k: Rules, c: Bounds, permanentFailures = 0): Record<ClusterAction['step'], string | null> {
  const noFollowers = k.replicas.length === 1 ? 'replication factor 1: no followers' : null;
  const noLoss = c.maxMessageLosses === 0 ? 'no lost fetch messages in the bounds' : null;
  const noEpochQuery = noFollowers ?? (k.truncation.asksLeaderEpoch ? null : `truncation ${k.truncation.name} does not ask OffsetsForLeaderEpoch`);
  const noCrash = c.maxCrashes === 0 ? 'no crash in the bounds' : null;
  const noAlter = noFollowers ?? (k.isrWrites === 'alterPartition' ? null : 'ISR changes are synchronous ZooKeeper writes before KIP-497');
  const noConsumer = k.consumer.enabled ? null : 'no consumer';
  const noNewEpoch = leaderEpochFixed(k, c) ? 'no leader-epoch change in the bounds' : null;
  const noFollowerReads = k.consumer.followerReads ? noFollowers : 'the consumer reads only from leaders (followerReads off)';
  return {
    ProducerSend: null,
    ConsumerFetch: noConsumer,
    ConsumerRefreshMetadata: noConsumer ?? noNewEpoch,
    ConsumerValidatePosition: noConsumer ?? (validatesPosition(k) ? noNewEpoch : 'the consumer does not validate its position (C5)'),
    LeaderSelectReadReplica: noConsumer ?? noFollowerReads,
    ConsumerExpireReadReplica: noConsumer ?? noFollowerReads,
    FollowerFetch: noFollowers,
    LeaderHandleFetch: noFollowers,
    FollowerHandleFetchResponse: noFollowers,
    LeaderHandleEpochQuery: noEpochQuery,
    FollowerHandleEpochResponse: noEpochQuery,
    NetworkLoseFetchRequest: noFollowers ?? noLoss,
    NetworkLoseFetchResponse: noFollowers ?? noLoss,
    LeaderShrinkIsr: noFollowers,
    ControllerHandleAlterPartition: noAlter,
    LeaderHandleAlterPartitionResponse: noAlter,
    BrokerApplyMetadata: null,
    BrokerCrash: noCrash,
    BrokerLossyCrash: noCrash ?? (c.lossyCrashes === 0 ? 'no lossy crash in the bounds' : k.flushEveryRecord ? 'every record is flushed' : null),
    BrokerRestart: noCrash !== null && c.maxLeaderMoves === 0 ? 'no crash or controlled shutdown in the bounds' : null,
    BrokerFailPermanently: permanentFailures === 0 ? 'no permanent failure in the bounds (permanentFailures=0)' : null,
    ControllerFenceBroker: noCrash !== null && c.maxHeartbeatLosses === 0 && permanentFailures === 0 ? 'no crash or lost heartbeat in the bounds' : null,
    ControllerUnfenceBroker: c.maxHeartbeatLosses > 0 || (k.controller.registersFenced && (c.maxCrashes > 0 || c.maxLeaderMoves > 0))
      ? null : 'no lost heartbeat in the bounds, and no restart that registers fenced',
    ControllerElectPreferredLeader: c.maxLeaderMoves === 0 ? 'no leader moves in the bounds' : noFollowers,
    BrokerControlledShutdown: c.maxLeaderMoves === 0 ? 'no leader moves in the bounds' : null,
    BrokerCheckpointHw: k.hwCheckpointLags ? null : 'HW checkpoints do not lag (hwCheckpointLags=false)',
    ControllerFailover: c.maxControllerFailovers === 0 ? 'no controller failover in the bounds' : null,
    DeposedControllerSendMetadata: c.maxControllerFailovers === 0 ? 'no controller failover in the bounds'
      : k.controller.kind === 'kraft' ? 'a deposed KRaft controller commits nothing brokers replay' : null,
  };
}

